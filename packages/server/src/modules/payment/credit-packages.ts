/**
 * Credit packages: what is on sale (`payment/getPackages`), the first-run catalogue, and the admin edits
 * (`admin/listPackages`, `admin/upsertPackage`), each edit written to `logs` with who, what, before and after.
 */
import type { CreditPackage } from '@aiphoto/contract'
import type { Runtime } from '@aiphoto/runtime'
import type { AuditLogDoc, CreditPackageDoc } from '../../data/documents'
import { getDoc, must } from '../../lib/db'
import { runTx } from '../ledger/ledger'

/** Product's choice: 10 credits per yuan, bigger packages carry a bonus. Edited later by admins, never overwritten. */
export const DEFAULT_PACKAGES: ReadonlyArray<Omit<CreditPackageDoc, 'created_at' | 'updated_at'>> = [
  { _id: 'pkg_6', name: '体验包', price_fen: 600, base_credits: 60, bonus_credits: 0, tag: null, sort_order: 10, is_active: true },
  { _id: 'pkg_30', name: '标准包', price_fen: 3000, base_credits: 300, bonus_credits: 30, tag: '送10%', sort_order: 20, is_active: true },
  { _id: 'pkg_68', name: '进阶包', price_fen: 6800, base_credits: 680, bonus_credits: 120, tag: '热门', sort_order: 30, is_active: true },
  { _id: 'pkg_128', name: '专业包', price_fen: 12800, base_credits: 1280, bonus_credits: 320, tag: '最划算', sort_order: 40, is_active: true },
]

export const PACKAGES_COLLECTION = 'credit_packages'

export function toPackageView(doc: CreditPackageDoc): CreditPackage {
  return {
    id: doc._id,
    name: doc.name,
    price_fen: doc.price_fen,
    credits: doc.base_credits + doc.bonus_credits,
    base_credits: doc.base_credits,
    bonus_credits: doc.bonus_credits,
    tag: doc.tag ?? null,
  }
}

/** Seeder: inserts the default packages whose `_id` is missing (an admin's edits survive restarts). */
export async function seedCreditPackages(rt: Runtime, opts: { dryRun?: boolean } = {}): Promise<{ collection: string; inserted: number }> {
  const now = rt.clock.now()
  let inserted = 0
  for (const pkg of DEFAULT_PACKAGES) {
    if (await getDoc(rt.db, PACKAGES_COLLECTION, pkg._id)) continue
    if (opts.dryRun) {
      inserted++
      continue
    }
    try {
      must(await rt.db.collection(PACKAGES_COLLECTION).add({ ...pkg, created_at: now, updated_at: now }))
      inserted++
    } catch (err) {
      // A concurrent first run inserted it: that is the goal.
      if (!(await getDoc(rt.db, PACKAGES_COLLECTION, pkg._id))) throw err
    }
  }
  return { collection: PACKAGES_COLLECTION, inserted }
}

/** Every package, active or not, in display order. */
export async function allPackages(rt: Runtime): Promise<CreditPackageDoc[]> {
  const res = must(await rt.db.collection(PACKAGES_COLLECTION).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(1000).get()) as { data: CreditPackageDoc[] }
  return res.data
}

export async function activePackages(rt: Runtime): Promise<CreditPackageDoc[]> {
  const res = must(
    await rt.db.collection(PACKAGES_COLLECTION).where({ is_active: true }).orderBy('sort_order', 'asc').orderBy('_id', 'asc').limit(100).get(),
  ) as { data: CreditPackageDoc[] }
  return res.data
}

export interface UpsertPackageInput {
  id: string
  name: string
  price_fen: number
  base_credits: number
  bonus_credits: number
  tag: string | null
  sort_order: number
  is_active: boolean
}

/** Creates or replaces a package and its audit record in one transaction. Pending orders keep their own price. */
export async function upsertPackage(rt: Runtime, actor: string, input: UpsertPackageInput, requestId: string, now: Date): Promise<{ id: string; created: boolean }> {
  return runTx(rt.db, async (tx) => {
    const before = await getDoc<CreditPackageDoc>(tx, PACKAGES_COLLECTION, input.id)
    const after: Omit<CreditPackageDoc, '_id'> = {
      name: input.name,
      price_fen: input.price_fen,
      base_credits: input.base_credits,
      bonus_credits: input.bonus_credits,
      tag: input.tag,
      sort_order: input.sort_order,
      is_active: input.is_active,
      created_at: before?.created_at ?? now,
      updated_at: now,
    }
    must(await tx.collection(PACKAGES_COLLECTION).doc(input.id).set(after))
    const audit: AuditLogDoc = {
      _id: rt.ids.id(),
      kind: 'audit',
      actor,
      action: 'admin/upsertPackage',
      target: input.id,
      before: before ? stripMeta(before) : null,
      after: stripMeta({ _id: input.id, ...after }),
      request_id: requestId,
      created_at: now,
    }
    must(await tx.collection('logs').add(audit))
    return { id: input.id, created: before === null }
  })
}

function stripMeta(doc: CreditPackageDoc): Omit<CreditPackageDoc, 'created_at' | 'updated_at' | '_id'> & { id: string } {
  const { _id, created_at: _c, updated_at: _u, ...rest } = doc
  return { id: _id, ...rest }
}
