/**
 * The SQLite layer: one table per collection (`k` = sort key of `_id`, `doc` = stored EJSON text, `ver` = write
 * sequence for transaction conflict checks), expression indexes on `ck(doc -> '$.path')`, and per-collection
 * shape flags recording which paths ever held arrays or embedded objects (the planner refuses to push those down).
 */
import Database from 'better-sqlite3'
import type { IndexSpec } from '@aiphoto/runtime'
import { keyOfJsonFragment } from './sort-key'

export interface StoredRow {
  rowid: number
  k: string
  doc: string
  ver: number
}

interface CollectionMeta {
  table: string
  arrayPaths: Set<string>
  objectPaths: Set<string>
  uniqueIndexes: IndexSpec[]
  dirty: boolean
}

/** SQL for the value at a field path; identical text in indexes and queries, so SQLite matches them. */
export function pathExpr(path: string): string | null {
  if (path === '_id') return 'k'
  const segs = path.split('.')
  let jsonPath = '$'
  for (const seg of segs) {
    if (seg.includes('"') || seg.includes("'")) return null
    jsonPath += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? '.' + seg : `."${seg}"`
  }
  return `ck(doc -> '${jsonPath}')`
}

/** SQL for "the path holds a value" (JSON null counts, missing does not). */
export function existsExpr(path: string): string | null {
  if (path === '_id') return '1'
  const expr = pathExpr(path)
  return expr === null ? null : `(${expr.slice(3, -1)}) IS NOT NULL`
}

