/** Audit records of admin edits in `logs`: who changed what, with the document before and after. */
import type { Runtime } from '@aiphoto/runtime'
import type { AuditLogDoc } from '../../data/documents'
import { must } from '../../lib/db'

export async function writeAudit(
  rt: Runtime,
  entry: { actor: string; action: string; target: string; before: unknown; after: unknown; requestId: string; now: Date },
): Promise<void> {
  const doc: AuditLogDoc = {
    _id: rt.ids.id(),
    kind: 'audit',
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    request_id: entry.requestId,
    created_at: entry.now,
  }
  must(await rt.db.collection('logs').add(doc))
}
