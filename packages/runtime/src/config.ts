/**
 * Product settings with their defaults, and the one place environment variables are read
 * (both runtimes pass `process.env` here; nothing else reads it).
 */
import type { MessageField, RuntimeConfig, SubscribeTemplate } from './runtime'

export const PRODUCT_DEFAULTS = {
  pricing: { photographyPerImage: 20, fittingPerImage: 30, onModelPerImage: 30, packshotPerImage: 5, upscalePerImage: 10 },
  signupBonus: 100,
  inviteReward: { inviter: 50, invitee: 30 },
  rateLimit: { windowMs: 60_000, defaultMax: 120 },
} as const

function intFrom(value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value.trim() === '') return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`invalid integer setting: ${value}`)
  return n
}

/** Parses a 32-byte key given as 64 hex chars or base64. */
export function parseSecretKey(value: string): Buffer {
  const v = value.trim()
  const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64')
  if (buf.length !== 32) throw new Error('AIPHOTO_SECRET_KEY must be 32 bytes (64 hex chars or base64)')
  return buf
}

/**
 * Builds the config from environment variables:
 * AIPHOTO_ADMIN_OPENIDS (comma-separated), AIPHOTO_SECRET_KEY (required unless `secretKey` given),
 * AIPHOTO_PRICE_PHOTOGRAPHY (scene mode), AIPHOTO_PRICE_FITTING, AIPHOTO_PRICE_ON_MODEL, AIPHOTO_PRICE_PACKSHOT,
 * AIPHOTO_PRICE_UPSCALE, AIPHOTO_SIGNUP_BONUS,
 * AIPHOTO_TEMPLATE_TASK_DONE, AIPHOTO_TEMPLATE_TASK_FAILED (template ids) with
 * AIPHOTO_TEMPLATE_TASK_DONE_KEYS, AIPHOTO_TEMPLATE_TASK_FAILED_KEYS (`field:key,...`, see `parseTemplateKeys`).
 */
export function configFromEnv(
  env: Record<string, string | undefined>,
  base: { runtimeName: RuntimeConfig['runtimeName']; secretKey?: Buffer },
): RuntimeConfig {
  const secretKey = base.secretKey ?? (env.AIPHOTO_SECRET_KEY ? parseSecretKey(env.AIPHOTO_SECRET_KEY) : undefined)
  if (!secretKey) throw new Error('AIPHOTO_SECRET_KEY is not set')
  const templates: RuntimeConfig['templates'] = {}
  const done = templateFrom(env, 'AIPHOTO_TEMPLATE_TASK_DONE')
  if (done) templates.taskDone = done
  const failed = templateFrom(env, 'AIPHOTO_TEMPLATE_TASK_FAILED')
  if (failed) templates.taskFailed = failed
  return {
    runtimeName: base.runtimeName,
    adminOpenids: (env.AIPHOTO_ADMIN_OPENIDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    secretKey,
    logSalt: secretKey.subarray(0, 16).toString('hex'),
    templates,
    pricing: {
      photographyPerImage: intFrom(env.AIPHOTO_PRICE_PHOTOGRAPHY, PRODUCT_DEFAULTS.pricing.photographyPerImage, 1),
      fittingPerImage: intFrom(env.AIPHOTO_PRICE_FITTING, PRODUCT_DEFAULTS.pricing.fittingPerImage, 1),
      onModelPerImage: intFrom(env.AIPHOTO_PRICE_ON_MODEL, PRODUCT_DEFAULTS.pricing.onModelPerImage, 1),
      packshotPerImage: intFrom(env.AIPHOTO_PRICE_PACKSHOT, PRODUCT_DEFAULTS.pricing.packshotPerImage, 1),
      upscalePerImage: intFrom(env.AIPHOTO_PRICE_UPSCALE, PRODUCT_DEFAULTS.pricing.upscalePerImage, 1),
    },
    signupBonus: intFrom(env.AIPHOTO_SIGNUP_BONUS, PRODUCT_DEFAULTS.signupBonus),
    inviteReward: { ...PRODUCT_DEFAULTS.inviteReward },
    rateLimit: { ...PRODUCT_DEFAULTS.rateLimit },
  }
}

/**
 * Which key types may carry which field, by the value we put there. Limits from the subscribeMessage.send docs
 * (订阅消息参数值内容限制: thing ≤ 20 characters, phrase ≤ 5 Chinese characters only, time/date a date-time):
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 * - type: 服装摄影 / 虚拟试衣 (4 Chinese characters) → thing or phrase
 * - status: 生成完成 / 生成失败 → phrase or thing
 * - time: `yyyy-mm-dd hh:mm` → time or date
 * - note: free text such as 已退还20积分 (digits) → thing only
 */
const FIELD_KEY_TYPES: Record<MessageField, readonly string[]> = {
  type: ['thing', 'phrase'],
  status: ['phrase', 'thing'],
  time: ['time', 'date'],
  note: ['thing'],
}
/** A template data key: its type followed by its number (`thing1`, `character_string12`). */
const TEMPLATE_KEY = /^([a-z_]+?)(\d+)$/
/** Template ids as the console shows them (43 characters of [A-Za-z0-9_-]). */
const TEMPLATE_ID = /^[A-Za-z0-9_-]{1,64}$/

/** `type:thing1,status:phrase2,time:time3,note:thing4` → keys; throws on an unknown field or a key type that cannot hold it. */
export function parseTemplateKeys(value: string, name = 'template keys'): SubscribeTemplate['keys'] {
  const keys: SubscribeTemplate['keys'] = {}
  const used = new Set<string>()
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [field, key, extra] = part.split(':').map((s) => s.trim())
    if (!field || !key || extra !== undefined || !(field in FIELD_KEY_TYPES)) throw new Error(`${name}: "${part}" is not field:key with field one of ${Object.keys(FIELD_KEY_TYPES).join(', ')}`)
    const m = TEMPLATE_KEY.exec(key)
    if (!m || !FIELD_KEY_TYPES[field as MessageField].includes(m[1]!)) {
      throw new Error(`${name}: field ${field} needs a ${FIELD_KEY_TYPES[field as MessageField].join(' or ')} key, not "${key}"`)
    }
    if (keys[field as MessageField] !== undefined || used.has(key)) throw new Error(`${name}: "${part}" repeats a field or a key`)
    keys[field as MessageField] = key
    used.add(key)
  }
  if (Object.keys(keys).length === 0) throw new Error(`${name} is empty`)
  return keys
}

function templateFrom(env: Record<string, string | undefined>, name: string): SubscribeTemplate | undefined {
  const id = env[name]?.trim()
  const keysValue = env[`${name}_KEYS`]?.trim()
  if (!id) {
    if (keysValue) throw new Error(`${name}_KEYS is set but ${name} is not`)
    return undefined
  }
  if (!TEMPLATE_ID.test(id)) throw new Error(`${name} is not a template id`)
  // NOTE: a template's keys differ per template; guessing them makes every send fail with 47003.
  if (!keysValue) throw new Error(`${name}_KEYS is required with ${name} (e.g. type:thing1,status:phrase2,time:time3,note:thing4)`)
  return { id, keys: parseTemplateKeys(keysValue, `${name}_KEYS`) }
}
