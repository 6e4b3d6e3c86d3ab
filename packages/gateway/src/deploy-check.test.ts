/**
 * Deploy check: the folder `tcb fn deploy gateway` uploads, installed the way the cloud installs it (npm, the real
 * wx-server-sdk from the registry, nothing else), loaded with Node and invoked with the events the platform sends.
 * The cloud is unreachable here, so data calls fail: what is checked is that every answer still has the documented
 * shape (an envelope, or the payment callback reply) and that nothing crashes or hangs.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildGateway, FUNCTION_DIR } from './build'

const SECRET = 'c0ffee'.repeat(10) + 'c0ff'
let dir = ''

const EVENTS = {
  action: { $url: 'scene/getScenes' },
  userAction: { $url: 'user/getUserInfo' },
  unknown: { $url: 'nope/doesNotExist' },
  prototypeKey: { $url: 'constructor' },
  timer: { Type: 'Timer', TriggerName: 'queue', Time: '2025-03-01T02:00:00Z', Message: '' },
  payment: { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'x', totalFee: 1, transactionId: 't', subMchId: '1900000109', timeEnd: '20250301100000' },
  notAnObject: 'hello',
} as const

/** Invokes main once per event in a fresh Node process; returns the answers by event name. */
function invoke(env: Record<string, string>, names: Array<keyof typeof EVENTS>): { answers: Record<string, unknown>; stderr: string; ms: number } {
  const script = `
    const started = Date.now()
    const { main } = require('./index.js')
    const events = ${JSON.stringify(Object.fromEntries(names.map((n) => [n, EVENTS[n]])))}
    ;(async () => {
      const answers = {}
      for (const [name, event] of Object.entries(events)) {
        try { answers[name] = await main(event, { request_id: 'deploy-check-' + name }) }
        catch (err) { answers[name] = { threw: String(err && err.message || err) } }
      }
      answers.__sharpLoaded = Object.keys(require.cache).some((k) => k.includes('/node_modules/sharp/'))
      process.stdout.write('@@ANSWERS@@' + JSON.stringify(answers) + '\\n')
      process.exit(0)
    })()`
  const started = Date.now()
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 50_000,
    // Only what the platform would set: no inherited secrets, no HOME config.
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('@@ANSWERS@@'))
  if (!line) throw new Error(`no answers (status ${run.status}, signal ${run.signal}):\n${run.stdout}\n${run.stderr}`)
  return { answers: JSON.parse(line.slice('@@ANSWERS@@'.length)) as Record<string, unknown>, stderr: run.stderr, ms: Date.now() - started }
}

/** Dummy platform variables: TCB env and temporary credentials as SCF injects them, pointing nowhere reachable. */
const PLATFORM_ENV = {
  TCB_ENV: 'deploy-check-0a1b2c',
  SCF_NAMESPACE: 'deploy-check-0a1b2c',
  TENCENTCLOUD_SECRETID: 'AKIDdeploycheck',
  TENCENTCLOUD_SECRETKEY: 'deploycheck',
  TENCENTCLOUD_SESSIONTOKEN: 'deploycheck',
  AIPHOTO_TCB_TIMEOUT_MS: '3000',
}

function expectEnvelope(answer: unknown): void {
  const a = answer as Record<string, unknown>
  expect(a, JSON.stringify(a)).toBeTypeOf('object')
  if (a.success === true) {
    expect('data' in a).toBe(true)
  } else {
    expect(a.success).toBe(false)
    expect(a.code).toBeTypeOf('string')
    expect(a.message).toBeTypeOf('string')
    // INTERNAL never leaks an SDK message or a stack.
    expect(String(a.message)).not.toMatch(/Error|at |ENOTFOUND|tcb|secret/i)
  }
}

function expectCallbackReply(answer: unknown): void {
  const a = answer as Record<string, unknown>
  expect(Object.keys(a).sort(), JSON.stringify(a)).toEqual(['errcode', 'errmsg'])
  expect(a.errcode).toBeTypeOf('number')
  expect(a.errmsg).toBeTypeOf('string')
}

