/**
 * Executes the `database.*` actions `@cloudbase/database` sends through `Db.reqClass`, with CloudBase's
 * request parameters, response shapes, limits and error codes. One engine per local database.
 */
import { randomBytes } from 'node:crypto'
import type { Clock, IndexSpec } from '@aiphoto/runtime'
import { Aggregator, find as mingoFind, update as mingoUpdate } from 'mingo'
import { decodeStored, decodeWire, encodeWire, type Doc } from './codec'
import {
  DB_ERROR,
  EngineError,
  collectionNotExist,
  duplicateKey,
  invalidParam,
  transactionConflict,
} from './errors'
import { countRows, findRows, type QueryTrace } from './finder'
import { keyOf } from './sort-key'
import { pathExpr, type SqliteStore } from './store'
import { assertUpdateApplicable } from './update-paths'
import { TransactionManager, txKey, type TxState } from './transactions'
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  isPlainObject,
  validateCollectionName,
  validateDocumentKeys,
  validateDocumentSize,
  validateFieldPath,
  validateQuery,
  validateUpdate,
} from './validate'

export interface EngineOptions {
  strict: boolean
  clock: Clock
  pushdown: boolean
  maxDocumentBytes: number
  indexes: IndexSpec[]
  instrument: boolean
}

type Params = Record<string, unknown>

/** A query the engine ran, as decoded from the request. */
export interface ObservedQuery {
  action: string
  collection: string
  query: Record<string, unknown> | null
  order: Array<[string, 1 | -1]>
}
type Response = Record<string, unknown>

/** How a write reaches storage: straight to SQLite, or into a transaction's overlay. */
interface WriteView {
  read(collection: string, k: string): Doc | null
  put(collection: string, k: string, doc: Doc, existed: boolean): void
  del(collection: string, k: string): void
}

export class Engine {
  readonly tx: TransactionManager
  lastTrace: QueryTrace | null = null
  /** Sees every query-based request (not doc(id) ones): index-coverage tests collect them. */
  queryListener: ((q: ObservedQuery) => void) | null = null
  private requestSeq = 0

  constructor(
    readonly store: SqliteStore,
    private readonly opts: EngineOptions,
    transactionTimeoutMs: number,
  ) {
    this.tx = new TransactionManager(transactionTimeoutMs)
  }

  setPushdown(on: boolean): void {
    this.opts.pushdown = on
  }

  setInstrument(on: boolean): void {
    this.opts.instrument = on
  }

  newRequestId(): string {
    return `local-${Date.now().toString(36)}-${(++this.requestSeq).toString(36)}`
  }

  async handle(action: string, params: Params | undefined, requestId: string): Promise<Response> {
    const p = params ?? {}
    switch (action) {
      case 'database.startTransaction': {
        const tx = await this.tx.begin()
        return { requestId, transactionId: tx.id }
      }
      case 'database.commitTransaction':
        this.commit(this.tx.get(p.transactionId))
        return { requestId }
      case 'database.abortTransaction': {
        const tx = this.tx.get(p.transactionId)
        this.tx.finish(tx)
        return { requestId }
      }
      case 'database.getDocument':
        return { requestId, data: this.withTx(p, (tx) => this.getDocument(p, tx), false) }
      case 'database.calculateDocument':
        return { requestId, data: this.calculate(p) }
      case 'database.insertDocument':
        return { requestId, data: await this.waitForLocks(() => this.withTx(p, (tx) => this.insertDocument(p, tx))) }
      case 'database.modifyDocument':
        return { requestId, data: await this.waitForLocks(() => this.withTx(p, (tx) => this.modifyDocument(p, tx))) }
      case 'database.modifyAndReturnDoc':
        return { requestId, data: await this.waitForLocks(() => this.withTx(p, (tx) => this.modifyAndReturn(p, tx))) }
      case 'database.removeDocument':
        return { requestId, data: await this.waitForLocks(() => this.withTx(p, (tx) => this.removeDocument(p, tx))) }
      case 'database.addCollection':
        this.addCollection(p)
        return { requestId }
      case 'database.aggregateDocuments':
        return { requestId, data: this.aggregate(p) }
      default:
        throw invalidParam(`action '${action}' is not supported by the local database emulator`)
    }
  }

