/**
 * The local emulator as a provisioning target: a strict database (no collection is created by a write, like
 * CloudBase) with no indexes until provisioning creates them from the index file.
 */
import { createLocalDatabase, createLocalRuntime } from '@aiphoto/local-runtime'
import type { ProviderFactory } from '@aiphoto/runtime'
import type { ProvisionTarget } from './target'

export function localTarget(opts: { dataDir: string; providers?: ProviderFactory; env?: Record<string, string | undefined> }): ProvisionTarget {
  const rt = createLocalRuntime({
    dataDir: opts.dataDir,
    env: opts.env ?? {},
    providers: opts.providers ?? (() => null),
    database: { strict: true, indexes: [] },
  })
  const local = rt.database
  return {
    name: `local emulator (${rt.dataDir})`,
    runtime: rt,
    listCollections: async () => local.collections(),
    createCollection: async (name) => {
      await rt.db.createCollection(name)
    },
    listIndexes: async (collection) => local.listIndexes(collection),
    createIndex: async (spec) => local.createIndex(spec),
    close: () => rt.close(),
  }
}

