/** Credit packages: every package with on/off, and a form for a new one (price in yuan, stored in fen). */
import { useState } from 'react'
import { Button, View } from '@tarojs/components'
import type { ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { formatFen, toastError, toastSuccess, toastText } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { ErrorView } from '../../components/state-view'
import { Field, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'
import { pressable } from '../../components/pressable'

type Pkg = ActionOutput<'admin/listPackages'>['items'][number]

export function Packages() {
  const { data, error, reload } = useLoad(() => api.call('admin/listPackages', {}), [])
  const [form, setForm] = useState<{ id: string; name: string; yuan: string; base: string; bonus: string } | null>(null)
  const [busy, setBusy] = useState(false)

  async function upsert(p: Pkg | null, patch: Partial<{ is_active: boolean }> = {}) {
    setBusy(true)
    try {
      if (p) {
        await api.call('admin/upsertPackage', { id: p.id, name: p.name, price_fen: p.price_fen, base_credits: p.base_credits, bonus_credits: p.bonus_credits, tag: p.tag, sort_order: p.sort_order, is_active: p.is_active, ...patch })
        toastSuccess(patch.is_active ? '已上架' : '已下架')
      } else if (form) {
        const fen = Math.round(Number(form.yuan) * 100)
        const base = Number(form.base)
        const bonus = Number(form.bonus || '0')
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(form.id) || !form.name.trim()) return toastText('请填写套餐编号（字母数字）和名称')
        if (!(fen >= 1) || !Number.isInteger(base) || base < 1 || !Number.isInteger(bonus) || bonus < 0) return toastText('价格与积分须为正数')
        await api.call('admin/upsertPackage', { id: form.id, name: form.name.trim(), price_fen: fen, base_credits: base, bonus_credits: bonus, sort_order: ((data?.items.length ?? 0) + 1) * 10 })
        toastSuccess('已新建')
        setForm(null)
      }
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  if (error) return <ErrorView message={error} onRetry={reload} />
  return (
    <View>
      {form ? (
        <View className='section card'>
          <View className='adm-title'>新建套餐</View>
          <Field label='编号' value={form.id} onInput={(v) => setForm({ ...form, id: v })} placeholder='例如 pkg_98' />
          <Field label='名称' value={form.name} onInput={(v) => setForm({ ...form, name: v })} placeholder='例如 专业包' />
          <Field label='价格（元）' value={form.yuan} onInput={(v) => setForm({ ...form, yuan: v })} type='number' />
          <Field label='基础积分' value={form.base} onInput={(v) => setForm({ ...form, base: v })} type='number' />
          <Field label='赠送积分' value={form.bonus} onInput={(v) => setForm({ ...form, bonus: v })} type='number' />
          <View className='adm-actions'>
            <Button className='btn btn-small grow' {...pressState({ busy })} onClick={() => void upsert(null)}>
              保存
            </Button>
            <Button className='btn btn-small btn-plain grow' onClick={() => setForm(null)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='section'>
          <Button className='btn btn-small btn-ghost' onClick={() => setForm({ id: '', name: '', yuan: '', base: '', bonus: '0' })}>
            新建套餐
          </Button>
        </View>
      )}
      <View className='section card'>
        {(data?.items ?? []).map((p) => (
          <View key={p.id} className='adm-row'>
            <View className='adm-row-main'>
              <View>
                {p.name} {p.tag ? <Tag tone='warn'>{p.tag}</Tag> : null}
                <Tag tone={p.is_active ? 'ok' : undefined}>{p.is_active ? '在售' : '已下架'}</Tag>
              </View>
              <View className='muted'>
                ¥{formatFen(p.price_fen)} · {p.base_credits}
                {p.bonus_credits ? ` + 赠 ${p.bonus_credits}` : ''} 积分
              </View>
              <View className='adm-mono'>{p.id}</View>
            </View>
            <View className='adm-chip' {...pressable()} onClick={() => void upsert(p, { is_active: !p.is_active })}>
              {p.is_active ? '下架' : '上架'}
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
