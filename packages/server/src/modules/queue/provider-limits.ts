/**
 * Provider account limits as part of the queue. A provider account allows so many jobs at once and so many
 * submissions per second across everything that uses its key (DashScope: "shared by the Alibaba Cloud account
 * and RAM users"), and CloudBase runs many function instances at once, so the counters live in the database:
 * `provider_slots` holds, per config, one document per concurrent job (`<config>#c<n>`, held by a task until
 * its provider job ends, with an expiry renewed at every poll) and one per submission allowed in a second
 * (`<config>#r<n>`, free again one second after its last use). Taking either is a conditional update checked
 * with `updated === 1`, so two instances never take the same one.
 */
import { isDuplicateKeyError, type Runtime } from '@aiphoto/runtime'
import { must } from '../../lib/db'
import type { ApiConfigDoc } from '../../data/documents'

export interface ProviderLimits {
  /** Provider jobs running at once (null: unlimited). */
  maxConcurrent: number | null
  /** Submissions per second (null: unlimited). */
  submitsPerSecond: number | null
}

/**
 * The documented account limits of the models we call, used when a config sets none (an operator with a raised
 * quota sets `limits` through admin/upsertApiConfig).
 * - aitryon: 10 RPS, 5 concurrent tasks — https://help.aliyun.com/document_detail/2796626.html
 * - aitryon-plus: 10 RPS, 5 concurrent — https://help.aliyun.com/zh/model-studio/developer-reference/aitryon-plus-api
 * - wanx-background-generation-v2: 2 QPS, 1 concurrent — https://help.aliyun.com/zh/model-studio/wanx-background-generation-api-reference
 * - wanx2.1-imageedit (super-resolution, 高清放大): 2 RPS, 2 concurrent — https://help.aliyun.com/zh/model-studio/wanx-image-edit-api-reference
 * - wanx2.1-t2i-turbo / -plus, wanx2.0-t2i-turbo: 2 QPS, 2 concurrent — https://help.aliyun.com/zh/model-studio/developer-reference/text-to-image-v2-api-reference
 *   (wan2.2-t2i-*: no figures on the pages we read; the same lowest documented ones are assumed)
 */
const DOCUMENTED: Record<string, ProviderLimits> = {
  aitryon: { maxConcurrent: 5, submitsPerSecond: 10 },
  'aitryon-plus': { maxConcurrent: 5, submitsPerSecond: 10 },
  'background-generation': { maxConcurrent: 1, submitsPerSecond: 2 },
  'wanx-background-generation-v2': { maxConcurrent: 1, submitsPerSecond: 2 },
  background: { maxConcurrent: 1, submitsPerSecond: 2 },
  ...Object.fromEntries(['image-edit', 'imageedit', 'wanx2.1-imageedit', 'super-resolution', 'super_resolution', 'upscale'].map((api) => [api, { maxConcurrent: 2, submitsPerSecond: 2 }])),
  ...Object.fromEntries(
    ['text-to-image', 'text2image', 'wanx-t2i', 't2i', 'wanx2.1-t2i-turbo', 'wanx2.1-t2i-plus', 'wanx2.0-t2i-turbo', 'wan2.2-t2i-flash', 'wan2.2-t2i-plus'].map((api) => [api, { maxConcurrent: 2, submitsPerSecond: 2 }]),
  ),
}

/** A slot is held this long without a poll; every poll renews it (the timer polls at least every minute). */
export const SLOT_LEASE_MS = 3 * 60_000
/** A rate token is free again after this (one second plus room for clock skew between instances). */
export const RATE_WINDOW_MS = 1_100

const PROVIDERS_WITH_DOCUMENTED_LIMITS = new Set(['dashscope', 'aliyun', 'bailian'])

export function limitsOf(config: Pick<ApiConfigDoc, 'provider' | 'api_name' | 'limits'>): ProviderLimits {
  const documented = PROVIDERS_WITH_DOCUMENTED_LIMITS.has(config.provider.trim().toLowerCase()) ? DOCUMENTED[config.api_name.trim().toLowerCase()] : undefined
  const set = config.limits ?? {}
  const pick = (own: number | null | undefined, fallback: number | null | undefined) => (typeof own === 'number' && own > 0 ? own : own === null ? null : (fallback ?? null))
  return { maxConcurrent: pick(set.max_concurrent, documented?.maxConcurrent), submitsPerSecond: pick(set.submits_per_second, documented?.submitsPerSecond) }
}