  /**
   * A write outside any transaction that reaches a document an open transaction has written waits until that
   * transaction ends, then runs again from the start (its SQLite transaction rolled back, so nothing was half
   * done). Bounded: every transaction ends by commit, abort or `transactionTimeoutMs`.
   */
  private async waitForLocks<T>(run: () => T): Promise<T> {
    for (;;) {
      try {
        return run()
      } catch (err) {
        if (!(err instanceof HeldByTransaction)) throw err
        await err.tx.ended
      }
    }
  }

  /** Runs an action inside its transaction when it names one; a conflict or failure there aborts it. */
  private withTx<T>(p: Params, fn: (tx: TxState | null) => T, writes = true): T {
    if (p.transactionId === undefined) return writes ? this.store.atomically(() => fn(null)) : fn(null)
    const tx = this.tx.get(p.transactionId)
    if (p.queryType !== 'DOC' && p.queryType !== undefined) {
      throw invalidParam('only single-document operations (doc().get/set/update/remove and add) are allowed in a transaction')
    }
    try {
      return fn(tx)
    } catch (err) {
      if (err instanceof EngineError && err.code === DB_ERROR.TRANSACTION_CONFLICT) this.tx.finish(tx)
      throw err
    }
  }

  // ---- collections ---------------------------------------------------------------------------------

  private collection(p: Params): string {
    return validateCollectionName(p.collectionName)
  }

  /** Whether the collection exists; creates it for writes unless strict (CloudBase needs it created first). */
  private ensureCollection(name: string, forWrite: boolean): boolean {
    if (this.store.hasCollection(name)) return true
    if (this.opts.strict) throw collectionNotExist(name)
    if (!forWrite) return false
    this.createCollection(name)
    return true
  }

  createCollection(name: string): void {
    this.store.createCollection(name)
    for (const spec of this.opts.indexes) if (spec.collection === name) this.store.ensureIndex(spec)
  }

  private addCollection(p: Params): void {
    const name = this.collection(p)
    if (this.store.hasCollection(name)) {
      throw new EngineError(DB_ERROR.COLLECTION_ALREADY_EXIST, `[ResourceInUse] collection ${name} already exists`)
    }
    this.createCollection(name)
  }

  // ---- reads ---------------------------------------------------------------------------------------

  private getDocument(p: Params, tx: TxState | null): { list: string[] } {
    const collection = this.collection(p)
    const projection = p.projection === undefined ? null : this.parseObject(p.projection, 'projection')
    if (p.queryType === 'DOC') {
      const k = this.docKey(p)
      const doc = tx ? this.txView(tx).read(collection, k) : this.readCommitted(collection, k)
      if (!doc) return { list: [] }
      return { list: [encodeWire(projection ? project([doc], projection)[0] : doc)] }
    }
    if (!this.ensureCollection(collection, false)) return { list: [] }
    const query = this.parseQuery(p.query)
    const order = this.parseOrder(p.order)
    this.queryListener?.({ action: 'get', collection, query, order })
    const limit = clampLimit(p.limit)
    const skip = p.offset === undefined ? 0 : nonNegativeInt(p.offset, 'offset')
    const rows = findRows(
      this.store,
      collection,
      query,
      { order, skip, limit, pushdown: this.opts.pushdown, instrument: this.opts.instrument },
      (t) => (this.lastTrace = t),
    )
    if (!projection) return { list: rows.map((r) => r.text) }
    return { list: project(rows.map((r) => r.doc ?? decodeStored(r.text)), projection).map((d) => encodeWire(d)) }
  }

  private calculate(p: Params): { total: number } {
    const collection = this.collection(p)
    if (!this.ensureCollection(collection, false)) return { total: 0 }
    const query = this.parseQuery(p.query)
    this.queryListener?.({ action: 'count', collection, query, order: [] })
    return { total: countRows(this.store, collection, query, this.opts.pushdown) }
  }

  private aggregate(p: Params): { list: string[] } {
    const collection = this.collection(p)
    if (!Array.isArray(p.stages)) throw invalidParam('aggregate needs stages')
    const pipeline = (p.stages as Array<{ stageKey?: unknown; stageValue?: unknown }>).map((s) => {
      if (typeof s.stageKey !== 'string' || typeof s.stageValue !== 'string') throw invalidParam('malformed aggregate stage')
      return { [s.stageKey]: decodeWire(s.stageValue, this.opts.clock) }
    })
    if (!this.ensureCollection(collection, false)) return { list: [] }
    const docs = findRows(this.store, collection, null, { order: [], skip: 0, limit: Infinity, pushdown: true }).map((r) =>
      decodeStored(r.text),
    )
    try {
      return { list: new Aggregator(pipeline, {}).run(docs).map((d) => encodeWire(d)) }
    } catch (err) {
      throw invalidParam(`aggregate failed: ${(err as Error).message}`)
    }
  }

