/**
 * The mini-program's deployment settings, in one place: TARO_APP_* variables from the shell or from
 * apps/miniapp/.env.production (Taro loads .env, .env.<mode> into process.env; see .env.example and
 * docs/deploy.md §1). A release build of the mini-program refuses to run without them, so a package can never
 * call wx.cloud.init without an env. Subscribe-message template ids are not among them: they are the server's
 * configuration (AIPHOTO_TEMPLATE_TASK_*, docs/deploy.md §5), handed to the app by photography/getPricing.
 */
export const MINIAPP_ENV_KEYS = ['TARO_APP_ID', 'TARO_APP_CLOUD_ENV'] as const
/** Inlined into the bundle (the app id is not: it only goes into project.config.json). */
export const INLINED_ENV_KEYS = ['TARO_APP_API_BASE', 'TARO_APP_CLOUD_ENV'] as const

const RULES: Record<(typeof MINIAPP_ENV_KEYS)[number], { pattern: RegExp; what: string }> = {
  // 微信公众平台 → 开发管理 → 开发设置 → AppID(小程序ID)
  TARO_APP_ID: { pattern: /^wx[0-9a-f]{16}$/, what: 'the mini-program AppID (wx + 16 hex digits)' },
  // CloudBase env ids are lower-case letters, digits and dashes (e.g. prod-4g1a2b3c4d5e6f7a).
  TARO_APP_CLOUD_ENV: { pattern: /^[a-z0-9][a-z0-9-]{2,62}$/, what: 'the CloudBase environment id' },
}

/** Problems with the settings of a release build; [] when it may go ahead. */
export function releaseEnvProblems(env: Record<string, string | undefined>): string[] {
  return MINIAPP_ENV_KEYS.flatMap((key) => {
    const value = env[key]?.trim()
    if (!value) return [`${key} is not set (${RULES[key].what})`]
    if (!RULES[key].pattern.test(value)) return [`${key}=${JSON.stringify(value)} does not look like ${RULES[key].what}`]
    return []
  })
}

/** A weapp production build (`taro build --type weapp`) is a release; watch/dev builds and H5 are not. */
export function isWeappRelease(env: Record<string, string | undefined>): boolean {
  return env.TARO_ENV === 'weapp' && env.NODE_ENV === 'production'
}
