/**
 * Differential test: random documents and random queries run through the real Db API twice, once with SQL
 * push-down and once evaluated purely by mingo over a full scan. Results must be identical, order included
 * (every query sorts with an _id tiebreak, so the order is total).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLocalDatabase, type LocalDatabase } from './create-local-database'

// Strings stay below the surrogate range: SQLite and MongoDB compare UTF-8 bytes, mingo compares UTF-16 units,
// which only disagree above U+D7FF (documented in docs/database-emulator.md).
const str = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'é', '中', ' '), maxLength: 3 })
const smallStr = fc.constantFrom('', 'a', 'b', 'ab', 'é', '中')
const date = fc.integer({ min: 0, max: 5 }).map((n) => new Date(n * 1000))
const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -1.5), str, fc.boolean(), fc.constant(null), date)
const field = fc.constantFrom('a', 'b', 'm', 'n.x', 'd', 'missing')

const docArb = (withArrays: boolean) =>
  fc.record(
    {
      a: fc.integer({ min: 0, max: 5 }),
      b: fc.oneof(smallStr, str),
      m: withArrays ? fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })) : scalar,
      n: fc.record({ x: scalar }, { requiredKeys: [] }),
      d: date,
    },
    { requiredKeys: ['a'] },
  )

type Q = Record<string, unknown>
const leaf: fc.Arbitrary<Q> = fc.oneof(
  fc.tuple(field, scalar).map(([f, v]) => ({ [f]: v })),
  fc.tuple(field, fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), scalar).map(([f, op, v]) => ({ [f]: { [op]: v } })),
  fc.tuple(field, fc.constantFrom('$in', '$nin'), fc.array(scalar, { maxLength: 3 })).map(([f, op, v]) => ({ [f]: { [op]: v } })),
  fc.tuple(field, fc.boolean()).map(([f, v]) => ({ [f]: { $exists: v } })),
  fc.tuple(field, fc.constantFrom('$gt', '$lt', '$eq'), scalar).map(([f, op, v]) => ({ [f]: { $not: { [op]: v } } })),
  // keyset pagination shape
  fc.tuple(fc.constantFrom('a', 'd', 'm'), fc.oneof(fc.integer({ min: 0, max: 5 }), date, scalar), smallStr, fc.constantFrom('$lt', '$gt')).map(([f, x, y, op]) => ({
    $or: [{ [f]: { [op]: x } }, { [f]: x, b: { [op]: y } }],
  })),
)
const queryArb: fc.Arbitrary<Q> = fc.letrec<{ q: Q }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((qs) => ({ $and: qs })),
    fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((qs) => ({ $or: qs })),
    fc.array(tie('q'), { minLength: 1, maxLength: 2 }).map((qs) => ({ $nor: qs })),
    fc.tuple(leaf, leaf).map(([x, y]) => ({ ...x, ...y })),
  ),
})).q

const orderArb = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'm', 'n.x', 'd', '_id'), fc.constantFrom<'asc' | 'desc'>('asc', 'desc')), {
  minLength: 0,
  maxLength: 2,
})

async function load(docs: Array<Record<string, unknown>>, pushdown: boolean): Promise<LocalDatabase> {
  const local = createLocalDatabase({ file: ':memory:', indexes: [], pushdown })
  if (docs.length) await local.db.collection('t').add(docs.map((d, i) => ({ _id: `id${String(i).padStart(3, '0')}`, ...d })))
  else await local.db.createCollection('t')
  return local
}

function runQuery(local: LocalDatabase, q: Q, order: Array<[string, 'asc' | 'desc']>, skip: number, limit: number) {
  let query = local.db.collection('t').where(q)
  for (const [f, dir] of order) query = query.orderBy(f, dir)
  if (!order.some(([f]) => f === '_id')) query = query.orderBy('_id', order.at(-1)?.[1] ?? 'asc')
  if (skip) query = query.skip(skip)
  return query.limit(limit).get()
}

describe('SQL push-down vs pure mingo', () => {
  for (const withArrays of [false, true]) {
    it(`returns identical results, order included (${withArrays ? 'with' : 'without'} array values)`, async () => {
      let pushed = 0
      let total = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(docArb(withArrays), { maxLength: 25 }),
          fc.array(fc.tuple(queryArb, orderArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 8 }),
          async (docs, queries) => {
            const sql = await load(docs, true)
            const ref = await load(docs, false)
            try {
              for (const [q, order, skip, limit] of queries) {
                const a = await runQuery(sql, q, order, skip, limit)
                const b = await runQuery(ref, q, order, skip, limit)
                expect(a.data, JSON.stringify({ q, order, skip, limit })).toEqual(b.data)
                const ca = await sql.db.collection('t').where(q).count()
                const cb = await ref.db.collection('t').where(q).count()
                expect(ca.total).toBe(cb.total)
                total++
                const trace = sql.lastQuery()
                if (trace?.exact && trace.orderInSql) pushed++
              }
            } finally {
              sql.close()
              ref.close()
            }
          },
        ),
        { numRuns: 150 },
      )
      // The comparison is only meaningful if push-down actually happened for a good share of the queries.
      expect(pushed / total).toBeGreaterThan(withArrays ? 0.1 : 0.3)
    }, 60_000)
  }

  it('keyset pagination taken from existing documents (ties on the first key) matches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(docArb(false), { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.constantFrom('a', 'd', 'b'),
        fc.constantFrom<['$lt', 'desc'] | ['$gt', 'asc']>(['$lt', 'desc'], ['$gt', 'asc']),
        async (docs, pick, f, [op, dir]) => {
          const anchor = { _id: `id${String(pick % docs.length).padStart(3, '0')}`, ...docs[pick % docs.length]! } as Record<string, unknown>
          fc.pre(anchor[f] !== undefined)
          const q = { $or: [{ [f]: { [op]: anchor[f] } }, { [f]: anchor[f], _id: { [op]: anchor._id } }] }
          const sql = await load(docs, true)
          const ref = await load(docs, false)
          try {
            const page = (l: LocalDatabase) => l.db.collection('t').where(q).orderBy(f, dir).orderBy('_id', dir).limit(5).get()
            expect((await page(sql)).data).toEqual((await page(ref)).data)
            expect(sql.lastQuery()?.exact).toBe(true)
          } finally {
            sql.close()
            ref.close()
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
