import type { IndexSpec } from '@aiphoto/runtime'
import { describe, expect, it } from 'vitest'
import { coverage, shapeOf } from './index-coverage'

const ix = (name: string, ...fields: Array<[string, 1 | -1]>): IndexSpec => ({ collection: 'c', name, fields: fields.map(([field, direction]) => ({ field, direction })) })
const served = (query: Record<string, unknown> | null, sort: Array<[string, 1 | -1]>, indexes: IndexSpec[]) => coverage(shapeOf('c', query, sort), indexes)

describe('index coverage (CloudBase prefix rule, MongoDB sort rules)', () => {
  const nas = ix('nas', ['name', 1], ['age', 1], ['score', -1])

  it('uses a compound index only through a prefix of its fields', () => {
    expect(served({ name: 'a' }, [], [nas]).served).toBe(true)
    expect(served({ name: 'a', age: 3 }, [], [nas]).served).toBe(true)
    expect(served({ age: 3 }, [], [nas])).toMatchObject({ served: false, reasons: [expect.stringMatching(/prefix rule/)] })
    expect(served({ score: 3 }, [], [nas]).served).toBe(false)
  })

  it('needs every equality, $in and range field among the index keys; negative conditions do not count', () => {
    expect(served({ name: 'a', other: 1 }, [], [nas])).toMatchObject({ served: false, reasons: [expect.stringMatching(/'other' not in the index/)] })
    expect(served({ name: 'a', other: { $ne: 1 }, flag: { $exists: true } }, [], [nas]).served).toBe(true)
  })

  it('serves a sort that follows the equality prefix in the index directions or all inverted', () => {
    expect(served({ name: 'a' }, [['age', 1], ['score', -1]], [nas]).served).toBe(true)
    expect(served({ name: 'a' }, [['age', -1], ['score', 1]], [nas]).served).toBe(true)
    expect(served({ name: 'a' }, [['age', 1], ['score', 1]], [nas])).toMatchObject({ served: false, reasons: [expect.stringMatching(/directions/)] })
    expect(served({ name: 'a', age: 1 }, [['score', 1]], [nas]).served).toBe(true)
    expect(served({ name: 'a' }, [['score', 1]], [nas]).served).toBe(false)
    expect(served(null, [['name', 1]], [nas]).served).toBe(true)
  })

  it('does not count on merge-sorting $in branches or on order after a range', () => {
    expect(served({ name: { $in: ['a', 'b'] } }, [['age', 1]], [nas])).toMatchObject({ served: false, reasons: [expect.stringMatching(/after 'name'/)] })
    expect(served({ name: { $in: ['a'] } }, [['age', 1]], [nas]).served).toBe(true)
    expect(served({ name: { $gt: 'a' } }, [['age', 1]], [nas]).served).toBe(false)
    expect(served({ name: { $gt: 'a' } }, [['name', -1]], [nas]).served).toBe(true)
  })

  it('reads a keyset cursor $or as a range on its first field; other $or branches are checked one by one', () => {
    const page = ix('page', ['u', 1], ['t', -1], ['_id', -1])
    const keyset = { $and: [{ u: 'x' }, { $or: [{ t: { $lt: 5 } }, { t: 5, _id: { $lt: 'k' } }] }] }
    expect(served(keyset, [['t', -1], ['_id', -1]], [page])).toMatchObject({ served: true, index: 'page' })
    expect(served({ $or: [{ u: 'x' }, { name: 'a' }] }, [], [page, nas])).toMatchObject({ served: true, index: 'page+nas' })
    expect(served({ $or: [{ u: 'x' }, { age: 1 }] }, [], [page, nas]).served).toBe(false)
  })

  it('serves _id equality and _id lists by the _id index', () => {
    expect(served({ _id: 'a', status: 'x' }, [], []).served).toBe(true)
    expect(served({ _id: { $in: ['a', 'b'] } }, [], []).served).toBe(true)
    expect(served({ status: 'x' }, [], [])).toMatchObject({ served: false, reasons: ['no index is declared on c'] })
  })
})
