/** The default provider config: the local compositor (needs no key), priority 1. */
import type { Runtime } from '@aiphoto/runtime'
import { getDoc, must } from '../../lib/db'
import { isDuplicateKeyError as isDuplicateKey } from '@aiphoto/runtime'
import type { ApiConfigDoc } from '../../data/documents'

export const LOCAL_PROVIDER_CONFIG_ID = 'local-compositor'

export async function seedApiConfigs(rt: Runtime, opts: { dryRun?: boolean } = {}): Promise<{ collection: string; inserted: number }> {
  if (await getDoc(rt.db, 'api_configs', LOCAL_PROVIDER_CONFIG_ID)) return { collection: 'api_configs', inserted: 0 }
  if (opts.dryRun) return { collection: 'api_configs', inserted: 1 }
  const now = rt.clock.now()
  const doc: ApiConfigDoc = {
    _id: LOCAL_PROVIDER_CONFIG_ID,
    provider: 'local',
    api_name: 'compositor',
    endpoint: 'local:compositor',
    headers: {},
    default_params: {},
    priority: 1,
    weight: 10,
    is_active: true,
    failures: 0,
    open_until: null,
    poll_interval_ms: 500,
    created_at: now,
    updated_at: now,
  }
  try {
    must(await rt.db.collection('api_configs').add(doc))
    return { collection: 'api_configs', inserted: 1 }
  } catch (err) {
    if (isDuplicateKey(err)) return { collection: 'api_configs', inserted: 0 }
    throw err
  }
}
