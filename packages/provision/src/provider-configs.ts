/**
 * Provider configs whose API keys come from the operator's environment at provisioning time
 * (AIPHOTO_DASHSCOPE_API_KEY, AIPHOTO_STABILITY_API_KEY). Keys are sealed with AES-256-GCM (the gateway's
 * secret box, bound to the config id) before they are written; an existing config is left alone, so rotating a
 * key is `admin/upsertApiConfig`, and a second provisioning run changes nothing.
 */
import type { Runtime } from '@aiphoto/runtime'
import { sealProviderHeaders } from '@aiphoto/server'

export interface ProviderKeys {
  dashscope?: string
  stability?: string
}

export function providerKeysFromEnv(env: Record<string, string | undefined>): ProviderKeys {
  const keys: ProviderKeys = {}
  if (env.AIPHOTO_DASHSCOPE_API_KEY) keys.dashscope = env.AIPHOTO_DASHSCOPE_API_KEY
  if (env.AIPHOTO_STABILITY_API_KEY) keys.stability = env.AIPHOTO_STABILITY_API_KEY
  return keys
}

function configsFor(keys: ProviderKeys) {
  const out: Array<{ _id: string; provider: string; api_name: string; endpoint: string; key: string; priority: number }> = []
  if (keys.dashscope) {
    out.push({ _id: 'dashscope-aitryon', provider: 'dashscope', api_name: 'aitryon', endpoint: 'https://dashscope.aliyuncs.com', key: keys.dashscope, priority: 10 })
    out.push({ _id: 'dashscope-background', provider: 'dashscope', api_name: 'background-generation', endpoint: 'https://dashscope.aliyuncs.com', key: keys.dashscope, priority: 10 })
    // 高清放大 by super-resolution (wanx2.1-imageedit) and model-library photos by text-to-image (wanx2.1-t2i-turbo);
    // priority 10 puts them ahead of the local compositor (priority 1), which stays the fallback for both.
    out.push({ _id: 'dashscope-upscale', provider: 'dashscope', api_name: 'image-edit', endpoint: 'https://dashscope.aliyuncs.com', key: keys.dashscope, priority: 10 })
    out.push({ _id: 'dashscope-t2i', provider: 'dashscope', api_name: 'text-to-image', endpoint: 'https://dashscope.aliyuncs.com', key: keys.dashscope, priority: 10 })
  }
  if (keys.stability) out.push({ _id: 'stability-core', provider: 'stability', api_name: 'core', endpoint: 'https://api.stability.ai', key: keys.stability, priority: 5 })
  return out
}

/** Inserts the missing configs; returns how many were (or, in a dry run, would be) inserted. */
export async function provisionProviderConfigs(rt: Runtime, keys: ProviderKeys, opts: { dryRun: boolean }): Promise<number> {
  let inserted = 0
  for (const c of configsFor(keys)) {
    const existing = await rt.db
      .collection('api_configs')
      .where({ _id: c._id })
      .count()
      .catch(() => ({ total: 0 }))
    if ((existing as { total: number }).total > 0) continue
    inserted++
    if (opts.dryRun) continue
    const now = rt.clock.now()
    await rt.db.collection('api_configs').add({
      _id: c._id,
      provider: c.provider,
      api_name: c.api_name,
      endpoint: c.endpoint,
      headers: sealProviderHeaders(rt.config.secretKey, c._id, { Authorization: `Bearer ${c.key}` }),
      default_params: {},
      priority: c.priority,
      weight: 10,
      is_active: true,
      failures: 0,
      open_until: null,
      created_at: now,
      updated_at: now,
    })
  }
  return inserted
}
