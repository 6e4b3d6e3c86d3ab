import { useEffect, useState } from 'react'
import { Button, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import type { CreditPackage } from '@aiphoto/contract'
import { errorMessage } from '@aiphoto/client'
import { api } from '../../services/api'
import { ensureSession, setCredits, useProfile } from '../../services/session'
import { usePricing } from '../../services/pricing'
import { formatFen, toastError, toastSuccess, toastText } from '../../services/ui'
import { Skeleton } from '../../components/skeleton'
import { ErrorView } from '../../components/state-view'
import { lastPackage, rememberPackage, savePendingOrder, takePendingOrder } from './pending-order'
import { canPurchase } from '../../services/platform'
import './index.css'
import { pressState } from '../../components/press-state'
import { pressable } from '../../components/pressable'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))


/** Asks for the order until it is paid (the provider's notification may lag the payment by a moment). */
async function confirmOrder(outTradeNo: string): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    const order = await api.payment.getOrder({ out_trade_no: outTradeNo })
    if (order.status === 'paid') {
      setCredits(order.credits_balance)
      toastSuccess(`到账 ${order.credits} 积分`)
      return true
    }
    if (order.status !== 'pending') break
    await sleep(1000 + i * 500)
  }
  toastText('支付结果确认中，请稍后在充值记录查看')
  return false
}

/**
 * WeChat does not allow selling virtual goods (credits) through wx.requestPayment in a mini-program on iOS: there
 * the page never loads packages or shows a price, it says where credits come from (see docs/deploy.md).
 */
export default function Recharge() {
  if (!canPurchase()) return <CreditsInfo />
  return <Shop />
}

function CreditsInfo() {
  const profile = useProfile()
  const pricing = usePricing()
  useEffect(() => {
    ensureSession().catch(() => {})
  }, [])
  return (
    <View className='pg recharge'>
      <View className='recharge-head'>
        <View className='muted'>当前积分</View>
        <View className='recharge-balance'>{profile?.credits ?? '--'}</View>
        <View className='faint'>
          {pricing ? `服装摄影 ${pricing.photography_per_image} 积分/张 · 虚拟试衣 ${pricing.fitting_per_image} 积分/次` : '\u00a0'}
        </View>
      </View>
      <View className='section card recharge-note'>
        <View className='section-title'>获取积分</View>
        <View className='muted'>每日签到可获得积分，连续签到第 7 天双倍；新朋友注册时使用你的邀请码，双方各得奖励积分。生成失败或取消会自动退回积分。</View>
      </View>
      <View className='action-bar-spacer' />
      <View className='action-bar'>
        <Button className='btn' onClick={() => void Taro.switchTab({ url: '/pages/mine/index' })}>
          去签到
        </Button>
      </View>
    </View>
  )
}

function Shop() {
  const { params } = useRouter()
  const profile = useProfile()
  const pricing = usePricing()
  const [packages, setPackages] = useState<CreditPackage[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [paying, setPaying] = useState(false)

  async function load() {
    setError(null)
    try {
      const res = await api.payment.packages()
      setPackages(res.items)
      const remembered = lastPackage()
      setSelected((s) => s ?? res.items.find((p) => p.id === remembered)?.id ?? res.items.find((p) => p.tag)?.id ?? res.items[0]?.id ?? null)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: '积分充值' })
    ensureSession().catch(() => {})
    void load()
  }, [])

  // Back from the H5 checkout page: check the order that was being paid, unless the payer cancelled there
  // (polling an order nobody pays would end in a misleading "result pending" message).
  useDidShow(() => {
    const pendingNo = params.out_trade_no ?? takePendingOrder()
    if (params.cancelled) {
      toastText('已取消支付')
      return
    }
    if (pendingNo) void ensureSession().then(() => confirmOrder(pendingNo)).catch(toastError)
  })

  async function pay() {
    const pkg = packages?.find((p) => p.id === selected)
    if (!pkg || paying) return
    setPaying(true)
    try {
      const order = await api.payment.createOrder({ package_id: pkg.id })
      if (order.payment.kind === 'wechat') {
        if (process.env.TARO_ENV !== 'weapp') throw new Error('wechat pay outside weapp')
        try {
          await Taro.requestPayment({ ...order.payment.params, signType: order.payment.params.signType as 'MD5' })
        } catch (e) {
          if (String((e as { errMsg?: string })?.errMsg ?? '').includes('cancel')) {
            toastText('已取消支付')
            return
          }
          throw e
        }
        await confirmOrder(order.out_trade_no)
      } else {
        if (process.env.TARO_ENV === 'h5') {
          savePendingOrder(order.out_trade_no)
          window.location.href = order.payment.url
        } else {
          toastText('当前环境不支持该支付方式')
        }
      }
    } catch (e) {
      toastError(e)
    } finally {
      setPaying(false)
    }
  }

  const current = packages?.find((p) => p.id === selected)

  return (
    <View className='pg recharge'>
      <View className='recharge-head'>
        <View className='muted'>当前积分</View>
        <View className='recharge-balance'>{profile?.credits ?? '--'}</View>
        {/* The server's prices (photography/getPricing), not a copy: they are configurable. */}
        <View className='faint'>
          {pricing ? `服装摄影 ${pricing.photography_per_image} 积分/张 · 虚拟试衣 ${pricing.fitting_per_image} 积分/次` : '\u00a0'}
        </View>
      </View>
      {error ? (
        <ErrorView message={error} onRetry={load} />
      ) : (
        <View className='pkg-grid'>
          {packages === null
            ? [0, 1, 2, 3].map((i) => <Skeleton key={i} className='pkg' height={220} radius={20} />)
            : packages.map((p) => (
                <View key={p.id} className={`pkg ${p.id === selected ? 'pkg-on' : ''}`} {...pressable(`${p.credits} 积分 ¥${formatFen(p.price_fen)}`)} onClick={() => {
                    setSelected(p.id)
                    rememberPackage(p.id)
                  }}>
                  {p.tag ? <View className='pkg-tag'>{p.tag}</View> : null}
                  <View className='pkg-credits'>
                    {p.credits}
                    <View className='pkg-unit'>积分</View>
                  </View>
                  {p.bonus_credits > 0 ? <View className='pkg-bonus'>含赠送 {p.bonus_credits}</View> : <View className='pkg-bonus' />}
                  <View className='pkg-price'>¥{formatFen(p.price_fen)}</View>
                </View>
              ))}
        </View>
      )}
      <View className='section faint recharge-note'>积分用于生成图片，充值后不可退款。生成失败或取消会自动退回积分。</View>
      <View className='action-bar-spacer' />
      <View className='action-bar'>
        <Button className='btn' {...pressState({ busy: paying, disabled: !current })} onClick={pay}>
          {current ? `立即支付 ¥${formatFen(current.price_fen)}` : '请选择套餐'}
        </Button>
      </View>
    </View>
  )
}
