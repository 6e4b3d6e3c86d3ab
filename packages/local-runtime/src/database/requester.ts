/**
 * The local `Db.reqClass`. `@cloudbase/database` builds every request and sends it with
 * `new Db.reqClass(db.config).send(action, params)`; the static is process-global, so each local database is
 * found through its `config` object. `@cloudbase/node-sdk` assigns `Db.reqClass` on every `app.database()`;
 * such assignments are kept as the fallback for configs that are not ours, so both can live in one process.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { Db } from '@cloudbase/database'
import { DB_ERROR, EngineError, LocalDbError } from './errors'
import type { Engine } from './engine'

/**
 * Sees every request a local `Db` sends before the engine does (fault injection, cost metering). `next` runs
 * the request on the engine; an interceptor may delay it, skip it and throw, or run it and throw anyway.
 */
export type RequestInterceptor = (
  action: string,
  params: Record<string, unknown> | undefined,
  next: () => Promise<unknown>,
  /** Sends another request straight to the engine (e.g. the abort the platform does for a dead caller). */
  direct: (action: string, params?: Record<string, unknown>) => Promise<unknown>,
) => Promise<unknown>

interface Wiring {
  engine: Engine
  intercept: RequestInterceptor | null
}

const engines = new WeakMap<object, Wiring>()

/**
 * The transaction whose `runTransaction` callback is running (per async context). `@cloudbase/database` 1.4.3
 * sends `where().update()`, `where().remove()` and `count()` without the transaction id even on a transaction's
 * collection (`query.js` `update`/`remove`, `collection.js` `count`), so CloudBase runs them outside the
 * transaction: not rolled back, not isolated. Nothing in the request shows that mistake, so the emulator refuses
 * every non-transactional write or count sent from inside a callback (stricter than CloudBase, which accepts it).
 */
const insideTransaction = new AsyncLocalStorage<Wiring>()

/** Requests that change data or count: refused without a transaction id while a callback of the same database runs. */
const OUTSIDE_TRANSACTION_REFUSED = new Set([
  'database.insertDocument',
  'database.modifyDocument',
  'database.modifyAndReturnDoc',
  'database.removeDocument',
  'database.calculateDocument',
])
let fallback: (new (config: unknown) => unknown) | undefined
let installed = false

class LocalDatabaseRequester {
  private readonly wiring!: Wiring

  constructor(config: unknown) {
    const wiring = config !== null && typeof config === 'object' ? engines.get(config) : undefined
    if (!wiring) {
      if (fallback) return new fallback(config) as LocalDatabaseRequester
      throw new Error('Db.reqClass: this Db was not created by createLocalDatabase and no other requester is installed')
    }
    this.wiring = wiring
  }

  /** Same contract as node-sdk's requester: resolves the response, throws `{ code, message, requestId }` errors. */
  async send(action: string, params?: Record<string, unknown>): Promise<unknown> {
    const { engine, intercept } = this.wiring
    if (insideTransaction.getStore() === this.wiring && params?.transactionId === undefined && OUTSIDE_TRANSACTION_REFUSED.has(action)) {
      throw new LocalDbError({
        code: DB_ERROR.INVALID_PARAM,
        message:
          `${action} without a transaction id inside a runTransaction callback would run outside the transaction ` +
          '(where().update/remove and count() never carry it): use tx.collection(name).doc(id) and add() only',
        requestId: engine.newRequestId(),
      })
    }
    const exec = async (a: string, p?: Record<string, unknown>) => {
      const requestId = engine.newRequestId()
      try {
        return await engine.handle(a, p, requestId)
      } catch (err) {
        if (err instanceof EngineError) throw new LocalDbError({ code: err.code, message: err.message, requestId })
        throw err
      }
    }
    return intercept ? intercept(action, params, () => exec(action, params), exec) : exec(action, params)
  }
}

function install(): void {
  if (installed) return
  const current = (Db as unknown as { reqClass?: new (config: unknown) => unknown }).reqClass
  if (current && current !== LocalDatabaseRequester) fallback = current
  Object.defineProperty(Db, 'reqClass', {
    configurable: true,
    enumerable: true,
    get: () => LocalDatabaseRequester,
    set: (v: new (config: unknown) => unknown) => {
      if (v !== LocalDatabaseRequester) fallback = v
    },
  })
  installed = true
}

/** Creates a `Db` whose requests run on `engine`; `setInterceptor` puts a hook in front of the engine (or removes it). */
export function createDbFor(engine: Engine, config: Record<string, unknown> = {}): { db: Db; setInterceptor(fn: RequestInterceptor | null): void } {
  install()
  const cfg = { env: 'local', ...config }
  const wiring: Wiring = { engine, intercept: null }
  engines.set(cfg, wiring)
  const db = new Db(cfg)
  // `runTransaction` is an instance property (Db's constructor assigns it); wrapping it marks the callback's async
  // context, which the guard in `send` reads. Retries re-enter through the same wrapped callback.
  const run = (db as unknown as { runTransaction: (cb: (t: unknown) => unknown, times?: number) => Promise<unknown> }).runTransaction
  Object.assign(db, {
    runTransaction: (cb: (t: unknown) => unknown, times?: number) =>
      run.call(db, (t: unknown) => insideTransaction.run(wiring, () => cb(t)), times),
  })
  return { db, setInterceptor: (fn) => void (wiring.intercept = fn) }
}
