import type { ProviderConfig } from '@aiphoto/runtime'
import { describe, expect, it } from 'vitest'
import { createProvider, createProviderFactory } from './create-provider'

const cfg = (provider: string, api_name: string): ProviderConfig => ({ id: 'x', provider, api_name, endpoint: '', headers: {}, default_params: {} })

describe('createProvider', () => {
  it('chooses the adapter by provider and api_name', () => {
    expect(createProvider(cfg('local', 'compositor'))?.name).toBe('local')
    expect(createProvider(cfg('dashscope', 'aitryon'))?.name).toBe('dashscope-aitryon')
    expect(createProvider(cfg('DashScope', 'aitryon-plus'))?.name).toBe('dashscope-aitryon')
    expect(createProvider(cfg('dashscope', 'background-generation'))?.name).toBe('dashscope-background')
    expect(createProvider(cfg('dashscope', 'image-edit'))?.name).toBe('dashscope-upscale')
    expect(createProvider(cfg('bailian', 'super-resolution'))?.name).toBe('dashscope-upscale')
    expect(createProvider(cfg('dashscope', 'text-to-image'))?.name).toBe('dashscope-t2i')
    expect(createProvider(cfg('dashscope', 'wanx-t2i'))?.name).toBe('dashscope-t2i')
    expect(createProvider(cfg('dashscope', 'wan2.2-t2i-flash'))?.name).toBe('dashscope-t2i')
    expect(createProvider(cfg('stability', 'core'))?.name).toBe('stability-core')
    expect(createProvider(cfg('stability-ai', 'ultra'))?.name).toBe('stability-ultra')
    expect(createProvider(cfg('stability-ai', 'text-to-image'))?.name).toBe('stability-core')
  })

  it('returns null for unknown providers and APIs', () => {
    expect(createProvider(cfg('midjourney', 'imagine'))).toBeNull()
    expect(createProvider(cfg('dashscope', 'wanx-v1'))).toBeNull()
  })

  it('passes local options through a factory and shares one local provider', async () => {
    let t = 0
    const factory = createProviderFactory({ local: { delayMs: 1000, now: () => t } })
    const a = factory(cfg('local', 'a'))!
    expect(factory(cfg('local', 'b'))).toBe(a)
    const o = await a.submit({
      kind: 'photography', inputs: { garments: [Buffer.from('x')] }, inputUrls: { garments: [] }, prompt: '', negativePrompt: '', count: 1, aspectRatio: '1:1',
      scene: { id: 's', name: 's', category: 'c', parameters: {} }, options: {},
    })
    expect(o.state).toBe('running')
    t = 2000
    // The garment bytes were not an image: the render fails, and that is reported, not thrown.
    expect(await a.poll((o as { providerTaskId: string }).providerTaskId)).toMatchObject({ state: 'failed', retryable: true })
  })
})
