/**
 * QA harness: the real gateway on an in-memory local runtime with a hand-driven clock.
 *
 * @example
 * const gw = await createTestGateway()
 * const alice = gw.as('openid-alice')
 * const res = await alice.call('user/register', {})      // the envelope, exactly what main returns
 * const user = await alice.ok('user/getUserInfo')         // data, or throws TestCallError with .code
 */
import type { ActionInput, ActionOutput, ActionUrl, Envelope, ErrorCode } from '@aiphoto/contract'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { contextFor, createLocalRuntime, isValidCloudPath, manualClock, verifyFileUrl, type FaultInjector, type LocalRuntime, type ManualClock } from '@aiphoto/local-runtime'
import { memoryLogger, type Caller, type ProviderFactory, type RuntimeConfig } from '@aiphoto/runtime'
import { createAppGateway } from '../index'
import type { GatewayMain } from '../gateway/create-gateway'

export class TestCallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code}: ${message}`)
    this.name = 'TestCallError'
  }
}

export interface TestClient {
  readonly caller: Caller
  /** The raw envelope. Extra keys in `input` are sent as-is (to test validation). */
  call<U extends ActionUrl>(url: U, input?: ActionInput<U> | Record<string, unknown>): Promise<Envelope<ActionOutput<U>>>
  /** The data, or throws TestCallError. */
  ok<U extends ActionUrl>(url: U, input?: ActionInput<U> | Record<string, unknown>): Promise<ActionOutput<U>>
}

export interface TestGateway {
  main: GatewayMain
  rt: LocalRuntime
  clock: ManualClock
  logs: string[]
  as(openid: string): TestClient
  system: TestClient
  anonymous: TestClient
  /**
   * Delivers the image-check verdicts waiting so far (the local mediaCheckAsync pushes them like the platform, as a
   * wxa_media_check event to `main`); tests decide when "later" is. Answers how many were delivered.
   */
  flushMediaChecks(): Promise<number>
  /** Sends a raw event with a caller (platform events, malformed events). */
  raw(event: unknown, caller?: Caller): Promise<unknown>
  close(): Promise<void>
}

export interface TestGatewayOptions {
  clock?: ManualClock
  config?: Partial<RuntimeConfig>
  env?: Record<string, string | undefined>
  providers?: ProviderFactory
  admins?: string[]
  /** Fault injection: faults apply to calls made inside `faults.run(label, () => client.call(...))`. */
  faults?: FaultInjector
  /**
   * When image-check verdicts (wxa_media_check pushes of the local checker) arrive: 'after-each-call' (default) right
   * after every gateway call returns — later, as on the platform, but before the test's next step; 'manual' only on
   * flushMediaChecks().
   */
  mediaChecks?: 'after-each-call' | 'manual'
}

export async function createTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const clock = opts.clock ?? manualClock()
  const logger = memoryLogger()
  // Signed storage URLs are served for real (like local-cloud's /files/), so fake remote providers download
  // the inputs they are handed, as the real services do.
  let served: LocalRuntime | null = null
  const files: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const cloudPath = decodeURIComponent(url.pathname.replace(/^\/files\//, ''))
      const rt = served
      if (!rt || !url.pathname.startsWith('/files/') || !isValidCloudPath(cloudPath) || !verifyFileUrl(rt.config.secretKey, cloudPath, url.searchParams.get('exp'), url.searchParams.get('sig'), rt.clock.now())) {
        res.writeHead(403).end()
        return
      }
      const bytes = await readFile(rt.storage.resolvePath(cloudPath)).catch(() => null)
      if (!bytes) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes)
    })()
  })
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  const rt = createLocalRuntime({
    storageBaseUrl: `http://127.0.0.1:${(files.address() as AddressInfo).port}`,
    dataDir: ':memory:',
    clock,
    logger,
    env: opts.env ?? {},
    providers: opts.providers ?? (() => null),
    config: { adminOpenids: opts.admins ?? ['openid-admin'], ...opts.config },
    ...(opts.faults ? { faults: opts.faults } : {}),
  })
  served = rt
  const gateway = createAppGateway(rt)
  // Verdicts are pushed by this harness (below) unless the environment asks for timed delivery.
  if (opts.env?.AIPHOTO_LOCAL_MODERATION_DELAY_MS === undefined) rt.mediaCheck.delayMs = null
  rt.mediaCheck.connect((event) => gateway(event, {}))
  const autoVerdicts = (opts.mediaChecks ?? 'after-each-call') === 'after-each-call'
  const main: GatewayMain = async (event, context) => {
    const answer = await gateway(event, context)
    if (autoVerdicts) await rt.mediaCheck.flush()
    return answer
  }

  const client = (caller: Caller): TestClient => {
    const context = caller.kind === 'anonymous' ? {} : contextFor(caller)
    const call = async (url: string, input: Record<string, unknown> = {}) => (await main({ ...input, $url: url }, context)) as Envelope<never>
    return {
      caller,
      call: call as TestClient['call'],
      ok: (async (url: string, input?: Record<string, unknown>) => {
        const res = await call(url, input)
        if (!res.success) throw new TestCallError(res.code, res.message, res.details)
        return res.data
      }) as TestClient['ok'],
    }
  }

  return {
    main,
    rt,
    clock,
    logs: logger.lines,
    as: (openid) => client({ kind: 'user', openid, source: 'test' }),
    system: client({ kind: 'system', source: 'test' }),
    anonymous: client({ kind: 'anonymous' }),
    flushMediaChecks: () => rt.mediaCheck.flush(),
    raw: (event, caller) => main(event, caller ? contextFor(caller) : {}),
    close: async () => {
      files.closeAllConnections()
      await new Promise<void>((resolve) => files.close(() => resolve()))
      await rt.close()
    },
  }
}