export type Admission = { ok: true; slotId: string | null } | { ok: false; retryAfterMs: number; reason: string }

const slotId = (configId: string, n: number) => `${configId}#c${n}`
const tokenId = (configId: string, n: number) => `${configId}#r${n}`

/** Rotates the start so concurrent instances do not all fight over document 0. */
function order(n: number): number[] {
  const start = Math.floor(Math.random() * n)
  return Array.from({ length: n }, (_, i) => (start + i) % n)
}

/** Takes a free document of `ids` (until ≤ now), creating it when it does not exist yet. */
async function take(rt: Runtime, id: string, now: Date, patch: Record<string, unknown>, configId: string): Promise<boolean> {
  const _ = rt.db.command
  const coll = rt.db.collection('provider_slots')
  const res = must(await coll.where({ _id: id, until: _.lte(now) }).update({ ...patch, updated_at: now })) as { updated: number }
  if (res.updated === 1) return true
  try {
    must(await coll.add({ _id: id, config_id: configId, holder: null, ...patch, updated_at: now }))
    return true
  } catch (err) {
    if (isDuplicateKeyError(err)) return false // exists and is taken
    throw err
  }
}

/**
 * Admits one submission of `taskId` to `config`: a concurrency slot (kept until the job ends), then a rate
 * token. Refused: when to ask again. A task that already holds a slot (resubmitting after a throttled answer)
 * keeps it.
 */
export async function admitSubmission(rt: Runtime, config: ApiConfigDoc, taskId: string, heldSlot: string | null, now: Date): Promise<Admission> {
  const limits = limitsOf(config)
  let slot: string | null = null
  if (limits.maxConcurrent) {
    if (heldSlot && heldSlot.startsWith(`${config._id}#c`) && (await renew(rt, heldSlot, taskId, now))) slot = heldSlot
    for (const n of slot ? [] : order(limits.maxConcurrent)) {
      if (await take(rt, slotId(config._id, n), now, { holder: taskId, until: new Date(now.getTime() + SLOT_LEASE_MS) }, config._id)) {
        slot = slotId(config._id, n)
        break
      }
    }
    if (!slot) return { ok: false, retryAfterMs: 5_000, reason: `${config._id}: ${limits.maxConcurrent} provider job(s) already running` }
  }
  if (limits.submitsPerSecond) {
    for (const n of order(limits.submitsPerSecond)) {
      if (await take(rt, tokenId(config._id, n), now, { until: new Date(now.getTime() + RATE_WINDOW_MS) }, config._id)) return { ok: true, slotId: slot }
    }
    await release(rt, slot, taskId, now)
    return { ok: false, retryAfterMs: RATE_WINDOW_MS, reason: `${config._id}: ${limits.submitsPerSecond} submission(s) per second reached` }
  }
  return { ok: true, slotId: slot }
}

/** Extends the slot while the task's provider job runs; false when the slot is no longer this task's. */
export async function renew(rt: Runtime, slot: string, taskId: string, now: Date): Promise<boolean> {
  const res = must(await rt.db.collection('provider_slots').where({ _id: slot, holder: taskId }).update({ until: new Date(now.getTime() + SLOT_LEASE_MS), updated_at: now })) as { updated: number }
  return res.updated === 1
}

/** Frees the slot once the provider job has ended (or was never accepted). Idempotent. */
export async function release(rt: Runtime, slot: string | null | undefined, taskId: string, now: Date): Promise<void> {
  if (!slot) return
  try {
    must(await rt.db.collection('provider_slots').where({ _id: slot, holder: taskId }).update({ holder: null, until: now, updated_at: now }))
  } catch (err) {
    // The slot expires on its own; a failed release only delays the next job.
    rt.logger.warn('provider_slot_release_failed', { slot, task_id: taskId, error: String((err as Error)?.message ?? err).slice(0, 200) })
  }
}
