/** 订单: by status, newest first; ask the payment provider about one order; close the expired unpaid ones. */
import { useCallback, useEffect, useState } from 'react'
import { Button, View } from '@tarojs/components'
import type { ActionInput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { ensureSession } from '../../services/session'
import { confirm, formatDate, formatFen, toastError, toastText } from '../../services/ui'
import { useListGestures, usePaged } from '../../hooks/use-paged'
import { ErrorView } from '../../components/state-view'
import { pressState } from '../../components/press-state'
import { FilterChips, ORDER_STATUS, Tag } from '../shared/ui'
import '../shared/admin.css'

type Filter = NonNullable<ActionInput<'admin/listOrders'>['status']> | 'all'
const FILTERS: ReadonlyArray<{ key: Filter; label: string }> = [
  { key: 'pending', label: '待支付' },
  { key: 'paid', label: '已支付' },
  { key: 'closed', label: '已关闭' },
  { key: 'refunded', label: '已退款' },
  { key: 'all', label: '全部' },
]
const TRADE_STATE: Record<string, string> = { SUCCESS: '已支付', NOTPAY: '未支付', CLOSED: '已关闭', REFUND: '已退款', USERPAYING: '支付中', PAYERROR: '支付失败', REVOKED: '已撤销', NOT_FOUND: '无此订单' }

export default function Orders() {
  const [filter, setFilter] = useState<Filter>('all')
  const [busy, setBusy] = useState<string | null>(null)
  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      await ensureSession()
      return api.call('admin/listOrders', { pageSize: 20, ...(filter !== 'all' ? { status: filter } : {}), ...(cursor ? { cursor } : {}) })
    },
    [filter],
  )
  const list = usePaged(fetchPage)
  useEffect(() => {
    void list.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter])
  useListGestures(list)

  async function query(outTradeNo: string) {
    setBusy(outTradeNo)
    try {
      const r = await api.call('admin/queryOrder', { out_trade_no: outTradeNo })
      toastText(`支付方：${TRADE_STATE[r.provider_state] ?? r.provider_state}${r.credited ? '，已补发积分' : ''}`)
      await list.reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  async function closeExpired() {
    if (!(await confirm({ title: '关闭过期订单', content: '超过 30 分钟未支付的订单将在支付方关闭；期间已支付的会补发积分' }))) return
    setBusy('close')
    try {
      const r = await api.call('admin/closeExpiredOrders', {})
      toastText(`检查 ${r.checked} 笔，关闭 ${r.closed} 笔，补发 ${r.credited} 笔`)
      await list.reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  return (
    <View className='pg adm'>
      <FilterChips items={FILTERS} value={filter} onChange={setFilter} />
      <View className='section'>
        <Button className='btn btn-small btn-plain' {...pressState({ busy: busy === 'close' })} onClick={() => void closeExpired()}>
          关闭过期订单
        </Button>
      </View>
      {list.status === 'error' && list.items.length === 0 ? (
        <ErrorView message={list.error ?? ''} onRetry={list.reload} />
      ) : (
        <View className='section card'>
          {list.loaded && list.items.length === 0 ? <View className='adm-empty'>没有订单</View> : null}
          {list.items.map((o) => (
            <View key={o._id} className='adm-row order-row'>
              <View className='adm-row-main'>
                <View>
                  <Tag tone={ORDER_STATUS[o.status]?.tone}>{ORDER_STATUS[o.status]?.label ?? o.status}</Tag>¥{formatFen(o.amount_fen)} · {o.credits} 积分
                </View>
                <View className='adm-mono'>{o.out_trade_no}</View>
                <View className='faint'>
                  {formatDate(o.created_at)} · {o.user_openid}
                </View>
              </View>
              <Button className='btn btn-small btn-ghost' {...pressState({ busy: busy === o.out_trade_no })} onClick={() => void query(o.out_trade_no)}>
                查询
              </Button>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
