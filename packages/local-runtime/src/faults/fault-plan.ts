/**
 * What the local runtime may break, and how often. A plan is plain data (a test, the chaos suite or
 * `AIPHOTO_FAULTS` in the environment), so a run is described by its plan and its seed.
 */

export interface FaultPlan {
  /** Every random decision derives from (seed, invocation label, ordinal): the same plan and labels give the same faults. */
  seed: number
  db?: {
    /** Share of requests that fail before the engine sees them (nothing applied). */
    errorRate?: number
    /** Share of writes (and commits) that ARE applied, after which the caller still gets an error or a timeout. */
    ambiguousRate?: number
    /** Share of transactional requests (reads, writes and commits inside `runTransaction`) answered with a conflict. */
    conflictRate?: number
    /** Share of requests delayed, and the delay range in real milliseconds. */
    latencyRate?: number
    latencyMs?: [number, number]
    /** Only requests of these actions (e.g. `database.modifyDocument`) may fail; default all. */
    actions?: string[]
    /** Only requests on these collections may fail (transaction begin/commit name none); default all. */
    collections?: string[]
  }
  storage?: {
    errorRate?: number
    timeoutRate?: number
    /** Only these methods (`upload`, `download`, `getTempUrls`, `delete`, `stat`) may fail; default all. */
    methods?: string[]
  }
  /** Image providers (submit/poll/fetchImage) and the payment provider (create/query/close). */
  provider?: { errorRate?: number; timeoutRate?: number }
  /** Chance, before each I/O call of an invocation, that the instance dies there: this call and every later one fail. */
  killRate?: number
  /** Only I/O points starting with one of these (e.g. `provider.`, `database.commitTransaction`) may kill; default all. */
  killAt?: string[]
}

/** Parses `AIPHOTO_FAULTS` (JSON of a FaultPlan), e.g. `{"seed":1,"db":{"errorRate":0.02}}`; absent → null. */
export function faultPlanFromEnv(env: Record<string, string | undefined>): FaultPlan | null {
  const raw = env.AIPHOTO_FAULTS
  if (!raw) return null
  const plan = JSON.parse(raw) as FaultPlan
  if (typeof plan !== 'object' || plan === null || !Number.isInteger(plan.seed)) throw new Error('AIPHOTO_FAULTS: a JSON FaultPlan with an integer seed')
  return plan
}

/** A deterministic generator (mulberry32) seeded from a string: no global randomness in fault decisions. */
export function seededRandom(key: string): () => number {
  // FNV-1a over the key, then mulberry32.
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  let a = h || 1
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
