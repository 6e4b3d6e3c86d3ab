/**
 * Provisioning: collections and indexes from database/indexes.json (the same file the local emulator reads),
 * then the idempotent seeders. `--dry-run` computes the same plan and writes nothing.
 */
import type { IndexSpec } from '@aiphoto/runtime'
import { seeders, type SeedOptions } from '@aiphoto/server'
import { provisionProviderConfigs, type ProviderKeys } from './provider-configs'
import type { ProvisionTarget } from './target'

export type Step =
  | { kind: 'collection'; name: string; action: 'create' | 'exists' }
  | { kind: 'index'; collection: string; name: string; action: 'create' | 'exists' }
  | { kind: 'seed'; collection: string; action: 'insert' | 'up-to-date'; count: number }

export interface IndexList {
  collections: string[]
  indexes: IndexSpec[]
}

export async function provision(
  target: ProvisionTarget,
  list: IndexList,
  opts: { dryRun: boolean; seed?: SeedOptions; providerKeys?: ProviderKeys },
): Promise<Step[]> {
  const steps: Step[] = []
  const existing = new Set(await target.listCollections())
  for (const name of list.collections) {
    const present = existing.has(name)
    steps.push({ kind: 'collection', name, action: present ? 'exists' : 'create' })
    if (!present && !opts.dryRun) await target.createCollection(name)
  }
  for (const spec of list.indexes) {
    const have = existing.has(spec.collection) || !opts.dryRun ? new Set(await target.listIndexes(spec.collection)) : new Set<string>()
    const present = have.has(spec.name)
    steps.push({ kind: 'index', collection: spec.collection, name: spec.name, action: present ? 'exists' : 'create' })
    if (!present && !opts.dryRun) await target.createIndex(spec)
  }
  for (const seed of seeders) {
    const { collection, inserted } = await seed(target.runtime, { ...opts.seed, dryRun: opts.dryRun })
    steps.push({ kind: 'seed', collection, action: inserted ? 'insert' : 'up-to-date', count: inserted })
  }
  if (opts.providerKeys) {
    const inserted = await provisionProviderConfigs(target.runtime, opts.providerKeys, { dryRun: opts.dryRun })
    steps.push({ kind: 'seed', collection: 'api_configs (keys from the environment)', action: inserted ? 'insert' : 'up-to-date', count: inserted })
  }
  return steps
}

export function renderPlan(steps: Step[], dryRun: boolean): string {
  const verb = (s: Step) => (s.action === 'exists' || s.action === 'up-to-date' ? '=' : dryRun ? '+ (would)' : '+')
  const lines = steps.map((s) => {
    if (s.kind === 'collection') return `${verb(s)} collection ${s.name}`
    if (s.kind === 'index') return `${verb(s)} index ${s.collection}.${s.name}`
    return `${verb(s)} seed ${s.collection}${s.count ? ` (${s.count} documents)` : ''}`
  })
  const changes = steps.filter((s) => s.action === 'create' || s.action === 'insert').length
  lines.push(changes ? `${changes} change(s)${dryRun ? ' planned (dry run: nothing written)' : ' applied'}` : 'nothing to do: already provisioned')
  return lines.join('\n')
}

export function changeCount(steps: Step[]): number {
  return steps.filter((s) => s.action === 'create' || s.action === 'insert').length
}
