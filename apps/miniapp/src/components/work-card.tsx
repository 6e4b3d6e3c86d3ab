import { Image, View } from '@tarojs/components'
import type { WorkSummary } from '@aiphoto/contract'
import './work-card.css'
import { pressable } from './pressable'

const STATUS_TEXT: Record<WorkSummary['status'], string> = {
  pending: '排队中',
  processing: '生成中',
  completed: '',
  failed: '生成失败',
  cancelled: '已取消',
}

export function WorkCard(props: { work: WorkSummary; onClick: () => void; onImageError?: () => void }) {
  const w = props.work
  const badge = STATUS_TEXT[w.status]
  return (
    <View className='work-card' onClick={props.onClick} {...pressable(`${w.type === 'photography' ? '服装摄影' : '虚拟试衣'}作品${badge ? `（${badge}）` : ''}`)}>
      {w.cover_url ? (
        <Image className='work-img' src={w.cover_url} mode='aspectFill' lazyLoad onError={props.onImageError} />
      ) : (
        <View className={`work-img work-placeholder ${w.status === 'failed' || w.status === 'cancelled' ? 'work-placeholder-off' : ''}`}>
          {badge || '暂无图片'}
        </View>
      )}
      <View className='work-meta row between'>
        <View className='work-type'>{w.type === 'photography' ? '服装摄影' : '虚拟试衣'}</View>
        {w.is_favorite ? <View className='work-fav'>★</View> : null}
      </View>
      <View className='row between'>
        <View className='faint'>{w.image_count > 0 ? `${w.image_count} 张` : badge}</View>
        {badge && w.cover_url ? <View className='work-badge'>{badge}</View> : null}
      </View>
    </View>
  )
}
