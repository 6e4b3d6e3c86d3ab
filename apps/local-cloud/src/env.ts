/** The local cloud's settings: the one place it reads its environment. */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface LocalCloudEnv {
  port: number
  host: string
  dataDir: string
  publicUrl: string
  h5Dir: string
  workerIntervalMs: number
  providerDelayMs: number
  providerFailRate: number
}

export function readEnv(env: Record<string, string | undefined>): LocalCloudEnv {
  const port = Number(env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid PORT: ${env.PORT}`)
  const failRate = Number(env.AIPHOTO_LOCAL_PROVIDER_FAIL ?? 0)
  if (!(failRate >= 0 && failRate <= 1)) throw new Error('AIPHOTO_LOCAL_PROVIDER_FAIL must be within 0..1')
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    // pnpm runs the script inside apps/local-cloud; relative paths mean the folder the command was typed in.
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.AIPHOTO_DATA_DIR ?? '.data'),
    publicUrl: (env.AIPHOTO_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    h5Dir: path.resolve(env.AIPHOTO_H5_DIR ?? path.join(repoRoot, 'apps/miniapp/dist/h5')),
    workerIntervalMs: Number(env.AIPHOTO_WORKER_INTERVAL_MS ?? 2000),
    providerDelayMs: Number(env.AIPHOTO_LOCAL_PROVIDER_DELAY_MS ?? 0),
    providerFailRate: failRate,
  }
}
