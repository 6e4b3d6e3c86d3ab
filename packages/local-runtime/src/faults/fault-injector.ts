/**
 * Fault injection for the local runtime. Faults apply to I/O made inside `injector.run(label, fn)` — one
 * invocation of the function, i.e. one CloudBase instance serving one request — so a harness can kill an
 * instance mid-call, and calls outside any invocation (the harness's own audit) never fail.
 *
 * Database faults sit in front of the emulator's requester (`LocalDatabase.setInterceptor`), which is where
 * node-sdk's HTTP requester sits in production; the engine's semantics are untouched. Every decision draws from
 * a generator seeded by (plan.seed, invocation label), so a labelled invocation meets the same faults on every
 * run as long as it issues the same requests.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { PaymentError, type GenerationJob, type ImageProvider, type PaymentPort, type ProviderFactory, type StoragePort } from '@aiphoto/runtime'
import type { RequestInterceptor } from '../database'
import { ambiguousError, conflictError, InjectedNetworkError, InstanceKilledError, storageError, transientDbError } from './fault-errors'
import { seededRandom, type FaultPlan } from './fault-plan'

export const FAULT_KINDS = [
  'db_error',
  'db_ambiguous',
  'db_conflict',
  'db_latency',
  'storage_error',
  'storage_timeout',
  'provider_error',
  'provider_timeout',
  'kill',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

interface Invocation {
  label: string
  rand: () => number
  /** Where the instance died, or null while alive. */
  killedAt: string | null
  /** Transactions this invocation opened and has not finished (aborted for it when it dies). */
  openTx: Set<string>
  direct: ((action: string, params?: Record<string, unknown>) => Promise<unknown>) | null
}

const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument', 'database.commitTransaction'])

