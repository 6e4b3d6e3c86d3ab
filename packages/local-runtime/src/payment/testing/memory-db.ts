/**
 * A tiny in-memory stand-in for the `@cloudbase/database` Db API — only what local-pay uses: createCollection,
 * collection().add, doc(id).get, where({ field: value }).update/get — with CloudBase's answer and error shapes
 * (`{ data: [...] }`, `{ updated }`, DATABASE_COLLECTION_NOT_EXIST, DATABASE_DUPLICATE_WRITE).
 * NOTE: local-pay's tests run against the SQLite emulator too; this second backend keeps the adapter honest
 * about using only the plain Db surface (no emulator-specific behaviour).
 */
import type { Database } from '@aiphoto/runtime'

type Doc = Record<string, unknown>

function dbError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, requestId: 'memory' })
}

const clone = <T>(value: T): T => structuredClone(value)

function matches(doc: Doc, query: Doc): boolean {
  return Object.entries(query).every(([key, value]) => {
    const actual = doc[key]
    if (actual instanceof Date && value instanceof Date) return actual.getTime() === value.getTime()
    return actual === value
  })
}

export interface MemoryDb {
  db: Database
  collections: Map<string, Map<string, Doc>>
}

export function createMemoryDb(options: { collections?: string[] } = {}): MemoryDb {
  const collections = new Map<string, Map<string, Doc>>((options.collections ?? []).map((name) => [name, new Map()]))
  let counter = 0

  const table = (name: string) => {
    const found = collections.get(name)
    if (!found) throw dbError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${name}`)
    return found
  }

  const query = (name: string, filter: Doc) => ({
    async get() {
      return { data: [...table(name).values()].filter((doc) => matches(doc, filter)).map(clone), requestId: 'memory' }
    },
    async update(patch: Doc) {
      let updated = 0
      for (const doc of table(name).values()) {
        if (!matches(doc, filter)) continue
        Object.assign(doc, clone(patch))
        updated++
      }
      return { updated, requestId: 'memory' }
    },
  })

  const db = {
    async createCollection(name: string) {
      if (collections.has(name)) throw dbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} exists`)
      collections.set(name, new Map())
      return { requestId: 'memory' }
    },
    collection(name: string) {
      return {
        async add(data: Doc) {
          const rows = table(name)
          const id = typeof data._id === 'string' ? data._id : `mem${++counter}`
          if (rows.has(id)) throw dbError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${name} index: _id_ dup key: ${id}`)
          rows.set(id, { ...clone(data), _id: id })
          return { id, requestId: 'memory' }
        },
        doc(id: string) {
          return {
            async get() {
              const doc = table(name).get(id)
              return { data: doc ? [clone(doc)] : [], requestId: 'memory' }
            },
          }
        },
        where(filter: Doc) {
          return query(name, filter)
        },
      }
    },
  }
  return { db: db as unknown as Database, collections }
}
