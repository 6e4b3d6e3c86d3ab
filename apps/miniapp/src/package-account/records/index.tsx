import { useCallback, useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import type { ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { ensureSession } from '../../services/session'
import { formatDate, formatFen } from '../../services/ui'
import { useListGestures, usePaged } from '../../hooks/use-paged'
import { Tabs } from '../../components/tabs'
import { Skeleton } from '../../components/skeleton'
import { ErrorView, StateView } from '../../components/state-view'
import { canPurchase } from '../../services/platform'
import './index.css'

type Tab = 'recharge' | 'consume'
type RechargeRow = ActionOutput<'payment/listRechargeRecords'>['items'][number]
type ConsumeRow = ActionOutput<'payment/listConsumeRecords'>['items'][number]
type Row = { kind: 'recharge'; r: RechargeRow } | { kind: 'consume'; r: ConsumeRow }

const TABS: ReadonlyArray<{ key: Tab; label: string }> = [
  { key: 'recharge', label: '充值记录' },
  { key: 'consume', label: '消费记录' },
]
const ORDER_STATUS: Record<RechargeRow['status'], string> = { pending: '待支付', paid: '已到账', closed: '已关闭', refunded: '已退款' }

export default function Records() {
  const { params } = useRouter()
  // iOS: no purchase path, so no order list with prices either; the credit ledger alone is 积分明细.
  const purchase = canPurchase()
  const [tab, setTab] = useState<Tab>(params.tab === 'consume' || !purchase ? 'consume' : 'recharge')
  useEffect(() => {
    if (!purchase) void Taro.setNavigationBarTitle({ title: '积分明细' })
  }, [purchase])
  const fetchPage = useCallback(
    async (cursor: string | undefined): Promise<{ items: Row[]; next_cursor: string | null }> => {
      await ensureSession()
      const input = { pageSize: 20, ...(cursor ? { cursor } : {}) }
      if (tab === 'recharge' && purchase) {
        const page = await api.payment.rechargeRecords(input)
        return { items: page.items.map((r) => ({ kind: 'recharge' as const, r })), next_cursor: page.next_cursor }
      }
      const page = await api.payment.consumeRecords(input)
      return { items: page.items.map((r) => ({ kind: 'consume' as const, r })), next_cursor: page.next_cursor }
    },
    [tab, purchase],
  )
  const list = usePaged<Row>(fetchPage)

  useEffect(() => {
    void list.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tab])
  useListGestures(list)

  return (
    <View className='pg'>
      {purchase ? <Tabs items={TABS} value={tab} onChange={setTab} /> : null}
      {list.status === 'error' && list.items.length === 0 ? (
        <ErrorView message={list.error ?? ''} onRetry={list.reload} />
      ) : !list.loaded || (list.status === 'loading' && list.items.length === 0) ? (
        <View className='section card'>
          {[0, 1, 2, 3, 4].map((i) => (
            <Skeleton key={i} height={64} marginBottom={24} />
          ))}
        </View>
      ) : list.items.length === 0 ? (
        <StateView
          mark={tab === 'recharge' ? '充' : '耗'}
          title={tab === 'recharge' ? '暂无充值记录' : '暂无消费记录'}
          text={tab === 'recharge' ? '充值后的订单会显示在这里' : '生成图片消耗与退回的积分会显示在这里'}
        />
      ) : (
        <>
          <View className='section card rec-list'>
            {list.items.map((row) =>
              row.kind === 'recharge' ? (
                <View key={row.r.out_trade_no} className='rec row between'>
                  <View className='col grow'>
                    <View className='rec-title ellipsis'>{row.r.package_name}</View>
                    <View className='faint'>{formatDate(row.r.created_at)} · ¥{formatFen(row.r.amount_fen)}</View>
                  </View>
                  <View className='col rec-right'>
                    <View className={`rec-amount ${row.r.status === 'paid' ? 'rec-plus' : ''}`}>+{row.r.credits}</View>
                    <View className='faint'>{ORDER_STATUS[row.r.status]}</View>
                  </View>
                </View>
              ) : (
                <View key={row.r.id} className='rec row between'>
                  <View className='col grow'>
                    <View className='rec-title ellipsis'>{row.r.reason || (row.r.kind === 'refund' ? '生成失败退回' : '生成图片')}</View>
                    <View className='faint'>{formatDate(row.r.created_at)}</View>
                  </View>
                  <View className='col rec-right'>
                    <View className={`rec-amount ${row.r.delta > 0 ? 'rec-plus' : ''}`}>
                      {row.r.delta > 0 ? '+' : ''}
                      {row.r.delta}
                    </View>
                    <View className='faint'>余额 {row.r.balance_after}</View>
                  </View>
                </View>
              ),
            )}
          </View>
          <View className='list-end'>{list.status === 'more' ? '加载中…' : list.hasMore ? '上拉加载更多' : '— 已经到底了 —'}</View>
        </>
      )}
    </View>
  )
}
