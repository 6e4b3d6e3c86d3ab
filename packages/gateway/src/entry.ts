/**
 * The cloud function entry: `exports.main` of cloudfunctions/gateway, bundled by src/build.ts.
 * wx-server-sdk (and the @cloudbase/node-sdk it depends on) stay external and come from the function's
 * node_modules; the runtime is created on the first invocation, so a configuration error becomes an
 * INTERNAL answer (see guard.ts) instead of a function that cannot load.
 */
import { createCloudbaseRuntime, loadNodeSdk, type WxCloud } from '@aiphoto/cloudbase-runtime'
import { jsonLogger } from '@aiphoto/runtime'
import { createAppGateway } from '@aiphoto/server'
import { cloudProviders } from './cloud-providers'
import { guardMain } from './guard'

// NOTE: a plain require keeps the live wx-server-sdk object (an ESM namespace copy would miss what init adds).
const cloud = require('wx-server-sdk') as WxCloud & { init(config: { env: unknown }): void; DYNAMIC_CURRENT_ENV: symbol }
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

const logger = jsonLogger()

// NOTE: node-sdk 3.17.2 starts a credentials check without awaiting it; when it rejects the process would die with
// an unhandled rejection. Log it instead: the awaited request fails on its own and is answered by the gateway.
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled_rejection', { error: String((reason as Error)?.message ?? reason).slice(0, 300) })
})

export const main = guardMain(
  createAppGateway(() =>
    createCloudbaseRuntime({ cloud, env: process.env, providers: cloudProviders, logger, tcb: loadNodeSdk(require) }),
  ),
  logger,
)