  private readCommitted(collection: string, k: string): Doc | null {
    if (!this.ensureCollection(collection, false)) return null
    const row = this.store.get(collection, k)
    return row ? decodeStored(row.doc) : null
  }

  // ---- writes --------------------------------------------------------------------------------------

  private insertDocument(p: Params, tx: TxState | null): { insertedIds: unknown[] } {
    const collection = this.collection(p)
    if (!Array.isArray(p.data) || p.data.length === 0) throw invalidParam('insert needs at least one document')
    const docs = p.data.map((item) => {
      if (typeof item !== 'string') throw invalidParam('each inserted document must be EJSON text')
      const doc = decodeWire(item, this.opts.clock)
      if (!isPlainObject(doc)) throw invalidParam('a document must be an object')
      validateDocumentKeys(doc)
      if (doc._id === undefined) doc._id = generateId()
      else validateId(doc._id)
      return doc
    })
    this.ensureCollection(collection, true)
    const view = tx ? this.txView(tx) : this.directView()
    for (const doc of docs) {
      const k = keyOf(doc._id)
      if (view.read(collection, k)) throw duplicateKey(collection, '_id_', `{ _id: ${JSON.stringify(doc._id)} }`)
      // Keep `_id` first, as CloudBase returns it.
      const { _id, ...rest } = doc
      view.put(collection, k, { _id, ...rest }, false)
    }
    return { insertedIds: docs.map((d) => d._id) }
  }

  private modifyDocument(p: Params, tx: TxState | null): { updated: number; upsert_id?: unknown } {
    const collection = this.collection(p)
    const data = decodeWire(requireString(p.data, 'data'), this.opts.clock)
    const merge = p.merge !== false
    if (merge) validateUpdate(data)
    else {
      if (!isPlainObject(data)) throw invalidParam('set data must be an object')
      validateDocumentKeys(data)
      if ('_id' in data) throw invalidParam("cannot set '_id'")
    }
    const view = tx ? this.txView(tx) : this.directView()
    if (p.queryType === 'DOC') {
      const k = this.docKey(p)
      const id = this.docId(p)
      const exists = this.ensureCollection(collection, p.upsert === true || !merge) ? view.read(collection, k) : null
      if (!exists) {
        if (p.upsert !== true) return { updated: 0 }
        const doc = merge ? applyUpdate({ _id: id }, data as Record<string, Record<string, unknown>>) : { _id: id, ...(data as Doc) }
        view.put(collection, k, doc, false)
        return { updated: 0, upsert_id: id }
      }
      const next = merge ? applyUpdate(exists, data as Record<string, Record<string, unknown>>) : { _id: exists._id, ...(data as Doc) }
      if (encodeWire(next) === encodeWire(exists)) return { updated: 0 }
      view.put(collection, k, next, true)
      return { updated: 1 }
    }
    if (!merge) throw invalidParam('replacing documents needs a document id')
    if (!this.ensureCollection(collection, false)) return { updated: 0 }
    const query = this.parseQuery(p.query)
    this.queryListener?.({ action: 'update', collection, query, order: [] })
    const rows = findRows(this.store, collection, query, {
      order: [],
      skip: 0,
      limit: p.multi === false ? 1 : Infinity,
      pushdown: this.opts.pushdown,
    })
    // Every document's new state is computed before the first write, so an update that fails on one document
    // changes none (stricter than MongoDB, which keeps the documents updated before the failing one; see
    // docs/database-emulator.md).
    const changes: Array<{ k: string; next: Doc }> = []
    for (const row of rows) {
      const before = row.doc ?? decodeStored(row.text)
      const next = applyUpdate(before, data as Record<string, Record<string, unknown>>)
      if (encodeWire(next) !== row.text) changes.push({ k: row.k, next })
    }
    for (const c of changes) view.put(collection, c.k, c.next, true)
    return { updated: changes.length }
  }

