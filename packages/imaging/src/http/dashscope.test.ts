import type { GenerationJob, ImageProvider, ProviderConfig, ProviderOutcome } from '@aiphoto/runtime'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeDashScope, startImageHost, type FakeDashScope, type FakeDashScopeOptions, type ImageHost } from '../testing'
import { createFixtureGarment, createFixturePerson } from '../fixtures'
import { createProvider } from '../create-provider'

vi.setConfig({ testTimeout: 30_000 })

const KEY = 'sk-secret-never-logged'
let fake: FakeDashScope
let host: ImageHost
let clock = 1_000_000

async function start(opts: FakeDashScopeOptions = {}) {
  await fake?.close()
  fake = await startFakeDashScope({ apiKey: KEY, pollsBeforeDone: 2, slowMs: 1500, now: () => clock, ...opts })
}

beforeEach(async () => {
  clock += 10_000
  host = await startImageHost()
  await start()
})
afterEach(async () => {
  await fake.close()
  await host.close()
})

function config(api_name: string, over: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: `cfg-${api_name}`, provider: 'dashscope', api_name, endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, default_params: {}, timeoutMs: 1000, ...over }
}

const garment = () => createFixtureGarment({ format: 'jpeg' })
const person = () => createFixturePerson({ format: 'jpeg' })

/** A job whose inputs are really served (the fake downloads them) and whose `stage` publishes prepared copies. */
async function job(kind: GenerationJob['kind'], over: Partial<GenerationJob> & { garmentBytes?: Buffer[]; personBytes?: Buffer } = {}): Promise<GenerationJob & { staged: Buffer[] }> {
  const garments = over.garmentBytes ?? [await garment()]
  const personBytes = kind === 'fitting' ? (over.personBytes ?? (await person())) : undefined
  const staged: Buffer[] = []
  const { garmentBytes: _g, personBytes: _p, ...rest } = over
  return {
    kind,
    inputs: personBytes ? { garments, person: personBytes } : { garments },
    inputUrls: personBytes ? { garments: garments.map((b, i) => host.put(`g${i}.jpg`, b)), person: host.put('person.jpg', personBytes) } : { garments: garments.map((b, i) => host.put(`g${i}.jpg`, b)) },
    prompt: '夏日花园，自然光',
    negativePrompt: 'blurry',
    count: 2,
    aspectRatio: '3:4',
    scene: { id: 's1', name: '户外花园', category: 'outdoor', parameters: {} },
    options: {},
    stage: async (file) => {
      staged.push(file.bytes)
      return host.put(file.name, file.bytes)
    },
    staged,
    ...rest,
  }
}

async function runToEnd(p: ImageProvider, first: ProviderOutcome, maxPolls = 12): Promise<{ outcome: ProviderOutcome; states: string[] }> {
  const states: string[] = [first.state]
  let o = first
  for (let i = 0; i < maxPolls && o.state === 'running'; i++) {
    clock += 1000
    o = await p.poll(o.providerTaskId)
    states.push(o.state === 'running' ? `running:${o.progress}` : o.state)
  }
  return { outcome: o, states }
}

const json = async (r: Response) => (await r.json()) as { code: string; message: string }
const posts = () => fake.requests.filter((r) => r.method === 'POST')
const bodyOf = (i = 0) => JSON.parse(posts()[i]!.body.toString()) as { model: string; input: Record<string, string>; parameters: Record<string, unknown> }

