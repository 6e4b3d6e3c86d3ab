/**
 * 服务商: every provider config with endpoint, priority, weight, health; keys are write-only (set/unset, replaced,
 * never read back); "测试" runs one tiny job on that config.
 */
import { useState } from 'react'
import { Button, Switch, View } from '@tarojs/components'
import type { ActionInput, ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { formatDate, toastError, toastSuccess, toastText } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { ErrorView } from '../../components/state-view'
import { Field, KV, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'
import '../shared/admin.css'

type Config = ActionOutput<'admin/listApiConfigs'>['items'][number]
type TestResult = ActionOutput<'admin/testApiConfig'>
interface Edit {
  config: Config
  endpoint: string
  priority: string
  weight: string
  is_active: boolean
  /** A new key; empty keeps the stored one. */
  key: string
  /** Account limits as typed: a number caps it; empty leaves the stored value (unset = the provider's documented default). */
  maxConcurrent: string
  submitsPerSecond: string
  pollMs: string
}

const limitText = (n: number | null, unit: string) => (n === null ? '服务商默认' : `${n} ${unit}`)
/** '' → undefined (not sent, the stored value stays), else the number (validated before sending). */
const limitOf = (v: string) => (v.trim() === '' ? undefined : Number(v))

const keySet = (c: Config) => c.header_names.length > 0

export default function Providers() {
  const { data, error, reload } = useLoad(() => api.call('admin/listApiConfigs', {}), [])
  const [edit, setEdit] = useState<Edit | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [results, setResults] = useState<Record<string, TestResult>>({})
  const now = Date.now()

  async function test(c: Config) {
    setBusy(`test:${c._id}`)
    try {
      const r = await api.call('admin/testApiConfig', { _id: c._id })
      setResults((m) => ({ ...m, [c._id]: r }))
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  async function save() {
    if (!edit) return
    const priority = Number(edit.priority)
    const weight = Number(edit.weight)
    if (!Number.isInteger(priority) || priority < 0 || priority > 100 || !Number.isInteger(weight) || weight < 0 || weight > 1000) return toastText('优先级 0-100，权重 0-1000，均为整数')
    const maxConcurrent = limitOf(edit.maxConcurrent)
    const submitsPerSecond = limitOf(edit.submitsPerSecond)
    const pollMs = limitOf(edit.pollMs)
    for (const n of [maxConcurrent, submitsPerSecond]) if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 1000)) return toastText('并发与每秒提交须为 1-1000 的整数')
    if (pollMs !== undefined && (!Number.isInteger(pollMs) || pollMs < 50 || pollMs > 60_000)) return toastText('轮询间隔须为 50-60000 毫秒')
    const c = edit.config
    const input: ActionInput<'admin/upsertApiConfig'> = {
      _id: c._id,
      provider: c.provider as ActionInput<'admin/upsertApiConfig'>['provider'],
      api_name: c.api_name,
      endpoint: edit.endpoint.trim(),
      default_params: c.default_params,
      priority,
      weight,
      is_active: edit.is_active,
      limits: { ...(maxConcurrent !== undefined ? { max_concurrent: maxConcurrent } : {}), ...(submitsPerSecond !== undefined ? { submits_per_second: submitsPerSecond } : {}) },
      ...(pollMs !== undefined ? { poll_interval_ms: pollMs } : {}),
      // The key header keeps its name; only its value is replaced (write-only).
      ...(edit.key.trim() ? { headers: { [c.header_names[0] ?? 'Authorization']: edit.key.trim() } } : {}),
    }
    setBusy('save')
    try {
      await api.call('admin/upsertApiConfig', input)
      toastSuccess('已保存')
      setEdit(null)
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(null)
    }
  }

  if (error) return <View className='pg adm'><ErrorView message={error} onRetry={reload} /></View>
  return (
    <View className='pg adm'>
      {(data?.items ?? []).map((c) => {
        const open = !!c.open_until && new Date(c.open_until).getTime() > now
        const r = results[c._id]
        return (
          <View key={c._id} className='section card provider-card'>
            <View className='row between'>
              <View className='col grow'>
                <View className='adm-title ellipsis'>{c.api_name}</View>
                <View className='adm-mono'>
                  {c.provider} · {c._id}
                </View>
              </View>
              <Tag tone={c.is_active ? 'ok' : undefined}>{c.is_active ? '启用' : '停用'}</Tag>
            </View>
            <KV k='接口地址'>{c.endpoint}</KV>
            <KV k='优先级 / 权重'>{`${c.priority} / ${c.weight}`}</KV>
            <KV k='并发上限'>{limitText(c.limits.max_concurrent, '个任务')}</KV>
            <KV k='每秒提交'>{limitText(c.limits.submits_per_second, '次')}</KV>
            <KV k='轮询间隔'>{c.poll_interval_ms === null ? '默认 1000 ms' : `${c.poll_interval_ms} ms`}</KV>
            <KV k='密钥'>
              <Tag tone={keySet(c) ? 'ok' : 'warn'}>{keySet(c) ? `已设置（${c.header_names.join(', ')}）` : '未设置'}</Tag>
            </KV>
            <KV k='健康'>
              <Tag tone={open ? 'bad' : c.failures > 0 ? 'warn' : 'ok'}>{open ? `熔断至 ${formatDate(c.open_until!)}` : c.failures > 0 ? `连续失败 ${c.failures}` : '正常'}</Tag>
            </KV>
            {r ? (
              <View className={`adm-pre adm-gap provider-test-result ${r.ok ? '' : 'danger'}`}>
                {r.message}（{r.ms} ms{r.provider_task_id ? `，任务 ${r.provider_task_id}` : ''}）
              </View>
            ) : null}
            {edit?.config._id === c._id ? (
              <View className='adm-gap'>
                <Field label='接口地址' value={edit.endpoint} onInput={(v) => setEdit({ ...edit, endpoint: v })} />
                <Field label='优先级（大者优先）' value={edit.priority} onInput={(v) => setEdit({ ...edit, priority: v })} type='number' />
                <Field label='权重（同优先级内按权重分流）' value={edit.weight} onInput={(v) => setEdit({ ...edit, weight: v })} type='number' />
                <Field label='并发上限（留空不修改）' value={edit.maxConcurrent} onInput={(v) => setEdit({ ...edit, maxConcurrent: v })} type='number' />
                <Field label='每秒提交上限（留空不修改）' value={edit.submitsPerSecond} onInput={(v) => setEdit({ ...edit, submitsPerSecond: v })} type='number' />
                <Field label='轮询间隔（毫秒，留空不修改）' value={edit.pollMs} onInput={(v) => setEdit({ ...edit, pollMs: v })} type='number' />
                <Field label='新密钥（留空则保留原密钥，保存后不可查看）' value={edit.key} onInput={(v) => setEdit({ ...edit, key: v })} password placeholder={keySet(c) ? '已设置 · 输入即替换' : '未设置'} />
                <View className='row between adm-field'>
                  <View className='adm-label'>启用</View>
                  <Switch checked={edit.is_active} color='#5B47FB' onChange={(e) => setEdit({ ...edit, is_active: e.detail.value })} />
                </View>
                <View className='adm-actions'>
                  <Button className='btn btn-small grow' {...pressState({ busy: busy === 'save' })} onClick={() => void save()}>
                    保存
                  </Button>
                  <Button className='btn btn-small btn-plain grow' onClick={() => setEdit(null)}>
                    取消
                  </Button>
                </View>
              </View>
            ) : (
              <View className='adm-actions'>
                <Button className='btn btn-small btn-ghost grow provider-test' {...pressState({ busy: busy === `test:${c._id}` })} onClick={() => void test(c)}>
                  {busy === `test:${c._id}` ? '测试中…' : '测试'}
                </Button>
                <Button
                  className='btn btn-small btn-plain grow'
                  onClick={() =>
                    setEdit({
                      config: c,
                      endpoint: c.endpoint,
                      priority: String(c.priority),
                      weight: String(c.weight),
                      is_active: c.is_active,
                      key: '',
                      maxConcurrent: c.limits.max_concurrent === null ? '' : String(c.limits.max_concurrent),
                      submitsPerSecond: c.limits.submits_per_second === null ? '' : String(c.limits.submits_per_second),
                      pollMs: c.poll_interval_ms === null ? '' : String(c.poll_interval_ms),
                    })
                  }
                >
                  编辑
                </Button>
              </View>
            )}
          </View>
        )
      })}
    </View>
  )
}
