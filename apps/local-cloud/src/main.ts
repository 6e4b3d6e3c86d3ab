/** `pnpm dev` entry: the local cloud on PORT (default 8787) with data under AIPHOTO_DATA_DIR (default ./.data). */
import { startLocalCloud } from './start'

const cloud = await startLocalCloud(process.env)
const h5 = cloud.env.h5Dir
process.stdout.write(
  [
    '',
    `  AI摄影师 local cloud is running`,
    `  H5 preview:  http://localhost:${cloud.port}/`,
    `  Gateway API: POST http://localhost:${cloud.port}/api/gateway`,
    `  Data dir:    ${cloud.env.dataDir}`,
    `  H5 build:    ${h5}`,
    '',
  ].join('\n') + '\n',
)
const shutdown = async () => {
  await cloud.stop()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
