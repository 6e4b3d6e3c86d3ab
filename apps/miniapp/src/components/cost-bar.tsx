import { Button, View } from '@tarojs/components'
import { canPurchase, goGetCredits } from '../services/platform'
import './cost-bar.css'
import { pressState } from './press-state'

/** The bottom bar of a generation page: live cost against the balance, and either 生成 or a way to get credits (去充值; on iOS, where buying is not offered, 获取积分 → check-in on 我的). */
export function CostBar(props: { cost: number | null; balance: number | null; busy: boolean; ready: boolean; hint?: string; onGenerate: () => void }) {
  const insufficient = props.balance !== null && props.cost !== null && props.balance < props.cost
  return (
    <>
      <View className='action-bar-spacer' />
      <View className='action-bar row between'>
        <View className='col cost-info'>
          <View className='cost-line'>
            消耗 <View className='cost-num'>{props.cost ?? '…'}</View> 积分
          </View>
          <View className={insufficient ? 'faint danger' : 'faint'}>
            {props.balance === null ? '余额加载中…' : insufficient ? `余额 ${props.balance}，还差 ${(props.cost ?? 0) - props.balance}` : `余额 ${props.balance}`}
          </View>
        </View>
        {insufficient ? (
          <Button className='btn cost-btn' onClick={goGetCredits}>
            {canPurchase() ? '去充值' : '获取积分'}
          </Button>
        ) : (
          <Button className={`btn cost-btn ${props.ready && props.cost !== null ? '' : 'btn-disabled'}`} {...pressState({ busy: props.busy })} onClick={props.onGenerate}>
            {props.busy ? '提交中' : props.hint && !props.ready ? props.hint : '立即生成'}
          </Button>
        )}
      </View>
    </>
  )
}
