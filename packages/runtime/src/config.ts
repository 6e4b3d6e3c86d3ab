/**
 * Product settings with their defaults, and the one place environment variables are read
 * (both runtimes pass `process.env` here; nothing else reads it).
 */
import type { RuntimeConfig } from './runtime'

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
 * AIPHOTO_TEMPLATE_TASK_DONE, AIPHOTO_TEMPLATE_TASK_FAILED.
 */
export function configFromEnv(
  env: Record<string, string | undefined>,
  base: { runtimeName: RuntimeConfig['runtimeName']; secretKey?: Buffer },
): RuntimeConfig {
  const secretKey = base.secretKey ?? (env.AIPHOTO_SECRET_KEY ? parseSecretKey(env.AIPHOTO_SECRET_KEY) : undefined)
  if (!secretKey) throw new Error('AIPHOTO_SECRET_KEY is not set')
  const templates: RuntimeConfig['templates'] = {}
  if (env.AIPHOTO_TEMPLATE_TASK_DONE) templates.taskDone = env.AIPHOTO_TEMPLATE_TASK_DONE
  if (env.AIPHOTO_TEMPLATE_TASK_FAILED) templates.taskFailed = env.AIPHOTO_TEMPLATE_TASK_FAILED
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