describe('DashScope try-on (aitryon)', () => {
  it('sends the documented request, the fake downloads every input, and the result is marked', async () => {
    const p = createProvider(config('aitryon'))!
    expect(p.supports('fitting')).toBe(true)
    expect(p.supports('photography')).toBe(false)
    const j = await job('fitting')
    const submitted = await p.submit(j)
    expect(submitted).toMatchObject({ state: 'running' })
    expect(posts()[0]!.path).toBe('/api/v1/services/aigc/image2image/image-synthesis')
    expect(posts()[0]!.headers['x-dashscope-async']).toBe('enable')
    expect(bodyOf()).toEqual({ model: 'aitryon', input: { top_garment_url: j.inputUrls.garments[0], person_image_url: j.inputUrls.person }, parameters: { resolution: -1, restore_face: true } })
    // Inputs within the limits go by their own URL, nothing staged.
    expect(j.staged).toHaveLength(0)
    expect(fake.downloads.map((d) => d.status)).toEqual([200, 200])
    const { outcome, states } = await runToEnd(p, submitted)
    expect(states).toEqual(['running', 'running:0.1', 'running:0.5', 'succeeded'])
    if (outcome.state !== 'succeeded') throw new Error('not succeeded')
    const downloaded = await p.fetchImage!((outcome.images[0] as { url: string }).url)
    expect(downloaded.contentType).toBe('image/jpeg')
  })

  it('maps garment_type: bottom → bottom_garment_url; dress and outerwear → top_garment_url, no bottom', async () => {
    const p = createProvider(config('aitryon-plus'))!
    for (const [type, field] of [['bottom', 'bottom_garment_url'], ['dress', 'top_garment_url'], ['outerwear', 'top_garment_url'], ['top', 'top_garment_url']] as const) {
      fake.requests.length = 0
      clock += 1000
      const j = await job('fitting', { options: { garment_type: type } })
      expect(await p.submit(j)).toMatchObject({ state: 'running' })
      expect(Object.keys(bodyOf().input).sort()).toEqual([field, 'person_image_url'].sort())
      expect(bodyOf().model).toBe('aitryon-plus')
      // The fake only lets one task per model run 5 at once: finish this one.
      for (const t of fake.tasks.values()) t.status = 'SUCCEEDED'
    }
  })

  it('normalises inputs the API would refuse: EXIF orientation applied, > 4096 px and > 5 MB shrunk; a 100 px photo is refused before any call', async () => {
    const p = createProvider(config('aitryon'))!
    // A sideways phone photo: stored landscape with orientation 6 (display portrait).
    const rotated = await sharp(await person()).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer()
    // 2000 × 2000 of noise as PNG: within the pixels, far over 5 MB (what a 10 MB upload from the app can be).
    const noise = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer()
    expect(noise.length).toBeGreaterThan(5 * 1024 * 1024)
    // 4600 px wide: over 4096.
    const wide = await sharp(await garment()).resize(4600, 1200, { fit: 'fill' }).jpeg().toBuffer()
    const j = await job('fitting', { personBytes: rotated, garmentBytes: [noise, wide] })
    expect(await p.submit(j)).toMatchObject({ state: 'running' })
    expect(j.staged).toHaveLength(3)
    const got = fake.downloads.map((d) => d.image!)
    expect(got[0]).toMatchObject({ format: 'jpeg' })
    expect(got[0]!.height!).toBeGreaterThan(got[0]!.width!) // upright
    expect(got[1]!.bytes).toBeLessThanOrEqual(5 * 1024 * 1024)
    expect(Math.max(got[2]!.width!, got[2]!.height!)).toBeLessThanOrEqual(4096)

    fake.requests.length = 0
    const tiny = await sharp(await garment()).resize(100, 100).jpeg().toBuffer()
    const refused = await p.submit(await job('fitting', { garmentBytes: [tiny] }))
    expect(refused).toMatchObject({ state: 'failed', retryable: false })
    expect((refused as { reason: string }).reason).toContain('图片太小')
    expect(posts()).toHaveLength(0)
  })

  it('the fake refuses what the documentation refuses: missing garment, unreachable or oversized inputs, no async header, bad key', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(fake.url + path, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'X-DashScope-Async': 'enable', ...headers }, body: JSON.stringify(body) })
    const tryon = '/api/v1/services/aigc/image2image/image-synthesis'
    const personUrl = host.put('p.jpg', await person())
    let r = await post(tryon, { model: 'aitryon', input: { person_image_url: personUrl } })
    expect([r.status, (await json(r)).code]).toEqual([400, 'InvalidGarment'])
    r = await post(tryon, { model: 'aitryon', input: { person_image_url: personUrl, top_garment_url: `${fake.url}/nothing.jpg` } })
    expect([r.status, (await json(r)).code]).toEqual([400, 'InvalidURL'])
    const big = await sharp({ create: { width: 4200, height: 300, channels: 3, background: '#888' } }).jpeg().toBuffer()
    r = await post(tryon, { model: 'aitryon', input: { person_image_url: personUrl, top_garment_url: host.put('big.jpg', big) } })
    expect([r.status, (await json(r)).code]).toEqual([400, 'InvalidInputLength'])
    const webp = await sharp(await garment()).webp().toBuffer()
    r = await post(tryon, { model: 'aitryon', input: { person_image_url: personUrl, top_garment_url: host.put('g.webp', webp) } })
    expect([r.status, (await json(r)).code]).toEqual([400, 'InvalidURL'])
    r = await post(tryon, { model: 'aitryon', input: { person_image_url: personUrl, top_garment_url: personUrl } }, { 'X-DashScope-Async': 'disable' })
    expect(await json(r)).toMatchObject({ code: 'AccessDenied', message: 'current user api does not support synchronous calls' })
    r = await post(tryon, {}, { Authorization: KEY })
    expect([r.status, (await json(r)).code]).toEqual([401, 'InvalidApiKey'])
  })
})