describe('deployable cloudfunctions/gateway', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-gateway-deploy-'))
    cpSync(FUNCTION_DIR, dir, { recursive: true, filter: (src) => !src.includes('node_modules') })
    // Test the artifact turbo built; build into the copy when there is none (a bare `vitest run`).
    if (!existsSync(path.join(dir, 'index.js')) || !existsSync(path.join(dir, 'providers.js'))) await buildGateway({ outfile: path.join(dir, 'index.js') })
    const install = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 280_000,
    })
    if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr || install.error}`)
  }, 300_000)

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ships only the bundle (index.js + providers.js), the manifest and the trigger config, and depends on wx-server-sdk and sharp alone', () => {
    expect(readdirSync(dir).filter((f) => f !== 'node_modules').sort()).toEqual(['config.json', 'index.js', 'package.json', 'providers.js'])
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> }
    expect(pkg.main).toBe('index.js')
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['sharp', 'wx-server-sdk'])
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { triggers: Array<{ type: string; config: string }> }
    expect(config.triggers).toEqual([{ name: 'queue', type: 'timer', config: '0 */1 * * * * *' }])
    // node-sdk comes from wx-server-sdk's own dependency tree, not from the bundle.
    expect(existsSync(path.join(dir, 'node_modules/wx-server-sdk/package.json'))).toBe(true)
    expect(readFileSync(path.join(dir, 'index.js'), 'utf8')).not.toMatch(/require\("(better-sqlite3|@cloudbase\/database)"\)/)
  })

  it('generates a marked image with the installed sharp through providers.js (the first generation of an instance)', () => {
    const script = `
      const sharp = require('sharp')
      const { createProviderFactory } = require('./providers.js')
      ;(async () => {
        const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#f4f4f4"/><path d="M150 150 L250 100 L350 100 L450 150 L500 300 L420 320 L420 700 L180 700 L180 320 L100 300 Z" fill="#2d6cdf"/></svg>'
        const garment = await sharp(Buffer.from(svg)).jpeg().toBuffer()
        const provider = createProviderFactory({})({ id: 'local', provider: 'local', api_name: 'compositor', endpoint: 'local:compositor', headers: {}, default_params: {} })
        const out = await provider.submit({ kind: 'photography', inputs: { garments: [garment] }, inputUrls: { garments: [] }, prompt: 'p', negativePrompt: '', count: 1, aspectRatio: '3:4', scene: { id: 's', name: 's', category: 'studio', parameters: { backdrop: 'white' } }, options: {} })
        const img = out.images[0].bytes
        const meta = await sharp(img).metadata()
        process.stdout.write('@@OUT@@' + JSON.stringify({ state: out.state, format: meta.format, height: meta.height, aigc: String(meta.exif).includes('AIGC') }) + '\\n')
      })().catch((e) => { process.stdout.write('@@OUT@@' + JSON.stringify({ error: String(e && e.message) }) + '\\n') })`
    const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 50_000, env: { PATH: process.env.PATH ?? '' } })
    const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('@@OUT@@'))
    expect(line, run.stderr).toBeDefined()
    expect(JSON.parse(line!.slice('@@OUT@@'.length))).toEqual({ state: 'succeeded', format: 'jpeg', height: 1024, aigc: true })
  }, 60_000)

  it('answers every platform event with an envelope or the callback reply, with the cloud unreachable', () => {
    const { answers, ms } = invoke({ ...PLATFORM_ENV, AIPHOTO_SECRET_KEY: SECRET }, ['action', 'unknown', 'prototypeKey', 'timer', 'payment', 'notAnObject'])
    for (const name of ['action', 'unknown', 'prototypeKey', 'timer', 'notAnObject']) expectEnvelope(answers[name])
    expect(answers.unknown).toMatchObject({ success: false, code: 'UNKNOWN_ACTION' })
    expect(answers.prototypeKey).toMatchObject({ success: false, code: 'UNKNOWN_ACTION' })
    expect(answers.notAnObject).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expectCallbackReply(answers.payment)
    expect(ms).toBeLessThan(50_000)
    // sharp (for the AI mark) loads with the first generation only, never on a cold start.
    expect(answers.__sharpLoaded).toBe(false)
  }, 60_000)

  it('takes the caller from the WeChat context the platform sets (getWXContext), not from the event', () => {
    const { answers } = invoke(
      { ...PLATFORM_ENV, AIPHOTO_SECRET_KEY: SECRET, WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: 'oDeployCheckUser0000000000000', WX_APPID: 'wx0000000000000000' },
      ['userAction', 'payment'],
    )
    expectEnvelope(answers.userAction)
    // A user cannot forge the payment callback through callFunction.
    expect(answers.payment).toEqual({ errcode: -1, errmsg: 'FORBIDDEN' })
  }, 60_000)

  it('answers INTERNAL (and asks for a callback retry) when AIPHOTO_SECRET_KEY is missing, without crashing', () => {
    const { answers } = invoke(PLATFORM_ENV, ['action', 'timer', 'payment'])
    expect(answers.action).toMatchObject({ success: false, code: 'INTERNAL' })
    expect(answers.timer).toMatchObject({ success: false, code: 'INTERNAL' })
    expectCallbackReply(answers.payment)
    expect((answers.payment as { errcode: number }).errcode).not.toBe(0)
  }, 60_000)
})
