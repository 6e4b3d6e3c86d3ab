/**
 * Starts the local cloud: runtime on the data dir, the real gateway, the HTTP server and the worker loop.
 * Exported for tests (port 0 = a free port) and used by `pnpm dev`.
 */
import type { AddressInfo } from 'node:net'
import { createAppGateway, seedDatabase } from '@aiphoto/server'
import { contextFor, createLocalRuntime, createWorkerLoop, type LocalRuntime } from '@aiphoto/local-runtime'
import { jsonLogger, type Clock, type Logger, type ProviderFactory } from '@aiphoto/runtime'
import { readEnv, type LocalCloudEnv } from './env'
import { createLocalCloudServer } from './server'
import { localProviders, localSeedOptions } from './providers'

export interface StartedLocalCloud {
  url: string
  port: number
  rt: LocalRuntime
  main: ReturnType<typeof createAppGateway>
  env: LocalCloudEnv
  /** Runs one worker pass now and waits for it (tests). */
  runWorker(): Promise<void>
  stop(): Promise<void>
}

export async function startLocalCloud(
  envVars: Record<string, string | undefined> = process.env,
  overrides: { clock?: Clock; logger?: Logger; providers?: ProviderFactory; worker?: boolean } = {},
): Promise<StartedLocalCloud> {
  const env = readEnv(envVars)
  const logger = overrides.logger ?? jsonLogger()
  const worker = createWorkerLoop({ intervalMs: env.workerIntervalMs, logger })
  let ready = false
  const rt = createLocalRuntime({
    dataDir: env.dataDir,
    baseUrl: env.publicUrl,
    env: envVars,
    logger,
    scheduler: worker,
    providers: overrides.providers ?? localProviders(env),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  })
  const main = createAppGateway(rt)
  // The local mediaCheckAsync pushes its verdicts to the gateway as the platform's message push would.
  rt.mediaCheck.connect((event) => main(event, {}))
  const server = createLocalCloudServer({ rt, main, h5Dir: env.h5Dir, isReady: () => ready })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(env.port, env.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  await seedDatabase(rt, localSeedOptions())
  const pass = () => main({ $url: 'queue/processTask' }, contextFor({ kind: 'system', source: 'internal' }))
  const stopWorker = overrides.worker === false ? async () => {} : worker.start(pass)
  ready = true
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    rt,
    main,
    env,
    runWorker: async () => void (await pass()),
    async stop() {
      await stopWorker()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
      await rt.close()
    },
  }
}