describe('DashScope task states and throttling', () => {
  it('every documented non-final state (and one the docs do not list yet) means poll again, never a failure', async () => {
    await start({ states: ['PENDING', 'PRE-PROCESSING', 'SUSPENDED', 'RUNNING', 'UNKNOWN', 'POST-PROCESSING', 'QUEUED_FOR_REVIEW'] })
    const p = createProvider(config('aitryon'))!
    const { outcome, states } = await runToEnd(p, await p.submit(await job('fitting')))
    expect(states.filter((s) => s.startsWith('running'))).toHaveLength(8)
    expect(outcome.state).toBe('succeeded')
    expect(posts()).toHaveLength(1)
    // An id the service does not know (expired): still "poll again"; the queue's job timeout ends the wait.
    expect(await p.poll('no-such-task')).toMatchObject({ state: 'running', providerTaskId: 'no-such-task' })
  })

  it('429 Throttling / RateQuota are throttled (wait), AllocationQuota a failure; FAILED algorithm errors retryable, parameter errors final', async () => {
    const p = createProvider(config('aitryon'))!
    fake.failNext('throttle', 1, 'submit')
    const throttled = await p.submit(await job('fitting'))
    expect(throttled).toMatchObject({ state: 'throttled' })
    expect(JSON.stringify(throttled)).not.toContain(KEY)
    fake.exhaustQuota()
    expect(await p.submit(await job('fitting'))).toMatchObject({ state: 'failed', retryable: true, reason: expect.stringContaining('Throttling.AllocationQuota') })
    fake.exhaustQuota(false)
    fake.setOutcome('FAILED', 'InternalError.Algo')
    expect((await runToEnd(p, await p.submit(await job('fitting')))).outcome).toMatchObject({ state: 'failed', retryable: true })
    fake.setOutcome('FAILED', 'InvalidParameter.DataInspection')
    clock += 2000
    expect((await runToEnd(p, await p.submit(await job('fitting')))).outcome).toMatchObject({ state: 'failed', retryable: false })
    const wrongKey = createProvider(config('aitryon', { headers: { Authorization: 'Bearer wrong' } }))!
    expect(await wrongKey.submit(await job('fitting'))).toMatchObject({ state: 'failed', retryable: false })
  })

  it('DataInspectionFailed (content inspection) and a CANCELED task are final failures', async () => {
    const p = createProvider(config('aitryon'))!
    fake.inspectNext()
    expect(await p.submit(await job('fitting'))).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringContaining('DataInspectionFailed') })
    clock += 1000
    const running = await p.submit(await job('fitting'))
    if (running.state !== 'running') throw new Error(JSON.stringify(running))
    expect(fake.cancel(running.providerTaskId)).toBe(true)
    expect(await p.poll(running.providerTaskId)).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringContaining('canceled') })
  })

  it('the fake enforces the documented account limits: background generation 1 running task and 2 submissions/s', async () => {
    const p = createProvider(config('background-generation'))!
    const first = await p.submit(await job('photography'))
    expect(first).toMatchObject({ state: 'running' })
    // One running: a second is refused with 429 Throttling until the first ends.
    expect(await p.submit(await job('photography'))).toMatchObject({ state: 'throttled', reason: expect.stringContaining('Throttling') })
    expect(fake.throttled['Throttling']).toBe(1)
    await runToEnd(p, first)
    clock += 1000
    await start({ limits: { 'wanx-background-generation-v2': { rps: 2, concurrent: 10 } } })
    const q = createProvider(config('background-generation'))!
    const answers = []
    for (let i = 0; i < 3; i++) answers.push((await q.submit(await job('photography'))).state)
    expect(answers).toEqual(['running', 'running', 'throttled'])
    expect(fake.throttled['Throttling.RateQuota']).toBe(1)
  })
})

