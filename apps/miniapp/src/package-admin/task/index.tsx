/** One task: attempts, errors, provider task id, steps, its charge and refund, the audited requeue / refund, and 「设为画同款」 for a finished work. */
import { useState } from 'react'
import { Button, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { api } from '../../services/api'
import { confirm, formatDate, toastError, toastSuccess, toastText } from '../../services/ui'
import { pressState } from '../../components/press-state'
import { ErrorView } from '../../components/state-view'
import { Skeleton } from '../../components/skeleton'
import { KV, LEDGER_KIND, MODE_LABEL, TASK_STATUS, Tag } from '../shared/ui'
import { useLoad } from '../shared/use-load'
import '../shared/admin.css'

export default function TaskDetail() {
  const { params } = useRouter()
  const id = String(params.id ?? '')
  const { data: t, error, reload } = useLoad(() => api.call('admin/getTask', { task_id: id }), [id])
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)

  async function act(kind: 'refund' | 'requeue') {
    if (reason.trim().length < 2) return toastText('请填写处理原因（至少 2 个字）')
    const ok = await confirm(
      kind === 'refund'
        ? { title: '标记失败并退款', content: `任务将标记为失败，并退还 ${t ? t.cost - t.refunded : 0} 积分（只退一次）`, confirmText: '退款', danger: true }
        : { title: '重新排队', content: '任务将回到队列，由服务商重新生成', confirmText: '重新排队' },
    )
    if (!ok) return
    setBusy(true)
    try {
      if (kind === 'refund') {
        const res = await api.call('admin/refundTask', { task_id: id, reason: reason.trim() })
        toastSuccess(`已退款 ${res.refunded}`)
      } else {
        await api.call('admin/requeueTask', { task_id: id, reason: reason.trim() })
        toastSuccess('已重新排队')
      }
      setReason('')
      await reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  if (error) return <View className='pg adm'><ErrorView message={error} onRetry={reload} /></View>
  if (!t) return <View className='pg adm'><View className='section card'><Skeleton height={400} /></View></View>
  const active = t.status === 'pending' || t.status === 'processing'
  return (
    <View className='pg adm'>
      <View className='section card'>
        <View className='adm-title'>
          <Tag tone={TASK_STATUS[t.status]?.tone}>{TASK_STATUS[t.status]?.label ?? t.status}</Tag>
          {t.stuck ? <Tag tone='warn'>卡住</Tag> : null}
          {MODE_LABEL[t.type] ?? t.type}
        </View>
        <View className='adm-mono'>{t._id}</View>
        {t.error ? <View className='adm-pre adm-err adm-gap'>{t.error}</View> : null}
        <KV k='用户'>{t.user_openid}</KV>
        <KV k='作品 ID'>
          <View className='adm-mono task-work-id'>{t.work_id}</View>
        </KV>
        <KV k='尝试次数'>{`${t.attempts} / ${t.max_attempts}`}</KV>
        <KV k='进度'>{`${Math.round(t.progress)}%`}</KV>
        <KV k='服务商'>{t.provider_id ?? '—'}</KV>
        <KV k='服务商任务 ID'>{t.provider_task_id ?? '—'}</KV>
        <KV k='张数 / 已出图'>{`${t.count} / ${t.images}`}</KV>
        <KV k='费用 / 已退'>{`${t.cost} / ${t.refunded} 积分`}</KV>
        <KV k='创建'>{formatDate(t.created_at)}</KV>
        <KV k='下次尝试'>{t.next_attempt_at ? formatDate(t.next_attempt_at) : '—'}</KV>
        <KV k='租约到期'>{t.lease_until ? formatDate(t.lease_until) : '—'}</KV>
        <KV k='提交服务商'>{t.submitted_at ? formatDate(t.submitted_at) : '—'}</KV>
        <KV k='结束'>{t.finished_at ? formatDate(t.finished_at) : '—'}</KV>
      </View>

      {t.steps.length > 0 ? (
        <View className='section card'>
          <View className='adm-title'>步骤</View>
          {t.steps.map((s, i) => (
            <KV key={`${s.name}-${i}`} k={`${i + 1}. ${s.name}`}>{`${s.status}${s.at ? ` · ${formatDate(s.at)}` : ''}`}</KV>
          ))}
        </View>
      ) : null}

      <View className='section card'>
        <View className='adm-title'>积分流水</View>
        {t.ledger.map((e) => (
          <KV key={e._id} k={LEDGER_KIND[e.kind] ?? e.kind}>
            <View className={e.delta < 0 ? 'danger' : ''}>{`${e.delta > 0 ? '+' : ''}${e.delta} · ${formatDate(e.created_at)}`}</View>
          </KV>
        ))}
        {t.audit.length > 0 ? <View className='adm-label adm-gap'>处理记录</View> : null}
        {t.audit.map((a, i) => (
          <KV key={i} k={a.action.replace('admin/', '')}>{`${a.actor} · ${formatDate(a.created_at)}`}</KV>
        ))}
      </View>

      {t.status === 'completed' && t.images > 0 ? (
        <View className='section'>
          <Button className='btn btn-small btn-ghost task-showcase' onClick={() => void Taro.navigateTo({ url: `/package-admin/catalog/index?tab=showcases&work_id=${t.work_id}` })}>
            设为画同款
          </Button>
        </View>
      ) : null}

      {active ? (
        <View className='section card'>
          <View className='adm-title'>处理</View>
          <Textarea className='adm-textarea task-reason' value={reason} maxlength={200} placeholder='处理原因（必填，记入审计）' onInput={(e) => setReason(e.detail.value)} />
          <View className='adm-actions'>
            <Button className='btn btn-small btn-danger grow' {...pressState({ busy })} onClick={() => void act('refund')}>
              标记失败并退款
            </Button>
            <Button className='btn btn-small btn-ghost grow' {...pressState({ busy })} onClick={() => void act('requeue')}>
              重新排队
            </Button>
          </View>
        </View>
      ) : (
        <View className='list-end'>任务已结束，无需处理</View>
      )}
    </View>
  )
}
