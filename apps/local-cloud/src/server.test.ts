import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalCloud, type StartedLocalCloud } from './start'
import { issueDevToken } from './dev-token'
import { memoryLogger } from '@aiphoto/runtime'

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')

let cloud: StartedLocalCloud
let dir: string
const logger = memoryLogger()

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aiphoto-http-'))
  const h5 = path.join(dir, 'h5')
  mkdirSync(path.join(h5, 'js'), { recursive: true })
  writeFileSync(path.join(h5, 'index.html'), '<!doctype html><title>AI摄影师</title>')
  writeFileSync(path.join(h5, 'js', 'app.js'), 'console.log(1)')
  cloud = await startLocalCloud({ PORT: '0', HOST: '127.0.0.1', AIPHOTO_DATA_DIR: path.join(dir, 'data'), AIPHOTO_H5_DIR: h5 }, { worker: false, logger })
})
afterAll(async () => {
  await cloud?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const post = (p: string, body: string | object, headers: Record<string, string> = {}) =>
  fetch(cloud.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })

async function login(openid?: string, nickname?: string) {
  const res = await post('/api/dev/login', { ...(openid ? { openid } : {}), ...(nickname ? { nickname } : {}) })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { success: true; data: { token: string; openid: string } }
  return body.data
}

const gateway = (token: string | null, body: object | string) => post('/api/gateway', body, token ? { authorization: `Bearer ${token}` } : {})

describe('local cloud HTTP API', () => {
  it('GET /api/health answers ok once ready', async () => {
    const res = await fetch(cloud.url + '/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('dev login issues a token for a given or a new random openid', async () => {
    const a = await login('qa_alice', '测试爱丽丝')
    expect(a.openid).toBe('qa_alice')
    const b = await login()
    expect(b.openid).toMatch(/^dev_[A-Za-z0-9_-]+$/)
    expect(b.openid).not.toBe(a.openid)
    const me = await (await gateway(a.token, { $url: 'user/getUserInfo' })).json()
    expect(me).toMatchObject({ success: true, data: { openid: 'qa_alice', nickname: '测试爱丽丝' } })
    for (const bad of [{ openid: '../x' }, { openid: { $ne: null } }, { nickname: 5 }, { admin: true }]) {
      const res = await post('/api/dev/login', bad)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
  })

  it('POST /api/gateway returns exactly the envelope main returns', async () => {
    const { token } = await login('qa_bob')
    const reg = await gateway(token, { $url: 'user/register' })
    expect(reg.status).toBe(200)
    expect(await reg.json()).toMatchObject({ success: true, data: { created: true, user: { openid: 'qa_bob' } } })
    // The body cannot choose the identity.
    expect(await (await gateway(token, { $url: 'user/getUserInfo', openid: 'qa_alice' })).json()).toMatchObject({ data: { openid: 'qa_bob' } })
    expect(await (await gateway(null, { $url: 'user/getUserInfo' })).json()).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    expect(await (await gateway(token, { $url: 'constructor' })).json()).toMatchObject({ success: false, code: 'UNKNOWN_ACTION' })
  })

  it('forged, tampered and expired tokens are UNAUTHENTICATED', async () => {
    const { token } = await login('qa_carol')
    const [payload, sig] = token.split('.')
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'qa_alice', exp: Date.now() + 1e9 })).toString('base64url')
    const expired = issueDevToken(cloud.rt.config.secretKey, 'qa_carol', new Date(Date.now() - 8 * 24 * 3600 * 1000))
    for (const bad of [`${forgedPayload}.${sig}`, `${payload}.${sig}x`, 'garbage', `${payload}.${sig}.x`, expired, issueDevToken(Buffer.alloc(32, 7), 'qa_alice', new Date())]) {
      const res = await gateway(bad, { $url: 'user/getUserInfo' })
      expect(await res.json(), bad).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    }
  })

  it('malformed JSON is a 400 VALIDATION_FAILED envelope, never a 5xx', async () => {
    const { token } = await login('qa_dave')
    for (const body of ['{"$url": "user/register"', 'null', '[1,2]', '"str"', '\u0000\u0001']) {
      const res = await gateway(token, body)
      expect(res.status, body).toBe(400)
      expect(await res.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    }
    const huge = await gateway(token, JSON.stringify({ $url: 'user/register', nickname: 'x'.repeat(400_000) }))
    expect(huge.status).toBe(413)
  })

  describe('uploads and signed file URLs', () => {
    const upload = (token: string | null, cloudPath: string, body: Buffer) =>
      fetch(`${cloud.url}/api/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, { method: 'PUT', headers: token ? { authorization: `Bearer ${token}` } : {}, body })

    it('stores an image in the caller\'s folder and serves it only through a signed URL', async () => {
      const { token, openid } = await login('qa_erin')
      const res = await upload(token, `users/${openid}/uploads/a.png`, PNG)
      expect(res.status).toBe(200)
      const { data } = (await res.json()) as { data: { file_id: string } }
      expect(data.file_id).toBe(`local://users/${openid}/uploads/a.png`)
      const url = (await cloud.rt.storage.getTempUrls([data.file_id], 60))[0]?.url
      const got = await fetch(url!.replace(/^https?:\/\/[^/]+/, cloud.url))
      expect(got.status).toBe(200)
      expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true)
      expect((await fetch(`${cloud.url}/files/users/${openid}/uploads/a.png`)).status).toBe(403)
      const tampered = url!.replace(/^https?:\/\/[^/]+/, cloud.url).replace('a.png', 'b.png')
      expect((await fetch(tampered)).status).toBe(403)
    })

    it('refuses paths outside the caller\'s folder, traversal, oversize and non-images', async () => {
      const { token, openid } = await login('qa_frank')
      expect((await upload(token, 'users/qa_erin/uploads/evil.png', PNG)).status).toBe(403)
      expect((await upload(token, `users/${openid}/../qa_erin/x.png`, PNG)).status).toBe(400)
      expect((await upload(token, 'scenes/x.png', PNG)).status).toBe(403)
      expect((await upload(null, `users/${openid}/a.png`, PNG)).status).toBe(401)
      expect((await upload('forged.token', `users/${openid}/a.png`, PNG)).status).toBe(401)
      const big = await upload(token, `users/${openid}/big.png`, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]))
      expect(big.status).toBe(413)
      expect(await big.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
      const text = await upload(token, `users/${openid}/a.png`, Buffer.from('<script>alert(1)</script>'))
      expect(text.status).toBe(415)
      expect(await cloud.rt.storage.stat(`local://users/${openid}/big.png`)).toBeNull()
      expect(await cloud.rt.storage.stat('local://users/qa_erin/uploads/evil.png')).toBeNull()
    })
  })

  it('serves the H5 build with a single-page fallback and no traversal', async () => {
    const index = await fetch(cloud.url + '/')
    expect(index.status).toBe(200)
    expect(await index.text()).toContain('AI摄影师')
    expect(await (await fetch(cloud.url + '/pages/works/index')).text()).toContain('AI摄影师')
    expect((await fetch(cloud.url + '/js/app.js')).headers.get('content-type')).toContain('javascript')
    const traversal = await fetch(cloud.url + '/%2e%2e/%2e%2e/package.json')
    expect(await traversal.text()).not.toContain('"name"')
    expect((await fetch(cloud.url + '/api/nothing')).status).toBe(404)
  })

  it('never writes tokens or openids into the logs', async () => {
    const { token, openid } = await login('qa_logcheck', '日志检查')
    await gateway(token, { $url: 'user/getUserInfo' })
    await gateway(token, { $url: 'user/updateUserInfo', nickname: 'x'.repeat(40) })
    await gateway(`${token}x`, { $url: 'user/getUserInfo' })
    const all = logger.lines.join('\n')
    expect(logger.lines.length).toBeGreaterThan(2)
    expect(all).not.toContain(token)
    expect(all).not.toContain(token.split('.')[1]!)
    expect(all).not.toContain(openid)
  })
})
