/**
 * `createLocalDatabase`: the local database port. Returns the real `@cloudbase/database` `Db` (the API domain
 * code uses with `@cloudbase/node-sdk`) wired to an SQLite-backed engine.
 */
import { systemClock, type Clock, type Database, type IndexSpec } from '@aiphoto/runtime'
import { Engine, type ObservedQuery } from './engine'
import type { QueryTrace } from './finder'
import { loadIndexFile } from './index-file'
import { createDbFor, type RequestInterceptor } from './requester'
import { SqliteStore } from './store'
import { DEFAULT_MAX_DOCUMENT_BYTES, validateCollectionName } from './validate'

export interface LocalDatabaseOptions {
  /** SQLite file path (WAL mode), or ':memory:' for tests. */
  file: string
  /** Error like CloudBase on collections that were not created (`DATABASE_COLLECTION_NOT_EXIST`). Default false: created on first write. */
  strict?: boolean
  /** Indexes to create: 'default' (default) = database/indexes.json, which also creates every collection it lists; [] = none. */
  indexes?: IndexSpec[] | 'default'
  /** `db.serverDate()` resolves to this clock's now. */
  clock?: Clock
  /** Push simple filters and sorts down to SQL (default true). False = evaluate everything with mingo. */
  pushdown?: boolean
  /** A transaction open longer than this is aborted (default 10 s). */
  transactionTimeoutMs?: number
  /** Largest stored document in bytes (default 16 MiB, MongoDB's and so CloudBase's limit). */
  maxDocumentBytes?: number
}

export interface LocalDatabase {
  db: Database
  close(): void
  /** Switches SQL push-down on or off (the bench measures both over the same data). */
  setPushdown(on: boolean): void
  /** Counts rows SQLite examines for each `get()` (costs a little; off by default). */
  setInstrument(on: boolean): void
  /** What the last `get()` did: SQL, whether it was pushed down, rows read/examined/returned. */
  lastQuery(): QueryTrace | null
  /** Calls `fn` with every query-based request (get/count/where().update/remove), or stops with null. */
  setQueryListener(fn: ((q: ObservedQuery) => void) | null): void
  /** The indexes this database was created with (the index file's, by default). */
  declaredIndexes(): IndexSpec[]
  /** `EXPLAIN QUERY PLAN` of the last `get()`. */
  explainLastQuery(): string[]
  /** Collections that currently exist. */
  collections(): string[]
  /** Refreshes SQLite's planner statistics now (also done by itself every 5000 writes and on open). */
  analyze(): void
  /** Names (as declared in the index file) of a collection's indexes (provisioning). */
  listIndexes(collection: string): string[]
  /** Creates one declared index now (provisioning; idempotent). */
  createIndex(spec: IndexSpec): void
  /**
   * Puts a hook in front of every request this database's `Db` sends (fault injection, cost metering), or
   * removes it with null. The engine never sees the hook: what it executes is unchanged.
   */
  setInterceptor(fn: RequestInterceptor | null): void
}

export function createLocalDatabase(options: LocalDatabaseOptions): LocalDatabase {
  const store = new SqliteStore(options.file)
  const { collections, indexes } =
    options.indexes === undefined || options.indexes === 'default' ? loadIndexFile() : { collections: [], indexes: options.indexes }
  const engine = new Engine(
    store,
    {
      strict: options.strict ?? false,
      clock: options.clock ?? systemClock,
      pushdown: options.pushdown ?? true,
      maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
      indexes,
      instrument: false,
    },
    options.transactionTimeoutMs ?? 10_000,
  )
  store.atomically(() => {
    for (const name of new Set([...collections, ...indexes.map((i) => i.collection), ...store.collectionNames()])) {
      engine.createCollection(validateCollectionName(name))
    }
  })
  const { db, setInterceptor } = createDbFor(engine)
  return {
    setInterceptor,
    db,
    close: () => store.close(),
    setPushdown: (on) => engine.setPushdown(on),
    setInstrument: (on) => engine.setInstrument(on),
    lastQuery: () => engine.lastTrace,
    setQueryListener: (fn) => void (engine.queryListener = fn),
    declaredIndexes: () => indexes,
    explainLastQuery: () => {
      const t = engine.lastTrace
      if (!t) return []
      const rows = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${t.sql}`).all(...t.params) as Array<{ detail: string }>
      return rows.map((r) => r.detail)
    },
    collections: () => store.collectionNames(),
    analyze: () => store.analyze(),
    listIndexes: (collection) => {
      const prefix = `ix_${collection}_`
      const rows = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{ name: string }>
      return rows.map((r) => r.name).filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length))
    },
    createIndex: (spec) => {
      engine.createCollection(validateCollectionName(spec.collection))
      store.ensureIndex(spec)
    },
  }
}
