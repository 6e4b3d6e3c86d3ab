/**
 * Claiming: a conditional update that only matches the state the worker saw (`pending` and due, or
 * `processing` with an expired lease and the same lease id), checked with `updated === 1`, so two workers
 * never hold the same task. Every claim gets a fresh `lease_id`; settling requires it.
 */
import type { Runtime } from '@aiphoto/runtime'
import { must, wholeFields } from '../../lib/db'
import type { TaskDoc } from '../../data/documents'
import { LEASE_MS } from './policy'

export interface ClaimedTask extends TaskDoc {
  status: 'processing'
  lease_id: string
}

/** Tasks a pass may claim now, oldest first: due pending ones, then processing ones whose lease expired. */
export async function dueTasks(rt: Runtime, now: Date, limit: number): Promise<TaskDoc[]> {
  const _ = rt.db.command
  const coll = rt.db.collection('task_queue')
  const pending = must(await coll.where({ status: 'pending', next_attempt_at: _.lte(now) }).orderBy('created_at', 'asc').limit(limit).get()) as { data: TaskDoc[] }
  const expired = must(await coll.where({ status: 'processing', lease_until: _.lt(now) }).orderBy('lease_until', 'asc').limit(limit).get()) as { data: TaskDoc[] }
  return [...expired.data, ...pending.data]
}

export function isDue(t: TaskDoc, now: Date): boolean {
  if (t.status === 'pending') return new Date(t.next_attempt_at).getTime() <= now.getTime()
  if (t.status === 'processing') return !!t.lease_until && new Date(t.lease_until).getTime() < now.getTime()
  return false
}

export async function claimTask(rt: Runtime, t: TaskDoc, now: Date): Promise<ClaimedTask | null> {
  if (!isDue(t, now)) return null
  const _ = rt.db.command
  const where =
    t.status === 'pending'
      ? { _id: t._id, status: 'pending', next_attempt_at: _.lte(now) }
      : { _id: t._id, status: 'processing', lease_id: t.lease_id, lease_until: _.lt(now) }
  const leaseId = rt.ids.token(9)
  const patch = { status: 'processing' as const, lease_id: leaseId, lease_until: new Date(now.getTime() + LEASE_MS), waiting_for_slot: null, updated_at: now }
  const res = must(await rt.db.collection('task_queue').where(where).update(patch)) as { updated: number }
  if (res.updated !== 1) return null
  return { ...t, ...patch }
}

/** Updates a task only while this worker still holds the lease; false = lost (cancelled or reclaimed). */
export async function updateHeld(rt: Runtime, t: ClaimedTask, patch: Partial<TaskDoc>): Promise<boolean> {
  // NOTE: `updated` counts MODIFIED documents; a patch equal to the stored values would read as "lost",
  // so every held update also bumps a counter. Object values (result, params …) replace the field whole: the
  // stored value may be null, which a nested (dotted) update cannot pass through on CloudBase.
  const res = must(
    await rt.db.collection('task_queue').where({ _id: t._id, status: 'processing', lease_id: t.lease_id }).update({ ...wholeFields(rt.db, patch), beats: rt.db.command.inc(1) }),
  ) as { updated: number }
  return res.updated === 1
}
