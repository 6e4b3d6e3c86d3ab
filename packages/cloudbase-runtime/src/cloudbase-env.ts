/**
 * Settings only the CloudBase runtime needs, read from the environment handed to `createCloudbaseRuntime`
 * (product settings come from `configFromEnv` in @aiphoto/runtime; nothing else reads the environment).
 * - TCB_ENV / SCF_NAMESPACE: the environment id, set by the platform (cloudPay's callback target).
 * - AIPHOTO_CLOUDPAY_SUB_MCH_ID: the merchant id bound to the environment; without it payments are unavailable.
 * - AIPHOTO_FUNCTION_NAME: this function's name (worker kick, payment callback); default 'gateway'.
 * - AIPHOTO_MINIPROGRAM_STATE: developer | trial | formal, the build a subscribe message opens.
 * - AIPHOTO_TCB_TIMEOUT_MS: per-request timeout of the database SDK (node-sdk's default is 15000).
 */
export interface CloudbaseSettings {
  envId: string | null
  cloudPaySubMchId: string | null
  functionName: string
  miniprogramState: 'developer' | 'trial' | 'formal' | undefined
  dbTimeoutMs: number | undefined
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
  return {
    envId: str(env.TCB_ENV) ?? str(env.SCF_NAMESPACE),
    cloudPaySubMchId: str(env.AIPHOTO_CLOUDPAY_SUB_MCH_ID),
    functionName,
    miniprogramState: (state ?? undefined) as CloudbaseSettings['miniprogramState'],
    dbTimeoutMs,
  }
}
