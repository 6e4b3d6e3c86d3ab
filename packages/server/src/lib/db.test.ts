import { createLocalDatabase } from '@aiphoto/local-runtime'
import { describe, expect, it } from 'vitest'
import { wholeFields, type DbScope } from './db'

describe('wholeFields', () => {
  const local = createLocalDatabase({ file: ':memory:', indexes: [] })

  it('writes an object onto a null field, which a plain nested update cannot (CloudBase PathNotViable)', async () => {
    const db = local.db
    const coll = db.collection('probe')
    await coll.add({ _id: 't1', result: null, n: 1, at: null })
    const patch = { result: { images: ['a'], provider_id: 'p' }, n: db.command.inc(1), at: new Date(5) }
    const plain = await coll.doc('t1').update(patch).catch((e: unknown) => e)
    expect((plain as { code?: string }).code).toBe('DATABASE_REQUEST_FAILED')
    await coll.doc('t1').update(wholeFields(db, patch))
    const got = (await coll.doc('t1').get()).data[0]
    expect(got).toEqual({ _id: 't1', result: { images: ['a'], provider_id: 'p' }, n: 2, at: new Date(5) })
  })
})

describe('DbScope (what a transaction callback may use)', () => {
  it('offers doc() and add() only: where()/count() on a transaction collection do not compile', async () => {
    const local = createLocalDatabase({ file: ':memory:', indexes: [] })
    const db = local.db
    await db.collection('probe').add({ _id: 'a', k: 'x' })
    const scope: DbScope = db
    // The SDK would send these without the transaction id (they would run outside the transaction); the type
    // refuses them, and `pnpm typecheck` fails if DbScope ever offers them again.
    // @ts-expect-error where() is not part of DbScope
    expect(typeof scope.collection('probe').where).toBe('function')
    // @ts-expect-error count() is not part of DbScope
    expect(typeof scope.collection('probe').count).toBe('function')
    expect((await scope.collection('probe').doc('a').get()).data).toEqual([{ _id: 'a', k: 'x' }])
    local.close()
  })
})
