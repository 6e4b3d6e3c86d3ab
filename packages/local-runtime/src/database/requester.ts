/**
 * The local `Db.reqClass`. `@cloudbase/database` builds every request and sends it with
 * `new Db.reqClass(db.config).send(action, params)`; the static is process-global, so each local database is
 * found through its `config` object. `@cloudbase/node-sdk` assigns `Db.reqClass` on every `app.database()`;
 * such assignments are kept as the fallback for configs that are not ours, so both can live in one process.
 */
import { Db } from '@cloudbase/database'
import { EngineError, LocalDbError } from './errors'
import type { Engine } from './engine'

const engines = new WeakMap<object, Engine>()
let fallback: (new (config: unknown) => unknown) | undefined
let installed = false

class LocalDatabaseRequester {
  private readonly engine!: Engine

  constructor(config: unknown) {
    const engine = config !== null && typeof config === 'object' ? engines.get(config) : undefined
    if (!engine) {
      if (fallback) return new fallback(config) as LocalDatabaseRequester
      throw new Error('Db.reqClass: this Db was not created by createLocalDatabase and no other requester is installed')
    }
    this.engine = engine
  }

  /** Same contract as node-sdk's requester: resolves the response, throws `{ code, message, requestId }` errors. */
  async send(action: string, params?: Record<string, unknown>): Promise<unknown> {
    const requestId = this.engine.newRequestId()
    try {
      return await this.engine.handle(action, params, requestId)
    } catch (err) {
      if (err instanceof EngineError) throw new LocalDbError({ code: err.code, message: err.message, requestId })
      throw err
    }
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

/** Creates a `Db` whose requests run on `engine`. */
export function createDbFor(engine: Engine, config: Record<string, unknown> = {}): Db {
  install()
  const cfg = { env: 'local', ...config }
  engines.set(cfg, engine)
  return new Db(cfg)
}
