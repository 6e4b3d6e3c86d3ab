/** `admin/listAuditLog`: the admin action log (kind `audit` in `logs`), newest first, with a one-line summary per entry. */
import { defineProcedures } from '../../procedure'
import { toIso } from '../../lib/db'
import { keysetPage } from '../../lib/keyset-page'
import type { AuditLogDoc } from '../../data/documents'

/** A short, key-free line of what changed (the audit record never holds header values: api configs are redacted). */
function summarize(after: unknown): string {
  if (after === null || typeof after !== 'object') return ''
  const parts: string[] = []
  for (const [k, v] of Object.entries(after as Record<string, unknown>)) {
    if (['created_at', 'updated_at', 'parameters', 'header_names', 'default_params', 'headers'].includes(k)) continue
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) parts.push(`${k}=${String(v).slice(0, 40)}`)
    if (parts.length >= 5) break
  }
  return parts.join(' ')
}

export const adminAuditLogProcedures = defineProcedures({
  'admin/listAuditLog': async ({ rt, input }) => {
    const page = await keysetPage<AuditLogDoc>(rt, 'logs', { kind: 'audit' }, input)
    return {
      items: page.rows.map((a) => ({ _id: a._id, actor: a.actor, action: a.action, target: a.target, summary: summarize(a.after), created_at: toIso(a.created_at) })),
      next_cursor: page.next_cursor,
    }
  },
})
