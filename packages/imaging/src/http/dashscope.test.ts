import type { GenerationJob, ImageProvider, ProviderConfig, ProviderOutcome } from '@aiphoto/runtime'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeDashScope, type FakeDashScope } from '../testing'
import { createProvider } from '../create-provider'

const KEY = 'sk-secret-never-logged'
let fake: FakeDashScope

beforeEach(async () => {
  fake = await startFakeDashScope({ apiKey: KEY, pollsBeforeDone: 2, slowMs: 1500 })
})
afterEach(async () => {
  await fake.close()
})

function config(api_name: string, over: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: `cfg-${api_name}`, provider: 'dashscope', api_name, endpoint: fake.url, headers: { Authorization: `Bearer ${KEY}` }, default_params: {}, timeoutMs: 500, ...over }
}

function job(kind: GenerationJob['kind'], over: Partial<GenerationJob> = {}): GenerationJob {
  return {
    kind,
    inputs: { garments: [] },
    inputUrls: { garments: ['https://oss.example/top.png'], person: kind === 'fitting' ? 'https://oss.example/person.jpg' : undefined },
    prompt: '夏日花园，自然光',
    negativePrompt: 'blurry',
    count: 2,
    aspectRatio: '3:4',
    scene: { id: 's1', name: '户外花园', category: 'outdoor', parameters: {} },
    options: {},
    ...over,
  }
}

async function runToEnd(p: ImageProvider, first: ProviderOutcome, maxPolls = 10): Promise<{ outcome: ProviderOutcome; states: string[] }> {
  const states: string[] = [first.state]
  let o = first
  for (let i = 0; i < maxPolls && o.state === 'running'; i++) {
    o = await p.poll(o.providerTaskId)
    states.push(o.state === 'running' ? `running:${o.progress}` : o.state)
  }
  return { outcome: o, states }
}

function expectNoKey(o: ProviderOutcome) {
  expect(JSON.stringify(o)).not.toContain(KEY)
}

describe('DashScope try-on (aitryon)', () => {
  it('submits the documented body, polls PENDING → RUNNING → SUCCEEDED and downloads a marked image', async () => {
    const p = createProvider(config('aitryon'))!
    expect(p.supports('fitting')).toBe(true)
    expect(p.supports('photography')).toBe(false)
    const submitted = await p.submit(job('fitting', { inputUrls: { garments: ['https://oss.example/top.png', 'https://oss.example/bottom.png'], person: 'https://oss.example/person.jpg' } }))
    expect(submitted).toMatchObject({ state: 'running', progress: 0.1 })
    const sent = fake.requests.find((r) => r.method === 'POST')!
    expect(sent.path).toBe('/api/v1/services/aigc/image2image/image-synthesis')
    expect(sent.headers['x-dashscope-async']).toBe('enable')
    expect(JSON.parse(sent.body.toString())).toEqual({
      model: 'aitryon',
      input: { top_garment_url: 'https://oss.example/top.png', bottom_garment_url: 'https://oss.example/bottom.png', person_image_url: 'https://oss.example/person.jpg' },
      parameters: { resolution: -1, restore_face: true },
    })
    const { outcome, states } = await runToEnd(p, submitted)
    expect(states).toEqual(['running', 'running:0.1', 'running:0.5', 'succeeded'])
    if (outcome.state !== 'succeeded') throw new Error('not succeeded')
    expect(outcome.images).toHaveLength(1)
    const url = (outcome.images[0] as { url: string }).url
    expect(url.startsWith(fake.url)).toBe(true)
    const downloaded = await p.fetchImage!(url)
    expect(downloaded.contentType).toBe('image/jpeg')
    expect((await sharp(downloaded.bytes).metadata()).width).toBe(576)
  })

  it('uses aitryon-plus and extra parameters from the config', async () => {
    const p = createProvider(config('aitryon-plus', { default_params: { parameters: { restore_face: false } } }))!
    await p.submit(job('fitting'))
    const body = JSON.parse(fake.requests.find((r) => r.method === 'POST')!.body.toString())
    expect(body.model).toBe('aitryon-plus')
    expect(body.parameters).toEqual({ resolution: -1, restore_face: false })
  })

  it('maps a FAILED task: algorithm errors are retryable, parameter errors final', async () => {
    const p = createProvider(config('aitryon'))!
    fake.setOutcome('FAILED', 'InternalError.Algo')
    const a = await runToEnd(p, await p.submit(job('fitting')))
    expect(a.outcome).toMatchObject({ state: 'failed', retryable: true })
    expect((a.outcome as { reason: string }).reason).toContain('InternalError.Algo')
    fake.setOutcome('FAILED', 'InvalidParameter.DataInspection')
    const b = await runToEnd(p, await p.submit(job('fitting')))
    expect(b.outcome).toMatchObject({ state: 'failed', retryable: false })
  })

  it('classifies HTTP failures: 429 and 5xx retryable, 400 and a bad key final, never echoing the key', async () => {
    const p = createProvider(config('aitryon'))!
    fake.failNext('throttle', 1, 'submit')
    const throttled = await p.submit(job('fitting'))
    expect(throttled).toMatchObject({ state: 'failed', retryable: true })
    expect((throttled as { reason: string }).reason).toContain('429')
    fake.failNext('server-error', 1, 'submit')
    expect(await p.submit(job('fitting'))).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('bad-request', 1, 'submit')
    expect(await p.submit(job('fitting'))).toMatchObject({ state: 'failed', retryable: false })
    const wrongKey = createProvider(config('aitryon', { headers: { Authorization: 'Bearer wrong' } }))!
    const denied = await wrongKey.submit(job('fitting'))
    expect(denied).toMatchObject({ state: 'failed', retryable: false })
    for (const o of [throttled, denied]) expectNoKey(o)
  })

  it('treats timeouts and malformed answers as retryable, on submit and on poll', async () => {
    const p = createProvider(config('aitryon'))!
    fake.failNext('slow', 1, 'submit')
    const slow = await p.submit(job('fitting'))
    expect(slow).toMatchObject({ state: 'failed', retryable: true })
    expect((slow as { reason: string }).reason).toMatch(/timed out/)
    fake.failNext('malformed', 1, 'submit')
    expect(await p.submit(job('fitting'))).toMatchObject({ state: 'failed', retryable: true })

    const running = await p.submit(job('fitting'))
    if (running.state !== 'running') throw new Error('expected running')
    fake.failNext('throttle', 1, 'poll')
    expect(await p.poll(running.providerTaskId)).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('malformed', 1, 'poll')
    expect(await p.poll(running.providerTaskId)).toMatchObject({ state: 'failed', retryable: true })
    fake.failNext('slow', 1, 'poll')
    expect(await p.poll(running.providerTaskId)).toMatchObject({ state: 'failed', retryable: true })
    // The task itself is unaffected by a failed poll: polling again continues it.
    const { outcome } = await runToEnd(p, running)
    expect(outcome.state).toBe('succeeded')
  })

  it('reports an unknown (expired) task id as a retryable failure', async () => {
    const p = createProvider(config('aitryon'))!
    expect(await p.poll('no-such-task')).toMatchObject({ state: 'failed', retryable: true })
  })

  it('refuses a job without a person image before calling the API', async () => {
    const p = createProvider(config('aitryon'))!
    expect(await p.submit(job('fitting', { inputUrls: { garments: ['https://oss.example/top.png'] } }))).toMatchObject({ state: 'failed', retryable: false })
    expect(fake.requests).toHaveLength(0)
  })
})

