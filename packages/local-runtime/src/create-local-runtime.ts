/**
 * Assembles the local runtime: the CloudBase database emulator on SQLite, disk storage with signed URLs,
 * the fake pay provider, the message outbox, the in-process worker loop and context identity.
 * Everything a laptop (or a test) needs to run the real gateway with no accounts or keys.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  configFromEnv,
  jsonLogger,
  randomIds,
  systemClock,
  type Clock,
  type ContentSafetyPort,
  type Ids,
  type Logger,
  type ProviderFactory,
  type Runtime,
  type RuntimeConfig,
  type SchedulerPort,
} from '@aiphoto/runtime'
import { createLocalDatabase, type LocalDatabase, type LocalDatabaseOptions } from './database'
import { createLocalPayPort } from './payment'
import { createDiskStorage, type DiskStorage } from './storage/disk-storage'
import { createOutboxMessages } from './messages/outbox'
import { contextIdentity } from './identity/context-identity'
import { createWordListSafety } from './content-safety/word-list'
import { createLocalMediaCheck, type LocalMediaCheck, type LocalVerdict } from './content-safety/media-check'
import { manualScheduler } from './scheduler/worker-loop'
import type { FaultInjector } from './faults'

export interface LocalRuntimeOptions {
  /** Directory for the database file, files and the per-data-dir secret; ':memory:' for a throwaway runtime. */
  dataDir: string
  /** Public base URL of the local cloud (signed file URLs, checkout page). */
  baseUrl?: string
  /** Base of signed storage URLs when files are served elsewhere than `baseUrl` (the test gateway's file server). */
  storageBaseUrl?: string
  env?: Record<string, string | undefined>
  clock?: Clock
  ids?: Ids
  logger?: Logger
  scheduler?: SchedulerPort
  contentSafety?: ContentSafetyPort
  providers: ProviderFactory
  /** Overrides on top of the environment-derived config (tests). */
  config?: Partial<RuntimeConfig>
  /** Database emulator options (provisioning uses a strict database without indexes). */
  database?: Pick<LocalDatabaseOptions, 'strict' | 'indexes'>
  /**
   * Fault injection (chaos suite, tests): the database, storage, image providers and payment provider fail as the
   * injector's plan says, for I/O made inside `faults.run(label, fn)`.
   */
  faults?: FaultInjector
}

export interface LocalRuntime extends Runtime {
  storage: DiskStorage
  payment: ReturnType<typeof createLocalPayPort>
  dataDir: string
  /** The asynchronous image check; whoever runs the gateway connects its pushes to `main`. */
  mediaCheck: LocalMediaCheck
  /** The emulator behind `db` (introspection for provisioning and benchmarks). */
  database: LocalDatabase
  close(): Promise<void>
}

/** The per-data-dir secret (dev tokens, signed URLs, encryption of API keys at rest), created on first run. */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key')
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  const key = randomBytes(32)
  writeFileSync(file, key.toString('hex'), { mode: 0o600 })
  return key
}

export function createLocalRuntime(opts: LocalRuntimeOptions): LocalRuntime {
  const memory = opts.dataDir === ':memory:'
  const dataDir = memory ? mkdtempSync(path.join(tmpdir(), 'aiphoto-')) : path.resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const env = opts.env ?? {}
  const clock = opts.clock ?? systemClock
  const ids = opts.ids ?? randomIds
  const logger = opts.logger ?? jsonLogger()
  const secretKey = env.AIPHOTO_SECRET_KEY ? undefined : memory ? randomBytes(32) : loadOrCreateSecret(dataDir)
  const config: RuntimeConfig = { ...configFromEnv(env, { runtimeName: 'local', ...(secretKey ? { secretKey } : {}) }), ...opts.config }
  const baseUrl = opts.baseUrl ?? 'http://127.0.0.1:8787'

  const database = createLocalDatabase({ file: memory ? ':memory:' : path.join(dataDir, 'cloudbase.sqlite'), clock, ...opts.database })
  const db = database.db
  const faults = opts.faults
  if (faults) database.setInterceptor(faults.dbInterceptor)
  const disk = createDiskStorage({ dir: path.join(dataDir, 'files'), baseUrl: opts.storageBaseUrl ?? baseUrl, signingKey: config.secretKey, clock })
  const storage = faults ? faults.wrapStorage(disk) : disk
  const localPay = createLocalPayPort({ db, checkoutBaseUrl: baseUrl, clock, ids })
  const payment = faults ? faults.wrapPayment(localPay) : localPay
  const mediaCheck = createLocalMediaCheck({ storage, clock, ids, logger, ...localModeration(env) })

  return {
    db,
    storage,
    payment,
    messages: createOutboxMessages({ db, clock, ids }),
    scheduler: opts.scheduler ?? manualScheduler,
    identity: contextIdentity,
    clock,
    ids,
    logger,
    contentSafety: opts.contentSafety ?? createWordListSafety(mediaCheck),
    mediaCheck,
    providers: faults ? faults.wrapProviders(opts.providers) : opts.providers,
    config,
    dataDir,
    database,
    async close() {
      database.close()
      if (memory) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** AIPHOTO_LOCAL_MODERATION (pass | risky | review | silent) and AIPHOTO_LOCAL_MODERATION_DELAY_MS ('manual' = flush only). */
function localModeration(env: Record<string, string | undefined>): { defaultVerdict: LocalVerdict; delayMs: number | null } {
  const verdict = (env.AIPHOTO_LOCAL_MODERATION ?? 'pass').trim() as LocalVerdict
  if (!['pass', 'risky', 'review', 'silent'].includes(verdict)) throw new Error(`invalid AIPHOTO_LOCAL_MODERATION: ${verdict}`)
  const delay = (env.AIPHOTO_LOCAL_MODERATION_DELAY_MS ?? '0').trim()
  if (delay === 'manual') return { defaultVerdict: verdict, delayMs: null }
  const delayMs = Number(delay)
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) throw new Error(`invalid AIPHOTO_LOCAL_MODERATION_DELAY_MS: ${delay}`)
  return { defaultVerdict: verdict, delayMs }
}
