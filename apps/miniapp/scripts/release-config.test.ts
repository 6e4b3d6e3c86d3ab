/**
 * The release build refuses to run without its deployment settings (config/app-env.ts), through the real Taro
 * config function the CLI calls, so `taro build --type weapp` can never produce a package without an AppID or a
 * cloud env.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { releaseEnvProblems } from '../config/app-env'

const saved = { ...process.env }
afterEach(() => {
  for (const k of ['TARO_ENV', 'NODE_ENV', 'TARO_APP_ID', 'TARO_APP_CLOUD_ENV']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
})

async function runConfig(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const { default: config } = await import('../config/index')
  const merge = (...parts: object[]) => Object.assign({}, ...parts)
  return (config as unknown as (m: typeof merge) => Promise<Record<string, unknown>>)(merge)
}

describe('release build settings', () => {
  it('a weapp production build without TARO_APP_ID and TARO_APP_CLOUD_ENV refuses to run and says what is missing', async () => {
    await expect(runConfig({ TARO_ENV: 'weapp', NODE_ENV: 'production', TARO_APP_ID: undefined, TARO_APP_CLOUD_ENV: undefined })).rejects.toThrow(
      /TARO_APP_ID is not set[\s\S]*TARO_APP_CLOUD_ENV is not set/,
    )
  })

  it('refuses malformed values (an AppID is wx + 16 hex digits)', () => {
    expect(releaseEnvProblems({ TARO_APP_ID: 'touristappid', TARO_APP_CLOUD_ENV: 'prod-4g1a2b3c' })).toEqual([
      'TARO_APP_ID="touristappid" does not look like the mini-program AppID (wx + 16 hex digits)',
    ])
  })

  it('builds with both set, and H5 or dev builds need neither', async () => {
    await expect(runConfig({ TARO_ENV: 'weapp', NODE_ENV: 'production', TARO_APP_ID: 'wx0123456789abcdef', TARO_APP_CLOUD_ENV: 'prod-4g1a2b3c' })).resolves.toMatchObject({ framework: 'react' })
    await expect(runConfig({ TARO_ENV: 'h5', NODE_ENV: 'production', TARO_APP_ID: undefined, TARO_APP_CLOUD_ENV: undefined })).resolves.toMatchObject({ framework: 'react' })
    await expect(runConfig({ TARO_ENV: 'weapp', NODE_ENV: 'development', TARO_APP_ID: undefined, TARO_APP_CLOUD_ENV: undefined })).resolves.toMatchObject({ framework: 'react' })
  })
})
