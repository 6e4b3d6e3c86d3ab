/**
 * The providers of `api_configs`: active configs, their breaker state, and the adapters built through the
 * runtime's ProviderFactory. Header values are decrypted in memory right here and nowhere else.
 */
import type { GenerationKind, ImageProvider, Runtime } from '@aiphoto/runtime'
import { getDoc, must } from '../../lib/db'
import { openHeaders } from '../../lib/secret-box'
import type { ApiConfigDoc } from '../../data/documents'
import { DEFAULT_POLL_INTERVAL_MS } from './policy'
import { nextBreaker, rankCandidates } from './provider-selection'

export interface ProviderHandle {
  config: ApiConfigDoc
  provider: ImageProvider
  pollIntervalMs: number
}

/** Builds the adapter of one config, or null (unknown provider, undecryptable key). Never logs the key. */
export function buildProvider(rt: Runtime, config: ApiConfigDoc): ProviderHandle | null {
  let headers: Record<string, string>
  try {
    headers = openHeaders(rt.config.secretKey, config._id, config.headers)
  } catch {
    rt.logger.warn('provider_config_unreadable', { provider_id: config._id })
    return null
  }
  const provider = rt.providers({
    id: config._id,
    provider: config.provider,
    api_name: config.api_name,
    endpoint: config.endpoint,
    headers,
    default_params: config.default_params ?? {},
  })
  if (!provider) return null
  const poll = Number(config.poll_interval_ms)
  return { config, provider, pollIntervalMs: Number.isFinite(poll) && poll >= 50 ? poll : DEFAULT_POLL_INTERVAL_MS }
}

/**
 * Cut-outs and packshots are cheap, deterministic image operations the local compositor does well (the issue's
 * "白底图 may run on the local compositor in production too"): when no active config offers them, the built-in
 * local compositor does, so an operator who switched the local config off for generation keeps them working.
 */
const BUILTIN_KINDS: ReadonlySet<GenerationKind> = new Set(['cutout', 'packshot'])
export const BUILTIN_LOCAL_ID = 'local-builtin'

function builtinLocal(rt: Runtime): ProviderHandle | null {
  const now = new Date(0)
  return buildProvider(rt, {
    _id: BUILTIN_LOCAL_ID,
    provider: 'local',
    api_name: 'compositor',
    endpoint: 'local:builtin',
    headers: {},
    default_params: {},
    priority: 0,
    weight: 1,
    is_active: true,
    failures: 0,
    open_until: null,
    created_at: now,
    updated_at: now,
  })
}

export async function providerById(rt: Runtime, id: string): Promise<ProviderHandle | null> {
  if (id === BUILTIN_LOCAL_ID) return builtinLocal(rt)
  const config = await getDoc<ApiConfigDoc>(rt.db, 'api_configs', id)
  return config ? buildProvider(rt, config) : null
}

/** Kinds the local compositor only stands in for (cut-outs and packshots it does for real). */
const STAND_IN_KINDS: ReadonlySet<GenerationKind> = new Set(['photography', 'fitting', 'upscale', 'text_to_image'])

/** Eligible providers for a kind in failover order (tier by priority, weighted inside, open circuits skipped). */
export async function rankedProviders(rt: Runtime, kind: GenerationKind, now: Date): Promise<ProviderHandle[]> {
  const res = must(await rt.db.collection('api_configs').where({ is_active: true }).orderBy('priority', 'desc').limit(100).get()) as { data: ApiConfigDoc[] }
  let configs = res.data
  // The local compositor's scenes, try-ons, enlargements and figures are stand-ins for the real models: once an
  // operator has configured a real provider for a kind, a paying user never gets a stand-in instead — not when
  // that provider is busy (its slots are full: the task waits) nor when its breaker is open (the task retries).
  if (STAND_IN_KINDS.has(kind) && configs.some((c) => c.provider !== 'local' && buildProvider(rt, c)?.provider.supports(kind))) {
    configs = configs.filter((c) => c.provider !== 'local' || c.default_params?.['serve_with_remote'] === true)
  }
  const ranked = rankCandidates(
    configs.map((c) => ({ ...c, id: c._id, open_until: c.open_until ? new Date(c.open_until) : null })),
    now,
    Math.random,
  )
  const out: ProviderHandle[] = []
  for (const c of ranked) {
    const handle = buildProvider(rt, c)
    if (handle && handle.provider.supports(kind)) out.push(handle)
  }
  if (out.length === 0 && BUILTIN_KINDS.has(kind)) {
    const local = builtinLocal(rt)
    if (local?.provider.supports(kind)) out.push(local)
  }
  return out
}

/** Whether an active provider of this kind is kept out only by its open circuit now (it may take a job later). */
export async function restingProviders(rt: Runtime, kind: GenerationKind, now: Date): Promise<boolean> {
  const res = must(await rt.db.collection('api_configs').where({ is_active: true }).orderBy('priority', 'desc').limit(100).get()) as { data: ApiConfigDoc[] }
  return res.data.some((c) => c.open_until && new Date(c.open_until).getTime() > now.getTime() && c.weight > 0 && !!buildProvider(rt, c)?.provider.supports(kind))
}

/** Persists a breaker transition on the config document (read-modify-write; a lost update only delays opening). */
export async function recordProviderOutcome(rt: Runtime, configId: string, outcome: 'success' | 'failure', now: Date): Promise<void> {
  if (configId === BUILTIN_LOCAL_ID) return
  try {
    const doc = await getDoc<ApiConfigDoc>(rt.db, 'api_configs', configId)
    if (!doc) return
    if (outcome === 'success' && (doc.failures ?? 0) === 0 && !doc.open_until) return
    const next = nextBreaker({ failures: doc.failures ?? 0, open_until: doc.open_until ? new Date(doc.open_until) : null }, outcome, now)
    must(await rt.db.collection('api_configs').doc(configId).update({ failures: next.failures, open_until: next.open_until, updated_at: now }))
    if (next.open_until && outcome === 'failure') rt.logger.warn('provider_circuit_open', { provider_id: configId, failures: next.failures, open_until: next.open_until.toISOString() })
  } catch (err) {
    rt.logger.warn('provider_breaker_update_failed', { provider_id: configId, error: String((err as Error)?.message ?? err).slice(0, 200) })
  }
}