describe('DashScope background generation', () => {
  it('sends a real cut-out (RGBA PNG, long side ≤ 2048) of a large garment photo, with a prompt the model reads in full', async () => {
    const p = createProvider(config('background-generation'))!
    expect(p.supports('photography')).toBe(true)
    const large = await createFixtureGarment({ format: 'jpeg', width: 2800, height: 3150 })
    const long = '户外花园场景，阳光透过树叶洒下斑驳光影，'.repeat(8)
    const j = await job('photography', { garmentBytes: [large], prompt: long, count: 3 })
    const submitted = await p.submit(j)
    expect(submitted).toMatchObject({ state: 'running' })
    expect(posts()[0]!.path).toBe('/api/v1/services/aigc/background-generation/generation/')
    const body = bodyOf()
    expect(body.model).toBe('wanx-background-generation-v2')
    expect(body.parameters).toEqual({ n: 3 })
    expect([...body.input['ref_prompt']!].length).toBeLessThanOrEqual(100)
    expect(long.startsWith(body.input['ref_prompt']!)).toBe(true)
    const base = fake.downloads.at(-1)!.image!
    expect(base).toMatchObject({ format: 'png', hasAlpha: true })
    expect(Math.max(base.width!, base.height!)).toBeLessThanOrEqual(2048)
    expect(base.transparent!).toBeGreaterThan(0.05)
    const { outcome } = await runToEnd(p, submitted)
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(outcome.images).toHaveLength(3)
  })

  it('the fake fails a task whose base image is not a cut-out (the garment photo itself), as the service does', async () => {
    const p = createProvider(config('background-generation'))!
    const j = await job('photography')
    // What the old adapter sent: the garment photo (a JPEG) as base_image_url.
    const res = await fetch(`${fake.url}/api/v1/services/aigc/background-generation/generation/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json', 'X-DashScope-Async': 'enable' },
      body: JSON.stringify({ model: 'wanx-background-generation-v2', input: { base_image_url: j.inputUrls.garments[0], ref_prompt: '花园' }, parameters: { n: 1 } }),
    })
    const taskId = ((await res.json()) as { output: { task_id: string } }).output.task_id
    const { outcome } = await runToEnd(p, { state: 'running', providerTaskId: taskId })
    expect(outcome).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringContaining('BadRequest.UnsupportedFileFormat') })
  })

  it('segments the garment with aitryon-parsing-v1 when configured (a synchronous call, no async header)', async () => {
    const p = createProvider(config('background-generation', { default_params: { segmentation: 'dashscope' } }))!
    const j = await job('photography', { options: { garment_type: 'bottom' } })
    expect(await p.submit(j)).toMatchObject({ state: 'running' })
    const parse = fake.requests.find((r) => r.path === '/api/v1/services/vision/image-process/process')!
    expect(parse.headers['x-dashscope-async']).toBeUndefined()
    expect(JSON.parse(parse.body.toString())).toEqual({ model: 'aitryon-parsing-v1', input: { image_url: j.inputUrls.garments[0] }, parameters: { clothes_type: ['lower'] } })
    expect(fake.downloads.at(-1)!.image).toMatchObject({ format: 'png', hasAlpha: true })
  })

  it('a garment that cannot be cut out (no plain background) is refused before submitting', async () => {
    const p = createProvider(config('background-generation'))!
    const busy = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 90 } } }).jpeg().toBuffer()
    const refused = await p.submit(await job('photography', { garmentBytes: [busy] }))
    expect(refused).toMatchObject({ state: 'failed', retryable: false })
    expect(posts()).toHaveLength(0)
  })
})
