/**
 * Assembles the CloudBase runtime: node-sdk database, cloud storage, subscribe messages, the self-invoking worker
 * kick, WeChat context identity, WeChat content safety and cloudPay. `cloud` (the wx-server-sdk module, already
 * `init`ed) is injected by the gateway entry; nothing here imports an SDK, so tests run with a fake cloud.
 */
import {
  configFromEnv,
  jsonLogger,
  PaymentError,
  randomIds,
  systemClock,
  type Clock,
  type Database,
  type Ids,
  type Logger,
  type PaymentPort,
  type ProviderFactory,
  type Runtime,
  type RuntimeConfig,
} from '@aiphoto/runtime'
import { cloudbaseSettingsFromEnv, type CloudbaseSettings } from './cloudbase-env'
import { createCloudContentSafety } from './content-safety'
import { createCloudbaseDatabase, loadNodeSdk, type NodeSdkModule } from './database'
import { createWxContextIdentity } from './identity'
import { createCloudMessages } from './messages'
import { createCloudPayPort, type CloudPayApi } from './payment'
import { createCloudScheduler } from './scheduler'
import { createCloudStorage } from './storage'
import { createWechatPayV3Port } from '@aiphoto/wechatpay'
import type { WxCloud } from './wx-cloud'

export interface CloudbaseRuntimeOptions {
  /** The wx-server-sdk module, after `cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })`. */
  cloud: WxCloud
  /** `process.env` (or a copy): product settings via `configFromEnv`, CloudBase settings via `cloudbaseSettingsFromEnv`. */
  env: Record<string, string | undefined>
  providers: ProviderFactory
  logger?: Logger
  /** `@cloudbase/node-sdk`; default: the copy wx-server-sdk depends on (see `loadNodeSdk`). */
  tcb?: NodeSdkModule
  /** A ready database instead of node-sdk's (tests). */
  db?: Database
  clock?: Clock
  ids?: Ids
  /** HEAD requests for `storage.stat` (and WeChat Pay v3 requests). */
  fetch?: typeof fetch
  /** WeChat Pay v3 API origin (tests point it at the fake server). */
  wechatPayBaseUrl?: string
  /** Overrides on top of the environment-derived config (tests). */
  config?: Partial<RuntimeConfig>
}

export interface CloudbaseRuntime extends Runtime {
  settings: CloudbaseSettings
}

/** A payment port for an environment without a cloudPay merchant: every call fails as UNAVAILABLE. */
function unconfiguredPayment(reason: string): PaymentPort {
  const fail = async (): Promise<never> => {
    throw new PaymentError('UNAVAILABLE', 'cloudpay', reason)
  }
  return { provider: 'cloudpay', createPayment: fail, queryOrder: fail, closeOrder: fail }
}

/**
 * Builds every port. Throws when the configuration is unusable (e.g. AIPHOTO_SECRET_KEY missing).
 * @example createCloudbaseRuntime({ cloud, env: process.env, providers: createProvider })
 */
export function createCloudbaseRuntime(opts: CloudbaseRuntimeOptions): CloudbaseRuntime {
  const { cloud, env } = opts
  const config: RuntimeConfig = { ...configFromEnv(env, { runtimeName: 'cloudbase' }), ...opts.config }
  const settings = cloudbaseSettingsFromEnv(env)
  const logger = opts.logger ?? jsonLogger()
  const clock = opts.clock ?? systemClock
  const ids = opts.ids ?? randomIds

  const db =
    opts.db ?? createCloudbaseDatabase(opts.tcb ?? loadNodeSdk(), settings.dbTimeoutMs === undefined ? {} : { timeoutMs: settings.dbTimeoutMs })
  const storage = createCloudStorage({ cloud, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) })

  let payment: PaymentPort
  if (settings.wechatPay) {
    const v3 = settings.wechatPay
    payment = createWechatPayV3Port({
      mchid: v3.mchid,
      appid: v3.appid,
      serialNo: v3.serialNo,
      privateKeyPem: v3.privateKeyPem,
      apiV3Key: v3.apiV3Key,
      notifyUrl: v3.notifyUrl,
      platformCertificates: new Map([[v3.platformSerial, v3.platformPublicKeyPem]]),
      clock,
      ...(opts.wechatPayBaseUrl ? { baseUrl: opts.wechatPayBaseUrl } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
  } else if (!settings.cloudPaySubMchId) payment = unconfiguredPayment('cloudPay is not configured (AIPHOTO_CLOUDPAY_SUB_MCH_ID)')
  else if (!settings.envId) payment = unconfiguredPayment('cloud environment id unknown (TCB_ENV)')
  else {
    payment = createCloudPayPort({
      cloudPay: cloud.cloudPay as CloudPayApi,
      subMchId: settings.cloudPaySubMchId,
      envId: settings.envId,
      functionName: settings.functionName,
    })
  }

  return {
    db,
    storage,
    payment,
    messages: createCloudMessages({ cloud, ...(settings.miniprogramState ? { miniprogramState: settings.miniprogramState } : {}) }),
    scheduler: createCloudScheduler({ cloud, secretKey: config.secretKey, clock, logger, functionName: settings.functionName }),
    identity: createWxContextIdentity(cloud),
    clock,
    ids,
    logger,
    contentSafety: createCloudContentSafety({ cloud, storage, logger }),
    providers: opts.providers,
    config,
    settings,
  }
}