  private modifyAndReturn(p: Params, tx: TxState | null): { updated: number; doc: string | null } {
    const collection = this.collection(p)
    const data = decodeWire(requireString(p.data, 'data'), this.opts.clock)
    validateUpdate(data)
    if (!this.ensureCollection(collection, false)) return { updated: 0, doc: null }
    const query = this.parseQuery(p.query)
    this.queryListener?.({ action: 'updateAndReturn', collection, query, order: [] })
    const rows = findRows(this.store, collection, query, {
      order: [],
      skip: 0,
      limit: 1,
      pushdown: this.opts.pushdown,
    })
    const row = rows[0]
    if (!row) return { updated: 0, doc: null }
    const next = applyUpdate(row.doc ?? decodeStored(row.text), data)
    const changed = encodeWire(next) !== row.text
    if (changed) (tx ? this.txView(tx) : this.directView()).put(collection, row.k, next, true)
    return { updated: changed ? 1 : 0, doc: encodeWire(next) }
  }

  private removeDocument(p: Params, tx: TxState | null): { deleted: number } {
    const collection = this.collection(p)
    const view = tx ? this.txView(tx) : this.directView()
    if (p.queryType === 'DOC') {
      const k = this.docKey(p)
      if (!this.ensureCollection(collection, false) || !view.read(collection, k)) return { deleted: 0 }
      view.del(collection, k)
      return { deleted: 1 }
    }
    if (!this.ensureCollection(collection, false)) return { deleted: 0 }
    const query = this.parseQuery(p.query)
    this.queryListener?.({ action: 'remove', collection, query, order: [] })
    const rows = findRows(this.store, collection, query, {
      order: [],
      skip: 0,
      limit: p.multi === false ? 1 : Infinity,
      pushdown: this.opts.pushdown,
    })
    for (const row of rows) view.del(collection, row.k)
    return { deleted: rows.length }
  }

  // ---- storage views ---------------------------------------------------------------------------------

  private directView(): WriteView {
    const unlocked = (collection: string, k: string) => {
      const holder = this.tx.holding(txKey(collection, k))
      if (holder) throw new HeldByTransaction(holder)
    }
    return {
      read: (collection, k) => this.readCommitted(collection, k),
      put: (collection, k, doc, existed) => {
        unlocked(collection, k)
        const text = this.encodeForStorage(doc)
        this.store.noteShape(collection, doc)
        try {
          if (existed) this.store.replace(collection, k, text)
          else this.store.insert(collection, k, text)
        } catch (err) {
          throw this.translateSqliteError(err, collection, doc)
        }
      },
      del: (collection, k) => {
        unlocked(collection, k)
        this.store.delete(collection, k)
      },
    }
  }

  private txView(tx: TxState): WriteView {
    const read = (collection: string, k: string): Doc | null => {
      const key = txKey(collection, k)
      const w = tx.writes.get(key)
      if (w) return w.doc
      const row = this.store.hasCollection(collection) ? this.store.get(collection, k) : undefined
      if (!tx.seen.has(key)) tx.seen.set(key, { collection, k, ver: row ? row.ver : null })
      return row ? decodeStored(row.doc) : null
    }
    // MongoDB: "If a transaction is in progress and a write outside the transaction modifies a document that an
    // operation in the transaction later tries to modify, the transaction aborts because of a write conflict."
    // (https://www.mongodb.com/docs/manual/core/transactions-production-consideration/#in-progress-transactions-and-write-conflicts)
    // Detected when writing, as there; runTransaction then retries the callback.
    const unchanged = (collection: string, k: string) => {
      const seen = tx.seen.get(txKey(collection, k))
      const now = this.store.hasCollection(collection) ? (this.store.get(collection, k)?.ver ?? null) : null
      if (seen && seen.ver !== now) throw transactionConflict(`${collection} document changed outside the transaction since it read it`)
    }
    return {
      read,
      put: (collection, k, doc) => {
        read(collection, k)
        unchanged(collection, k)
        const text = this.encodeForStorage(doc)
        this.assertUniqueInTx(tx, collection, k, doc)
        tx.writes.set(txKey(collection, k), { collection, k, doc, text })
      },
      del: (collection, k) => {
        read(collection, k)
        unchanged(collection, k)
        tx.writes.set(txKey(collection, k), { collection, k, doc: null, text: null })
      },
    }
  }

