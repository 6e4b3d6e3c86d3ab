/**
 * Task views for the console: a filtered list where stuck and failed tasks are their own filters (the screen
 * opens on them), and one task with everything an operator needs to decide between requeue and refund.
 */
import type { Runtime } from '@aiphoto/runtime'
import { defineProcedures } from '../../procedure'
import { AppError } from '../../errors'
import { getDoc, must, toIso, toIsoOrNull } from '../../lib/db'
import { keysetPage } from '../../lib/keyset-page'
import type { AuditLogDoc, LedgerDoc, TaskDoc } from '../../data/documents'

/** A pending task this long past its retry time has been forgotten by the worker. */
export const PENDING_STUCK_MS = 5 * 60_000

export function isStuck(t: Pick<TaskDoc, 'status' | 'lease_until' | 'next_attempt_at'>, now: Date): boolean {
  if (t.status === 'processing') return !!t.lease_until && new Date(t.lease_until).getTime() < now.getTime()
  if (t.status === 'pending') return !!t.next_attempt_at && new Date(t.next_attempt_at).getTime() < now.getTime() - PENDING_STUCK_MS
  return false
}

type Filter = 'stuck' | 'failed' | 'active' | 'completed' | 'cancelled' | 'all'

function whereOf(rt: Runtime, input: { filter: Filter; type?: string | undefined; provider_id?: string | undefined; openid?: string | undefined }, now: Date): Record<string, unknown> {
  const _ = rt.db.command
  const base: Record<string, unknown> = {}
  if (input.type) base.type = input.type
  if (input.provider_id) base.provider_id = input.provider_id
  if (input.openid) base.user_openid = input.openid
  const active = _.in(['pending', 'processing'])
  switch (input.filter) {
    case 'stuck':
      return _.and([base, _.or([{ status: 'processing', lease_until: _.lt(now) }, { status: 'pending', next_attempt_at: _.lt(new Date(now.getTime() - PENDING_STUCK_MS)) }])]) as unknown as Record<string, unknown>
    case 'failed':
      // Failed, or still active after a failed attempt (waiting for its retry).
      return _.and([base, _.or([{ status: 'failed' }, { status: active, error: _.neq(null) }])]) as unknown as Record<string, unknown>
    case 'active':
      return { ...base, status: active }
    case 'completed':
    case 'cancelled':
      return { ...base, status: input.filter }
    default:
      return base
  }
}

export const adminTaskViewProcedures = defineProcedures({
  'admin/searchTasks': async ({ rt, input, now }) => {
    const page = await keysetPage<TaskDoc>(rt, 'task_queue', whereOf(rt, input, now), input)
    return {
      items: page.rows.map((t) => ({
        _id: t._id,
        user_openid: t.user_openid,
        type: t.type,
        status: t.status,
        stuck: isStuck(t, now),
        attempts: t.attempts ?? 0,
        provider_id: t.provider_id ?? null,
        error: t.error ?? null,
        cost: t.cost,
        refunded: t.refunded ?? 0,
        created_at: toIso(t.created_at),
      })),
      next_cursor: page.next_cursor,
    }
  },

  'admin/getTask': async ({ rt, input, now }) => {
    const t = await getDoc<TaskDoc>(rt.db, 'task_queue', input.task_id)
    if (!t) throw new AppError('NOT_FOUND', '任务不存在')
    const _ = rt.db.command
    const ledger = must(await rt.db.collection('credit_ledger').where({ _id: _.in([`consume:${t._id}`, `refund:${t._id}`]) }).limit(2).get()) as { data: LedgerDoc[] }
    const audit = must(
      await rt.db.collection('logs').where({ kind: 'audit', target: `task_queue:${t._id}` }).orderBy('created_at', 'desc').limit(20).get(),
    ) as { data: AuditLogDoc[] }
    // Multi-step jobs persist each step with its units' outputs; a step is done when every unit has outputs.
    const steps = (t.steps ?? []).map((step, i) => {
      const units = step.units
      const status = units === null ? (i === (t.step_index ?? 0) && t.status === 'processing' ? 'running' : 'pending') : units.some((u) => u.failed) ? 'failed' : units.every((u) => u.outputs !== null) ? 'done' : 'running'
      return { name: step.kind, status, at: null }
    })
    return {
      _id: t._id,
      user_openid: t.user_openid,
      type: t.type,
      status: t.status,
      stuck: isStuck(t, now),
      attempts: t.attempts ?? 0,
      max_attempts: t.max_attempts ?? 0,
      progress: t.progress ?? 0,
      provider_id: t.provider_id ?? null,
      provider_task_id: t.provider_task_id ?? null,
      error: t.error ?? null,
      cost: t.cost,
      refunded: t.refunded ?? 0,
      count: t.params?.count ?? 0,
      scene_id: t.params?.scene_id ?? null,
      work_id: t.work_id,
      images: t.result?.images?.length ?? 0,
      created_at: toIso(t.created_at),
      updated_at: toIso(t.updated_at),
      next_attempt_at: toIsoOrNull(t.next_attempt_at),
      lease_until: toIsoOrNull(t.lease_until),
      submitted_at: toIsoOrNull(t.submitted_at),
      finished_at: toIsoOrNull(t.finished_at),
      steps,
      ledger: ledger.data
        .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
        .map((e) => ({ _id: e._id, kind: e.kind, delta: e.delta, created_at: toIso(e.created_at) })),
      audit: audit.data.map((a) => ({ action: a.action, actor: a.actor, created_at: toIso(a.created_at) })),
    }
  },
})