const quote = (name: string): string => '"' + name.replace(/"/g, '""') + '"'

export class SqliteStore {
  readonly sqlite: Database.Database
  private readonly meta = new Map<string, CollectionMeta>()
  private seq = 0
  /** Counts rows SQLite hands to `xcount()`; only used by instrumented queries (bench/explain). */
  examined = 0

  constructor(file: string) {
    this.sqlite = new Database(file)
    if (file !== ':memory:') {
      this.sqlite.pragma('journal_mode = WAL')
      this.sqlite.pragma('synchronous = NORMAL')
    }
    this.sqlite.function('ck', { deterministic: true }, (fragment: unknown) =>
      keyOfJsonFragment(fragment === null ? null : String(fragment)),
    )
    this.sqlite.function('xcount', { deterministic: false }, (_row: unknown) => {
      this.examined++
      return 1
    })
    this.sqlite.pragma('analysis_limit = 1000')
    this.sqlite.exec(
      'CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, array_paths TEXT NOT NULL, object_paths TEXT NOT NULL)',
    )
    for (const row of this.sqlite.prepare('SELECT name, array_paths, object_paths FROM _collections').all() as Array<{
      name: string
      array_paths: string
      object_paths: string
    }>) {
      const table = tableName(row.name)
      this.meta.set(row.name, {
        table,
        arrayPaths: new Set(JSON.parse(row.array_paths) as string[]),
        objectPaths: new Set(JSON.parse(row.object_paths) as string[]),
        uniqueIndexes: [],
        dirty: false,
      })
      const max = this.sqlite.prepare(`SELECT max(ver) AS v FROM ${quote(table)}`).get() as { v: number | null }
      this.seq = Math.max(this.seq, max.v ?? 0)
    }
    if (this.meta.size > 0) this.analyze()
  }

  close(): void {
    this.sqlite.close()
  }

  nextVersion(): number {
    this.writesSinceAnalyze++
    return ++this.seq
  }

  private writesSinceAnalyze = 0

  /**
   * Refreshes planner statistics. Without them SQLite picked user_live_created over user_live_type_created for a typed
   * cursor page and examined 3x the rows; sampled (analysis_limit) so it costs milliseconds.
   */
  analyze(): void {
    this.writesSinceAnalyze = 0
    this.sqlite.exec('ANALYZE')
  }

  hasCollection(name: string): boolean {
    return this.meta.has(name)
  }

  collectionNames(): string[] {
    return [...this.meta.keys()]
  }

  createCollection(name: string): void {
    if (this.meta.has(name)) return
    const table = tableName(name)
    this.sqlite.exec(
      `CREATE TABLE IF NOT EXISTS ${quote(table)} (k TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, ver INTEGER NOT NULL)`,
    )
    this.sqlite.prepare('INSERT OR IGNORE INTO _collections (name, array_paths, object_paths) VALUES (?, ?, ?)').run(name, '[]', '[]')
    this.meta.set(name, { table, arrayPaths: new Set(), objectPaths: new Set(), uniqueIndexes: [], dirty: false })
  }

  /** Creates the declared expression indexes (idempotent). Unique ones enforce MongoDB's null == missing rule. */
  ensureIndex(spec: IndexSpec): void {
    const m = this.mustMeta(spec.collection)
    const cols = spec.fields.map((f) => {
      const expr = pathExpr(f.field)
      if (expr === null) throw new Error(`index ${spec.name}: unsupported field path ${f.field}`)
      return `${expr}${f.direction === -1 ? ' DESC' : ''}`
    })
    const name = quote(`ix_${spec.collection}_${spec.name}`)
    this.sqlite.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${quote(m.table)} (${cols.join(', ')})`)
    if (spec.unique && !m.uniqueIndexes.some((u) => u.name === spec.name)) m.uniqueIndexes.push(spec)
  }

  uniqueIndexes(name: string): IndexSpec[] {
    return this.meta.get(name)?.uniqueIndexes ?? []
  }

  table(name: string): string {
    return quote(this.mustMeta(name).table)
  }

  /** True when no prefix of `path` ever held an array and `path` itself never held an embedded object. */
  isScalarPath(collection: string, path: string): boolean {
    if (path === '_id') return true
    const m = this.meta.get(collection)
    if (!m) return true
    if (m.objectPaths.has(path)) return false
    let prefix = ''
    for (const seg of path.split('.')) {
      prefix = prefix ? `${prefix}.${seg}` : seg
      if (m.arrayPaths.has(prefix)) return false
    }
    return true
  }

  /** Records the shape of a document about to be written (monotone: flags are never cleared). */
  noteShape(collection: string, doc: Record<string, unknown>): void {
    const m = this.mustMeta(collection)
    const walk = (obj: Record<string, unknown>, prefix: string): void => {
      for (const [key, v] of Object.entries(obj)) {
        if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof RegExp) continue
        const path = prefix ? `${prefix}.${key}` : key
        if (Array.isArray(v)) {
          if (!m.arrayPaths.has(path)) {
            m.arrayPaths.add(path)
            m.dirty = true
          }
        } else {
          if (!m.objectPaths.has(path)) {
            m.objectPaths.add(path)
            m.dirty = true
          }
          walk(v as Record<string, unknown>, path)
        }
      }
    }
    walk(doc, '')
    if (m.dirty) {
      this.sqlite
        .prepare('UPDATE _collections SET array_paths = ?, object_paths = ? WHERE name = ?')
        .run(JSON.stringify([...m.arrayPaths]), JSON.stringify([...m.objectPaths]), collection)
      m.dirty = false
    }
  }

  get(collection: string, k: string): StoredRow | undefined {
    return this.stmt(collection, 'get', (t) => `SELECT rowid, k, doc, ver FROM ${t} WHERE k = ?`).get(k) as StoredRow | undefined
  }

  insert(collection: string, k: string, doc: string): number {
    const ver = this.nextVersion()
    this.stmt(collection, 'insert', (t) => `INSERT INTO ${t} (k, doc, ver) VALUES (?, ?, ?)`).run(k, doc, ver)
    return ver
  }

  replace(collection: string, k: string, doc: string): number {
    const ver = this.nextVersion()
    this.stmt(collection, 'replace', (t) => `UPDATE ${t} SET doc = ?, ver = ? WHERE k = ?`).run(doc, ver, k)
    return ver
  }

  delete(collection: string, k: string): void {
    this.nextVersion()
    this.stmt(collection, 'delete', (t) => `DELETE FROM ${t} WHERE k = ?`).run(k)
  }

  /** Runs `fn` inside one SQLite transaction (all or nothing); a nested call joins the outer one. */
  atomically<T>(fn: () => T): T {
    // NOTE: better-sqlite3's db.transaction() builds a wrapper per call, which showed up in profiles.
    if (this.sqlite.inTransaction) return fn()
    this.prepared('BEGIN').run()
    try {
      const result = fn()
      this.prepared('COMMIT').run()
      if (this.writesSinceAnalyze >= ANALYZE_EVERY_WRITES) this.analyze()
      return result
    } catch (err) {
      if (this.sqlite.inTransaction) this.prepared('ROLLBACK').run()
      throw err
    }
  }

  private readonly stmts = new Map<string, Database.Statement>()

  /** Cached prepared statement per collection and purpose. */
  stmt(collection: string, purpose: string, sql: (table: string) => string): Database.Statement {
    const key = `${collection}\u0000${purpose}`
    let s = this.stmts.get(key)
    if (!s) {
      s = this.sqlite.prepare(sql(this.table(collection)))
      this.stmts.set(key, s)
    }
    return s
  }

  /** Prepared statement cache for generated queries (same SQL text, same statement). */
  prepared(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.sqlite.prepare(sql)
      if (this.stmts.size > 2000) this.stmts.clear()
      this.stmts.set(sql, s)
    }
    return s
  }

  private mustMeta(name: string): CollectionMeta {
    const m = this.meta.get(name)
    if (!m) throw new Error(`collection ${name} has no table`)
    return m
  }
}

const tableName = (collection: string): string => `c_${collection}`
const ANALYZE_EVERY_WRITES = 5000