  private commit(tx: TxState): void {
    try {
      for (const seen of tx.seen.values()) {
        const now = this.store.hasCollection(seen.collection) ? (this.store.get(seen.collection, seen.k)?.ver ?? null) : null
        if (now !== seen.ver) throw transactionConflict(`${seen.collection} document changed outside the transaction`)
      }
      this.store.atomically(() => {
        for (const w of tx.writes.values()) {
          this.ensureCollection(w.collection, true)
          const exists = this.store.get(w.collection, w.k) !== undefined
          if (w.doc === null || w.text === null) {
            if (exists) this.store.delete(w.collection, w.k)
            continue
          }
          this.store.noteShape(w.collection, w.doc)
          try {
            if (exists) this.store.replace(w.collection, w.k, w.text)
            else this.store.insert(w.collection, w.k, w.text)
          } catch (err) {
            const e = this.translateSqliteError(err, w.collection, w.doc)
            throw e.code === DB_ERROR.DUPLICATE_WRITE ? transactionConflict(e.message) : e
          }
        }
      })
    } finally {
      this.tx.finish(tx)
    }
  }

  /** Unique indexes checked against committed rows and the transaction's own pending writes. */
  private assertUniqueInTx(tx: TxState, collection: string, k: string, doc: Doc): void {
    for (const spec of this.store.uniqueIndexes(collection)) {
      const keys = spec.fields.map((f) => keyOf(getPath(doc, f.field)))
      const clash = (other: Doc) => spec.fields.every((f, i) => keyOf(getPath(other, f.field)) === keys[i])
      for (const w of tx.writes.values()) {
        if (w.collection === collection && w.k !== k && w.doc && clash(w.doc)) {
          throw duplicateKey(collection, spec.name, describeKey(spec, doc))
        }
      }
      if (!this.store.hasCollection(collection)) continue
      const where = spec.fields.map((f) => `${pathExpr(f.field)} = ?`).join(' AND ')
      const rows = this.store.prepared(`SELECT k FROM ${this.store.table(collection)} WHERE ${where}`).all(...keys) as Array<{ k: string }>
      for (const row of rows) {
        if (row.k === k) continue
        const pending = tx.writes.get(txKey(collection, row.k))
        if (pending && (pending.doc === null || !clash(pending.doc))) continue
        throw duplicateKey(collection, spec.name, describeKey(spec, doc))
      }
    }
  }

  private encodeForStorage(doc: Doc): string {
    const text = encodeWire(doc)
    validateDocumentSize(text, this.opts.maxDocumentBytes)
    return text
  }

  private translateSqliteError(err: unknown, collection: string, doc: Doc): EngineError {
    const e = err as { code?: string; message?: string }
    if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      const m = /index '([^']+)'/.exec(e.message ?? '')
      const spec = m ? this.store.uniqueIndexes(collection).find((s) => `ix_${collection}_${s.name}` === m[1]) : undefined
      return spec ? duplicateKey(collection, spec.name, describeKey(spec, doc)) : duplicateKey(collection, '_id_', `{ _id: ${JSON.stringify(doc._id)} }`)
    }
    if (err instanceof EngineError) return err
    return new EngineError(DB_ERROR.REQUEST_FAILED, `database request failed: ${e?.message ?? String(err)}`)
  }

  // ---- parameter parsing -----------------------------------------------------------------------------

  private parseObject(value: unknown, what: string): Record<string, unknown> {
    const v = typeof value === 'string' ? decodeWire(value, this.opts.clock) : value
    if (!isPlainObject(v)) throw invalidParam(`${what} must be an object`)
    return v
  }

  private parseQuery(value: unknown): Record<string, unknown> | null {
    if (value === undefined || value === null || value === '') return null
    const q = typeof value === 'string' ? decodeWire(value, this.opts.clock) : value
    validateQuery(q)
    return q
  }

  private parseOrder(value: unknown): Array<[string, 1 | -1]> {
    if (value === undefined) return []
    const o = this.parseObject(value, 'order')
    return Object.entries(o).map(([path, dir]) => {
      validateFieldPath(path, 'orderBy field')
      if (dir !== 1 && dir !== -1) throw invalidParam(`orderBy direction of '${path}' must be 'asc' or 'desc'`)
      return [path, dir]
    })
  }

  private docId(p: Params): string | number {
    const q = this.parseObject(p.query, 'query')
    validateId(q._id)
    return q._id as string | number
  }

  private docKey(p: Params): string {
    return keyOf(this.docId(p))
  }
}

