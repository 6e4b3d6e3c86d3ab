/** 概览: the console's entry (from 我的, admins only) — navigation to every screen and the business figures with charts. */
import { useState } from 'react'
import { View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import type { DashboardRange } from '@aiphoto/contract'
import { api } from '../../services/api'
import { formatDate, formatFen } from '../../services/ui'
import { ErrorView, StateView } from '../../components/state-view'
import { Skeleton } from '../../components/skeleton'
import { BarChart } from '../shared/bar-chart'
import { FilterChips, formatMs, MODE_LABEL, TASK_STATUS, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'
import '../shared/admin.css'
import { pressable } from '../../components/pressable'

const NAV = [
  { label: '任务', url: '/package-admin/tasks/index' },
  { label: '用户', url: '/package-admin/users/index' },
  { label: '订单', url: '/package-admin/orders/index' },
  { label: '目录', url: '/package-admin/catalog/index' },
  { label: '服务商', url: '/package-admin/providers/index' },
  { label: '审计', url: '/package-admin/audit/index' },
]
const RANGES: ReadonlyArray<{ key: DashboardRange; label: string }> = [
  { key: 'today', label: '今天' },
  { key: '7d', label: '近 7 天' },
  { key: '30d', label: '近 30 天' },
]
const C = { primary: '#5B47FB', ok: '#12A150', bad: '#E5484D', gold: '#F5A524', accent: '#FF7A45' }

export default function Dashboard() {
  const [range, setRange] = useState<DashboardRange>('7d')
  const { data, error, forbidden, loading, reload } = useLoad(() => api.call('admin/getDashboard', { range }), [range])
  usePullDownRefresh(() => void reload().finally(() => Taro.stopPullDownRefresh()))

  const labels = data?.series.map((p) => p.label) ?? []
  const values = (k: keyof NonNullable<typeof data>['totals']) => data?.series.map((p) => p[k]) ?? []

  // Reached by its route without being an operator: the server refused, and the screen says why.
  if (forbidden) return <View className='pg adm'><StateView mark='!' title='无权访问' text='运营后台仅对运营人员开放' /></View>
  return (
    <View className='pg adm'>
      <View className='adm-nav'>
        {NAV.map((n) => (
          <View key={n.url} className='adm-nav-item' {...pressable()} onClick={() => Taro.navigateTo({ url: n.url })}>
            {n.label}
          </View>
        ))}
      </View>
      <FilterChips items={RANGES} value={range} onChange={setRange} />
      {error ? (
        <ErrorView message={error} onRetry={reload} />
      ) : !data || (loading && !data) ? (
        <View className='section card'>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} height={120} marginBottom={24} />
          ))}
        </View>
      ) : (
        <>
          <View className='section card'>
            <View className='adm-kpis'>
              <Kpi label='生成任务' value={String(data.totals.generations)} />
              <Kpi label='成功率' value={data.success_rate === null ? '—' : `${Math.round(data.success_rate * 1000) / 10}%`} />
              <Kpi label='耗时中位 / P95（上限）' value={`${formatMs(data.p50_ms)} / ${formatMs(data.p95_ms)}`} small />
              <Kpi label='收入（元）' value={formatFen(data.totals.revenue_fen)} />
              <Kpi label='新用户' value={String(data.totals.new_users)} />
              <Kpi label='签到' value={String(data.totals.checkins)} />
            </View>
            <View className='faint adm-gap'>
              统计于 {formatDate(data.computed_at)}（每日汇总，今日至多延迟 1 分钟）
            </View>
          </View>

          <View className='section card'>
            <BarChart
              title='生成任务'
              total={`成功 ${data.totals.completed} · 失败 ${data.totals.failed}`}
              labels={labels}
              series={[
                { name: '成功', color: C.ok, values: values('completed') },
                { name: '失败', color: C.bad, values: values('failed') },
              ]}
            />
            <View className='adm-actions adm-gap'>
              {data.by_mode.length === 0 ? <View className='faint'>暂无生成</View> : null}
              {data.by_mode.map((m) => (
                <Tag key={`${m.mode}-${m.status}`} tone={TASK_STATUS[m.status]?.tone}>
                  {MODE_LABEL[m.mode] ?? m.mode} · {TASK_STATUS[m.status]?.label ?? m.status} {m.count}
                </Tag>
              ))}
            </View>
          </View>

          <View className='section card'>
            <BarChart title='收入（元）' total={`合计 ¥${formatFen(data.totals.revenue_fen)}`} labels={labels} format={formatFen} series={[{ name: '收入', color: C.gold, values: values('revenue_fen') }]} />
          </View>

          <View className='section card'>
            <BarChart
              title='积分发放与消耗'
              total={`发放 ${data.totals.credits_issued} · 消耗 ${data.totals.credits_consumed}`}
              labels={labels}
              series={[
                { name: '发放', color: C.primary, values: values('credits_issued') },
                { name: '消耗', color: C.accent, values: values('credits_consumed') },
              ]}
            />
          </View>

          <View className='section card'>
            <BarChart title='新用户' total={`合计 ${data.totals.new_users}`} labels={labels} series={[{ name: '新用户', color: C.primary, values: values('new_users') }]} />
          </View>

          <View className='section card'>
            <BarChart title='签到' total={`合计 ${data.totals.checkins}`} labels={labels} series={[{ name: '签到', color: C.ok, values: values('checkins') }]} />
          </View>

          <View className='section card'>
            <View className='adm-title'>服务商状态</View>
            {data.providers.map((p) => (
              <View key={p._id} className='adm-row'>
                <View className='adm-row-main'>
                  <View className='ellipsis'>{p.api_name}</View>
                  <View className='adm-mono'>{p._id}</View>
                </View>
                <View>
                  {!p.is_active ? <Tag>已停用</Tag> : null}
                  <Tag tone={p.circuit === 'open' ? 'bad' : 'ok'}>{p.circuit === 'open' ? '熔断中' : '正常'}</Tag>
                  <Tag tone={p.failures > 0 ? 'warn' : undefined}>连续失败 {p.failures}</Tag>
                </View>
              </View>
            ))}
            <View className='adm-label adm-gap'>
              期间失败任务（按服务商）
            </View>
            {data.provider_failures.length === 0 ? <View className='faint'>无</View> : null}
            {data.provider_failures.map((f) => (
              <View key={f.provider_id} className='adm-kv'>
                <View className='adm-kv-k'>{f.provider_id === 'none' ? '未分配服务商' : f.provider_id}</View>
                <View className='adm-kv-v'>{f.failed_tasks}</View>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}

function Kpi(props: { label: string; value: string; small?: boolean }) {
  return (
    <View className='adm-kpi'>
      <View className={`adm-kpi-num ${props.small ? 'adm-kpi-num-s' : ''}`}>
        {props.value}
      </View>
      <View className='adm-kpi-label'>{props.label}</View>
    </View>
  )
}