describe('DashScope background generation', () => {
  it('sends the cut-out and prompt, and returns every result URL', async () => {
    const p = createProvider(config('background-generation'))!
    expect(p.supports('photography')).toBe(true)
    expect(p.supports('fitting')).toBe(false)
    const submitted = await p.submit(job('photography', { count: 3, inputUrls: { garments: ['https://oss.example/g.jpg'], garmentCutouts: ['https://oss.example/g-cutout.png'] } }))
    const sent = fake.requests.find((r) => r.method === 'POST')!
    expect(sent.path).toBe('/api/v1/services/aigc/background-generation/generation/')
    expect(sent.headers['x-dashscope-async']).toBe('enable')
    expect(JSON.parse(sent.body.toString())).toEqual({
      model: 'wanx-background-generation-v2',
      input: { base_image_url: 'https://oss.example/g-cutout.png', ref_prompt: '夏日花园，自然光' },
      parameters: { n: 3 },
    })
    const { outcome } = await runToEnd(p, submitted)
    if (outcome.state !== 'succeeded') throw new Error(JSON.stringify(outcome))
    expect(outcome.images).toHaveLength(3)
    const img = await p.fetchImage!((outcome.images[2] as { url: string }).url)
    expect((await sharp(img.bytes).metadata()).format).toBe('jpeg')
  })

  it('falls back to the garment photo and caps n at 4', async () => {
    const p = createProvider(config('background-generation'))!
    await p.submit(job('photography', { count: 9 }))
    const body = JSON.parse(fake.requests.find((r) => r.method === 'POST')!.body.toString())
    expect(body.input.base_image_url).toBe('https://oss.example/top.png')
    expect(body.parameters.n).toBe(4)
  })

  it('fetchImage rejects an expired result (404) as final', async () => {
    const p = createProvider(config('background-generation'))!
    await expect(p.fetchImage!(`${fake.url}/results/unknown/0.png`)).rejects.toMatchObject({ retryable: false })
  })
})