/** Thrown by a plain write that reached a document an open transaction holds; the request waits and reruns. */
class HeldByTransaction extends Error {
  constructor(readonly tx: TxState) {
    super('document held by an open transaction')
  }
}

function clampLimit(v: unknown): number {
  if (v === undefined) return DEFAULT_LIMIT
  const n = nonNegativeInt(v, 'limit')
  if (n === 0) return DEFAULT_LIMIT
  return Math.min(n, MAX_LIMIT)
}

function nonNegativeInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalidParam(`${what} must be a non-negative integer`)
  return v
}

function requireString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw invalidParam(`${what} must be EJSON text`)
  return v
}

function validateId(id: unknown): void {
  if (!((typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)))) {
    throw invalidParam('_id must be a non-empty string or a number')
  }
}

/** 32 hex characters like CloudBase's ids: 8 of seconds (roughly time-ordered) then 24 random. */
export function generateId(): string {
  return Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(12).toString('hex')
}

function applyUpdate(doc: Doc, update: Record<string, Record<string, unknown>>): Doc {
  // MongoDB refuses the whole update (and changes nothing) when one path cannot be applied; see update-paths.ts.
  assertUpdateApplicable(doc, update)
  const next = structuredClone(doc)
  // NOTE: mingo builds an operator context on every call (~100 µs); the field operators domain code uses
  // on every request are applied directly, with the same MongoDB semantics, and mingo does the rest.
  if (!applyFieldOperators(next, update)) {
    try {
      mingoUpdate(next, update as never, undefined, undefined, { cloneMode: 'deep' })
    } catch (err) {
      throw invalidParam(`update failed: ${(err as Error).message}`)
    }
  }
  validateDocumentKeys(next)
  return next
}

const FAST_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max'])

/** Applies $set/$unset/$inc/$mul/$min/$max on paths through plain objects; false (doc untouched) otherwise. */
function applyFieldOperators(doc: Doc, update: Record<string, Record<string, unknown>>): boolean {
  const steps: Array<() => void> = []
  for (const [op, fields] of Object.entries(update)) {
    if (!FAST_OPERATORS.has(op)) return false
    for (const [path, arg] of Object.entries(fields)) {
      const segs = path.split('.')
      const last = segs.pop()!
      // Resolve the parent without creating anything yet: arrays or scalars on the way go to mingo.
      let parent: unknown = doc
      let missing = false
      for (const seg of segs) {
        const child = (parent as Record<string, unknown>)[seg]
        if (child === undefined) {
          missing = true
          break
        }
        if (!isPlainObject(child)) return false
        parent = child
      }
      const current = missing ? undefined : (parent as Record<string, unknown>)[last]
      let value: unknown
      switch (op) {
        case '$unset':
          if (missing) continue
          steps.push(() => delete (parent as Record<string, unknown>)[last])
          continue
        case '$set':
          value = arg
          break
        case '$inc':
          value = current === undefined ? arg : (current as number) + (arg as number)
          break
        case '$mul':
          value = current === undefined ? 0 : (current as number) * (arg as number)
          break
        default: {
          if (current === undefined) value = arg
          else {
            const comparable =
              (typeof current === 'number' && typeof arg === 'number') ||
              (typeof current === 'string' && typeof arg === 'string') ||
              (current instanceof Date && arg instanceof Date)
            if (!comparable) return false
            const less = (arg as number) < (current as number)
            value = (op === '$min' ? less : (arg as number) > (current as number)) ? arg : current
          }
        }
      }
      steps.push(() => {
        let target = doc as Record<string, unknown>
        for (const seg of segs) {
          if (target[seg] === undefined) target[seg] = {}
          target = target[seg] as Record<string, unknown>
        }
        target[last] = value
      })
    }
  }
  for (const step of steps) step()
  return true
}

function project(docs: Doc[], projection: Record<string, unknown>): Doc[] {
  try {
    return mingoFind(docs, {}, projection as never).all() as Doc[]
  } catch (err) {
    throw invalidParam(`invalid projection: ${(err as Error).message}`)
  }
}

export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || cur instanceof Date) return undefined
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur
}

function describeKey(spec: IndexSpec, doc: Doc): string {
  return '{ ' + spec.fields.map((f) => `${f.field}: ${JSON.stringify(getPath(doc, f.field) ?? null)}`).join(', ') + ' }'
}
