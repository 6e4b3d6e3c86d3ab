/** 审计: the resumable ledger audit (balance vs sum of entries, slice by slice) and the admin action log. */
import { useCallback, useEffect, useState } from 'react'
import { Button, View } from '@tarojs/components'
import type { ActionOutput } from '@aiphoto/contract'
import { api } from '../../services/api'
import { ensureSession } from '../../services/session'
import { formatDate, toastError } from '../../services/ui'
import { useListGestures, usePaged } from '../../hooks/use-paged'
import { pressState } from '../../components/press-state'
import { KV, Tag } from '../shared/ui'
import '../shared/admin.css'

type Mismatch = ActionOutput<'admin/auditCredits'>['mismatches'][number]
const SLICE = 500
/** What each audited action is called on screen; the action code stays visible under it. */
const ACTION_LABEL: Record<string, string> = {
  'admin/adjustCredits': '调整积分',
  'admin/refundTask': '任务退款',
  'admin/requeueTask': '任务重新排队',
  'admin/auditCredits': '积分对账',
  'admin/queryOrder': '查询订单',
  'admin/closeExpiredOrders': '关闭过期订单',
  'admin/upsertApiConfig': '编辑服务商',
  'admin/testApiConfig': '测试服务商',
  'admin/setSceneOrder': '场景排序',
  'admin/runCleanup': '运行清理',
  'scene.create': '新建场景',
  'scene.update': '编辑场景',
  'admin/upsertPackage': '编辑套餐',
  'prompt_template.add_version': '新模板版本',
}

export default function Audit() {
  const [run, setRun] = useState<{ checked: number; mismatches: Mismatch[]; next: string | null; done: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  const fetchPage = useCallback(async (cursor: string | undefined) => {
    await ensureSession()
    return api.call('admin/listAuditLog', { pageSize: 20, ...(cursor ? { cursor } : {}) })
  }, [])
  const log = usePaged(fetchPage)
  useEffect(() => {
    void log.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  useListGestures(log)

  // One slice per tap: a cloud call has ~60 s, and the operator sees progress and can stop.
  async function step(fresh: boolean) {
    setBusy(true)
    try {
      const after = fresh ? undefined : (run?.next ?? undefined)
      const r = await api.call('admin/auditCredits', { max_users: SLICE, ...(after ? { after } : {}) })
      setRun((prev) => ({
        checked: (fresh ? 0 : (prev?.checked ?? 0)) + r.users_checked,
        mismatches: [...(fresh ? [] : (prev?.mismatches ?? [])), ...r.mismatches],
        next: r.next_after,
        done: r.next_after === null,
      }))
      await log.reload()
    } catch (e) {
      toastError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='pg adm'>
      <View className='section card'>
        <View className='adm-title'>积分对账</View>
        <View className='adm-sub'>逐个用户核对余额与流水合计，每次 {SLICE} 人，可断点继续</View>
        {run ? (
          <View className='adm-gap audit-result'>
            <KV k='已核对用户'>{run.checked}</KV>
            <KV k='状态'>
              <Tag tone={run.done ? 'ok' : 'info'}>{run.done ? '已完成' : '未完成，可继续'}</Tag>
            </KV>
            <KV k='不一致'>
              <Tag tone={run.mismatches.length ? 'bad' : 'ok'}>{run.mismatches.length ? `${run.mismatches.length} 个用户` : '无'}</Tag>
            </KV>
            {run.mismatches.map((m) => (
              <View key={m.openid} className='adm-row'>
                <View className='adm-row-main adm-mono'>{m.openid}</View>
                <View className='danger adm-sub'>
                  余额 {m.credits} ≠ 流水 {m.ledger_sum}
                </View>
              </View>
            ))}
          </View>
        ) : null}
        <View className='adm-actions adm-gap'>
          <Button className='btn btn-small grow audit-start' {...pressState({ busy })} onClick={() => void step(true)}>
            {run ? '重新开始' : '开始对账'}
          </Button>
          {run && !run.done ? (
            <Button className='btn btn-small btn-ghost grow' {...pressState({ busy })} onClick={() => void step(false)}>
              继续
            </Button>
          ) : null}
        </View>
      </View>

      <View className='section card'>
        <View className='adm-title'>操作日志</View>
        {log.loaded && log.items.length === 0 ? <View className='adm-empty'>暂无操作</View> : null}
        {log.items.map((e) => (
          <View key={e._id} className='adm-row audit-row'>
            <View className='adm-row-main'>
              <View>{ACTION_LABEL[e.action] ?? e.action}</View>
              <View className='adm-mono'>
                {e.action} · {e.target}
              </View>
              {e.summary ? <View className='faint ellipsis'>{e.summary}</View> : null}
            </View>
            <View className='col'>
              <View className='faint'>{formatDate(e.created_at)}</View>
              <View className='adm-mono'>{e.actor}</View>
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
