/**
 * Settings only the CloudBase runtime needs, read from the environment handed to `createCloudbaseRuntime`
 * (product settings come from `configFromEnv` in @aiphoto/runtime; nothing else reads the environment).
 * - TCB_ENV / SCF_NAMESPACE: the environment id, set by the platform (cloudPay's callback target).
 * - AIPHOTO_CLOUDPAY_SUB_MCH_ID: the merchant id bound to the environment; without it payments are unavailable.
 * - AIPHOTO_FUNCTION_NAME: this function's name (worker kick, payment callback); default 'gateway'.
 * - AIPHOTO_MINIPROGRAM_STATE: developer | trial | formal, the build a subscribe message opens.
 * - AIPHOTO_TCB_TIMEOUT_MS: per-request timeout of the database SDK (node-sdk's default is 15000).
 * - AIPHOTO_PAYMENT_PROVIDER: cloudpay (default) or wechatpay-v3 (a merchant without cloudPay: WeChat Pay API v3,
 *   notifications through the HTTP access service), which needs every AIPHOTO_WECHATPAY_* setting below.
 */
export interface CloudbaseSettings {
  envId: string | null
  cloudPaySubMchId: string | null
  functionName: string
  miniprogramState: 'developer' | 'trial' | 'formal' | undefined
  dbTimeoutMs: number | undefined
  paymentProvider: 'cloudpay' | 'wechatpay-v3'
  /** Present when paymentProvider is wechatpay-v3. */
  wechatPay: WechatPayV3Settings | null
}

/** WeChat Pay API v3 (docs/deploy.md §6): keys come from the merchant platform (商户平台 → API 安全). */
export interface WechatPayV3Settings {
  mchid: string
  appid: string
  /** Serial number of the merchant API certificate. */
  serialNo: string
  /** PEM of the merchant API private key (apiclient_key.pem); `\n` escapes are accepted. */
  privateKeyPem: string
  apiV3Key: string
  /** https URL of the HTTP access path that reaches the gateway, ending in /pay/notify/wechatpay. */
  notifyUrl: string
  /** WeChat Pay public key id (PUB_KEY_ID_…) or platform certificate serial, and its PEM. */
  platformSerial: string
  platformPublicKeyPem: string
}

const WECHATPAY_KEYS = {
  mchid: 'AIPHOTO_WECHATPAY_MCHID',
  appid: 'AIPHOTO_WECHATPAY_APPID',
  serialNo: 'AIPHOTO_WECHATPAY_SERIAL_NO',
  privateKeyPem: 'AIPHOTO_WECHATPAY_PRIVATE_KEY',
  apiV3Key: 'AIPHOTO_WECHATPAY_API_V3_KEY',
  notifyUrl: 'AIPHOTO_WECHATPAY_NOTIFY_URL',
  platformSerial: 'AIPHOTO_WECHATPAY_PLATFORM_SERIAL',
  platformPublicKeyPem: 'AIPHOTO_WECHATPAY_PLATFORM_PUBLIC_KEY',
} as const

function wechatPaySettings(env: Record<string, string | undefined>): WechatPayV3Settings {
  const missing = Object.values(WECHATPAY_KEYS).filter((k) => !env[k]?.trim())
  if (missing.length) throw new Error(`AIPHOTO_PAYMENT_PROVIDER=wechatpay-v3 needs ${missing.join(', ')}`)
  const v = Object.fromEntries(Object.entries(WECHATPAY_KEYS).map(([field, key]) => [field, env[key]!.trim().replace(/\\n/g, '\n')])) as unknown as WechatPayV3Settings
  if (!/^https:\/\/.+\/pay\/notify\/wechatpay$/.test(v.notifyUrl)) throw new Error('AIPHOTO_WECHATPAY_NOTIFY_URL must be an https URL ending in /pay/notify/wechatpay')
  if (Buffer.byteLength(v.apiV3Key, 'utf8') !== 32) throw new Error('AIPHOTO_WECHATPAY_API_V3_KEY must be 32 bytes')
  return v
}

const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/
const STATES = ['developer', 'trial', 'formal'] as const

export function cloudbaseSettingsFromEnv(env: Record<string, string | undefined>): CloudbaseSettings {
  const str = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v.trim() : null)
  const functionName = str(env.AIPHOTO_FUNCTION_NAME) ?? 'gateway'
  if (!FUNCTION_NAME.test(functionName)) throw new Error(`invalid AIPHOTO_FUNCTION_NAME: ${functionName}`)
  const state = str(env.AIPHOTO_MINIPROGRAM_STATE)
  if (state !== null && !(STATES as readonly string[]).includes(state)) throw new Error(`invalid AIPHOTO_MINIPROGRAM_STATE: ${state}`)
  const timeout = str(env.AIPHOTO_TCB_TIMEOUT_MS)
  const dbTimeoutMs = timeout === null ? undefined : Number(timeout)
  if (dbTimeoutMs !== undefined && (!Number.isSafeInteger(dbTimeoutMs) || dbTimeoutMs < 100)) {
    throw new Error(`invalid AIPHOTO_TCB_TIMEOUT_MS: ${timeout}`)
  }
  const provider = str(env.AIPHOTO_PAYMENT_PROVIDER) ?? 'cloudpay'
  if (provider !== 'cloudpay' && provider !== 'wechatpay-v3') throw new Error(`invalid AIPHOTO_PAYMENT_PROVIDER: ${provider}`)
  return {
    paymentProvider: provider,
    wechatPay: provider === 'wechatpay-v3' ? wechatPaySettings(env) : null,
    envId: str(env.TCB_ENV) ?? str(env.SCF_NAMESPACE),
    cloudPaySubMchId: str(env.AIPHOTO_CLOUDPAY_SUB_MCH_ID),
    functionName,
    miniprogramState: (state ?? undefined) as CloudbaseSettings['miniprogramState'],
    dbTimeoutMs,
  }
}
