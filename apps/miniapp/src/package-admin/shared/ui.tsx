/** Small building blocks of the console screens: filter chips, key/value rows, status tags, labels. */
import { Input, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { tabItem, tabList } from '../../components/pressable'

export function FilterChips<K extends string>(props: { items: ReadonlyArray<{ key: K; label: string }>; value: K; onChange: (key: K) => void; label?: string }) {
  return (
    <View className='adm-chips' {...tabList(props.label ?? '筛选')}>
      {props.items.map((i) => (
        <View key={i.key} className={`adm-chip ${i.key === props.value ? 'adm-chip-on' : ''}`} {...tabItem(i.key === props.value)} onClick={() => i.key !== props.value && props.onChange(i.key)}>
          {i.label}
        </View>
      ))}
    </View>
  )
}

export function KV(props: { k: string; children: ReactNode }) {
  return (
    <View className='adm-kv'>
      <View className='adm-kv-k'>{props.k}</View>
      <View className='adm-kv-v'>{props.children}</View>
    </View>
  )
}

export function Tag(props: { tone?: 'ok' | 'bad' | 'warn' | 'info'; children: ReactNode }) {
  return <View className={`adm-tag ${props.tone ? `adm-tag-${props.tone}` : ''}`}>{props.children}</View>
}

export function Field(props: { label: string; value: string; onInput: (v: string) => void; placeholder?: string; type?: 'text' | 'number'; password?: boolean; name?: string }) {
  return (
    <View className='adm-field'>
      <View className='adm-label'>{props.label}</View>
      <View className='adm-input'>
        <Input
          name={props.name}
          value={props.value}
          type={props.type ?? 'text'}
          password={props.password}
          placeholder={props.placeholder ?? ''}
          onInput={(e) => props.onInput(e.detail.value)}
        />
      </View>
    </View>
  )
}

export const TASK_STATUS: Record<string, { label: string; tone?: 'ok' | 'bad' | 'warn' | 'info' }> = {
  pending: { label: '排队中', tone: 'info' },
  processing: { label: '处理中', tone: 'info' },
  completed: { label: '已完成', tone: 'ok' },
  failed: { label: '失败', tone: 'bad' },
  cancelled: { label: '已取消' },
}

export const ORDER_STATUS: Record<string, { label: string; tone?: 'ok' | 'bad' | 'warn' | 'info' }> = {
  pending: { label: '待支付', tone: 'warn' },
  paid: { label: '已支付', tone: 'ok' },
  closed: { label: '已关闭' },
  refunded: { label: '已退款', tone: 'bad' },
}

export const MODE_LABEL: Record<string, string> = { photography: '服装摄影', fitting: '虚拟试衣', on_model: '模特上身', scene: '场景图', packshot: '白底图', upscale: '高清放大' }

export const LEDGER_KIND: Record<string, string> = {
  signup_bonus: '注册赠送',
  invite_reward: '邀请奖励',
  checkin: '签到',
  recharge: '充值',
  consume: '消费',
  refund: '退款',
  admin_adjust: '人工调整',
}

/** An idempotency key for one operator action (a retried tap sends the same key). */
export function newRequestId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/** 1234 ms → "1.2 秒"; null → "—". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—'
  return ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} 秒` : `${(ms / 60_000).toFixed(1)} 分`
}
