/**
 * Provider configs for operators. Header values (API keys) are write-only: encrypted with AES-256-GCM before they
 * are stored, never returned (admins see header names), never logged, and kept when an edit omits them (unless the edit changes the endpoint or provider).
 */
import { AppError } from '../../errors'
import { defineProcedures, openidOf } from '../../procedure'
import { getDoc, must, toIsoOrNull } from '../../lib/db'
import { sealHeaders } from '../../lib/secret-box'
import type { ApiConfigDoc } from '../../data/documents'
import { writeAudit } from '../catalog/audit'
import { capabilitiesOf } from '../queue/capabilities'
import { buildProvider } from '../queue/providers'

/** What an audit record or a list shows of a config: everything but header values. */
function redact(doc: ApiConfigDoc | null) {
  if (!doc) return null
  const { headers, ...rest } = doc
  return { ...rest, header_names: Object.keys(headers ?? {}) }
}

export const adminApiConfigProcedures = defineProcedures({
  'admin/listApiConfigs': async ({ rt }) => {
    const res = must(await rt.db.collection('api_configs').orderBy('priority', 'desc').limit(1000).get()) as { data: ApiConfigDoc[] }
    return {
      items: res.data.map((c) => ({
        _id: c._id,
        provider: c.provider,
        api_name: c.api_name,
        endpoint: c.endpoint,
        header_names: Object.keys(c.headers ?? {}),
        default_params: c.default_params ?? {},
        priority: c.priority,
        weight: c.weight,
        is_active: c.is_active,
        failures: c.failures ?? 0,
        open_until: toIsoOrNull(c.open_until),
        capabilities: (() => {
          const handle = buildProvider(rt, c)
          return handle ? capabilitiesOf(handle.provider) : []
        })(),
        poll_interval_ms: typeof c.poll_interval_ms === 'number' ? c.poll_interval_ms : null,
        limits: { max_concurrent: c.limits?.max_concurrent ?? null, submits_per_second: c.limits?.submits_per_second ?? null },
      })),
    }
  },

  'admin/upsertApiConfig': async ({ rt, input, caller, now, requestId }) => {
    const id = input._id ?? `${input.provider}-${rt.ids.id().slice(0, 12)}`
    const before = input._id ? await getDoc<ApiConfigDoc>(rt.db, 'api_configs', id) : null
    // A kept key belongs to the endpoint it was entered for: sending it to a new address (which testApiConfig or
    // the worker would do) could hand it to whoever runs that address.
    if (before && !input.headers && Object.keys(before.headers ?? {}).length > 0 && (before.endpoint !== input.endpoint || before.provider !== input.provider)) {
      throw new AppError('VALIDATION_FAILED', '更换接口地址或服务商时请重新填写密钥', { field: 'headers' })
    }
    const headers = input.headers ? sealHeaders(rt.config.secretKey, id, input.headers) : (before?.headers ?? {})
    const doc: ApiConfigDoc = {
      _id: id,
      provider: input.provider,
      api_name: input.api_name,
      endpoint: input.endpoint,
      headers,
      default_params: input.default_params,
      priority: input.priority,
      weight: input.weight,
      is_active: input.is_active,
      // An edited config starts with a closed circuit: the operator just changed what was failing.
      failures: 0,
      open_until: null,
      ...(input.poll_interval_ms !== undefined ? { poll_interval_ms: input.poll_interval_ms } : before?.poll_interval_ms !== undefined ? { poll_interval_ms: before.poll_interval_ms } : {}),
      ...(input.limits !== undefined ? { limits: { ...before?.limits, ...input.limits } } : before?.limits !== undefined ? { limits: before.limits } : {}),
      created_at: before?.created_at ?? now,
      updated_at: now,
    }
    const { _id, ...fields } = doc
    must(await rt.db.collection('api_configs').doc(_id).set(fields))
    await writeAudit(rt, { actor: openidOf(caller), action: 'admin/upsertApiConfig', target: `api_configs:${id}`, before: redact(before), after: redact(doc), requestId, now })
    return { _id: id, created: !before }
  },
})
