import { createLocalDatabase } from '@aiphoto/local-runtime'
import { describe, expect, it } from 'vitest'
import { wholeFields } from './db'

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