export interface FaultInjector {
  readonly plan: FaultPlan
  /** Off = every call passes untouched (recovery phase). */
  enabled: boolean
  readonly counts: Record<FaultKind, number>
  /** Runs `fn` as one invocation; faults apply to the I/O it makes. */
  run<T>(label: string, fn: () => Promise<T>): Promise<T>
  /** Where the current invocation's instance died (null = alive or outside any invocation). */
  killedAt(): string | null
  /** The database hook (install with `LocalDatabase.setInterceptor`). */
  readonly dbInterceptor: RequestInterceptor
  wrapStorage<S extends StoragePort>(storage: S): S
  wrapProviders(factory: ProviderFactory): ProviderFactory
  wrapPayment<P extends PaymentPort>(payment: P): P
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function createFaultInjector(plan: FaultPlan): FaultInjector {
  const als = new AsyncLocalStorage<Invocation>()
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>
  let reqSeq = 0
  const requestId = () => `injected-${(++reqSeq).toString(36)}`

  const injector: FaultInjector = {
    plan,
    enabled: true,
    counts,
    run(label, fn) {
      return als.run({ label, rand: seededRandom(`${plan.seed}\n${label}`), killedAt: null, openTx: new Set(), direct: null }, fn)
    },
    killedAt: () => als.getStore()?.killedAt ?? null,
    dbInterceptor: async (action, params, next, direct) => {
      const inv = active()
      if (!inv) return next()
      inv.direct ??= direct
      const db = plan.db ?? {}
      const txId = typeof params?.transactionId === 'string' ? params.transactionId : null
      // Ending a transaction is what releases the emulator's transaction lock; a failing abort would leave it held
      // for the emulator's transaction timeout (CloudBase's concurrent transactions would only lose that one), so
      // aborts always pass.
      if (action === 'database.abortTransaction') {
        const res = await next()
        if (txId) inv.openTx.delete(txId)
        return res
      }
      await maybeKill(inv, action)
      const collection = typeof params?.collectionName === 'string' ? params.collectionName : null
      if ((db.actions && !db.actions.includes(action)) || (db.collections && (!collection || !db.collections.includes(collection)))) return next()
      if (hit(inv, db.latencyRate)) {
        counts.db_latency++
        const [lo, hi] = db.latencyMs ?? [1, 20]
        await sleep(lo + inv.rand() * (hi - lo))
        await maybeKill(inv, action)
      }
      if (hit(inv, db.errorRate)) {
        counts.db_error++
        throw transientDbError(inv.rand(), requestId())
      }
      if (txId && action !== 'database.startTransaction' && hit(inv, db.conflictRate)) {
        counts.db_conflict++
        // CloudBase aborts a transaction that lost a conflict (runTransaction retries without a rollback).
        await direct('database.abortTransaction', { transactionId: txId }).catch(() => {})
        inv.openTx.delete(txId)
        throw conflictError(requestId())
      }
      const res = await next()
      if (action === 'database.startTransaction') {
        const id = (res as { transactionId?: unknown } | null)?.transactionId
        if (typeof id === 'string') {
          // The instance died while this begin waited for the lock: nobody will ever end it but the platform.
          if (inv.killedAt) {
            await direct('database.abortTransaction', { transactionId: id }).catch(() => {})
            throw new InstanceKilledError(inv.killedAt)
          }
          inv.openTx.add(id)
        }
      }
      if (action === 'database.commitTransaction' && txId) inv.openTx.delete(txId)
      // Inside a transaction a write only reaches its overlay (the rollback undoes it): only a commit, or a write
      // outside any transaction, can be applied with its answer lost.
      if (WRITES.has(action) && (!txId || action === 'database.commitTransaction') && hit(inv, db.ambiguousRate)) {
        counts.db_ambiguous++
        throw ambiguousError(inv.rand())
      }
      return res
    },
    wrapStorage(storage) {
      const wrapped = Object.create(storage) as typeof storage
      for (const m of ['upload', 'download', 'getTempUrls', 'delete', 'stat'] as const) {
        const original = storage[m].bind(storage) as (...args: unknown[]) => Promise<unknown>
        ;(wrapped as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
          await storageFault(`storage.${m}`)
          const res = await original(...args)
          // A timed-out upload may still have landed (the caller cannot tell).
          if (m === 'upload') await storageFault('storage.upload:answer', true)
          return res
        }
      }
      return wrapped
    },
    wrapProviders(factory) {
      return (config) => {
        const p = factory(config)
        if (!p) return p
        const wrapped: ImageProvider = {
          name: p.name,
          supports: (kind) => p.supports(kind),
          submit: (job: GenerationJob) => providerCall(`provider.${p.name}.submit`, () => p.submit(job)),
          poll: (id: string) => providerCall(`provider.${p.name}.poll`, () => p.poll(id)),
        }
        if (p.refuses) wrapped.refuses = (job: GenerationJob) => p.refuses!(job)
        if (p.fetchImage) wrapped.fetchImage = (url: string) => providerCall(`provider.${p.name}.fetchImage`, () => p.fetchImage!(url))
        return wrapped
      }
    },
    wrapPayment(payment) {
      const wrapped = Object.create(payment) as typeof payment
      for (const m of ['createPayment', 'queryOrder', 'closeOrder'] as const) {
        const original = payment[m].bind(payment) as (...args: unknown[]) => Promise<unknown>
        // The fake provider keeps its books in our database: its own requests are not ours to break.
        ;(wrapped as unknown as Record<string, unknown>)[m] = (...args: unknown[]) =>
          providerCall(`payment.${m}`, () => als.exit(() => original(...args)), (timeout) => new PaymentError('UNAVAILABLE', payment.provider, timeout ? 'request timeout (injected)' : 'HTTP 503 (injected)'))
      }
      return wrapped
    },
  }

  function active(): Invocation | null {
    const inv = als.getStore()
    if (!inv) return null
    if (inv.killedAt) throw new InstanceKilledError(inv.killedAt)
    return injector.enabled ? inv : null
  }

  function hit(inv: Invocation, rate: number | undefined): boolean {
    return !!rate && inv.rand() < rate
  }

  async function maybeKill(inv: Invocation, at: string): Promise<void> {
    if (plan.killAt && !plan.killAt.some((p) => at.startsWith(p))) return
    if (!hit(inv, plan.killRate)) return
    counts.kill++
    inv.killedAt = at
    // The platform ends a dead instance's transactions (CloudBase: by their timeout).
    for (const id of inv.openTx) await inv.direct?.('database.abortTransaction', { transactionId: id }).catch(() => {})
    inv.openTx.clear()
    throw new InstanceKilledError(at)
  }

  async function storageFault(at: string, afterApply = false): Promise<void> {
    const inv = active()
    if (!inv) return
    const s = plan.storage ?? {}
    if (s.methods && !s.methods.some((m) => at.startsWith(`storage.${m}`))) return
    if (!afterApply) {
      await maybeKill(inv, at)
      if (hit(inv, s.errorRate)) {
        counts.storage_error++
        throw storageError(inv.rand(), requestId())
      }
    } else if (hit(inv, s.timeoutRate)) {
      counts.storage_timeout++
      throw new InjectedNetworkError('ESOCKETTIMEDOUT')
    }
  }

  /** Error before the call (nothing happened), or a timeout after it (it happened; the answer is lost). */
  async function providerCall<T>(at: string, call: () => Promise<T>, shape?: (timeout: boolean) => Error): Promise<T> {
    const inv = active()
    if (!inv) return call()
    const p = plan.provider ?? {}
    await maybeKill(inv, at)
    if (hit(inv, p.errorRate)) {
      counts.provider_error++
      throw shape ? shape(false) : new InjectedHttpError()
    }
    const res = await call()
    if (hit(inv, p.timeoutRate)) {
      counts.provider_timeout++
      throw shape ? shape(true) : new InjectedNetworkError('ESOCKETTIMEDOUT')
    }
    return res
  }

  return injector
}

/** A provider's 5xx as an HTTP client sees it. */
class InjectedHttpError extends Error {
  readonly status = 503
  readonly code = 'ServiceUnavailable'
  readonly injected = true
  constructor() {
    super('503 Service Unavailable (injected)')
  }
}
