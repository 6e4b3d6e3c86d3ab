/** The ProviderFactory: one `api_configs` document → the adapter that speaks its API (or null). */
import type { ImageProvider, ProviderConfig, ProviderFactory } from '@aiphoto/runtime'
import { createDashScopeBackgroundProvider } from './http/dashscope-background'
import { createDashScopeTryOnProvider } from './http/dashscope-tryon'
import { createDashScopeUpscaleProvider } from './http/dashscope-upscale'
import { createDashScopeTextToImageProvider, TEXT_TO_IMAGE_MODEL_NAMES } from './http/dashscope-t2i'
import { createStabilityProvider } from './http/stability'
import { createFashnProvider } from './http/fashn'
import { createLocalProvider, type LocalProviderOptions } from './local/local-provider'
import { withAspectFraming } from './aspect'

export interface ProviderFactoryOptions {
  /** Options of the `local` provider (read once from the environment by the caller: `localProviderOptionsFromEnv`). */
  local?: LocalProviderOptions
}

const TRYON_APIS = new Set(['aitryon', 'aitryon-plus', 'tryon', 'try-on'])
const BACKGROUND_APIS = new Set(['background-generation', 'wanx-background-generation-v2', 'background'])
/** 高清放大 through the general image-edit model's super_resolution function. */
const UPSCALE_APIS = new Set(['image-edit', 'imageedit', 'wanx2.1-imageedit', 'super-resolution', 'super_resolution', 'upscale'])
const TEXT_TO_IMAGE_APIS = new Set<string>(['text-to-image', 'text2image', 'wanx-t2i', 't2i', ...TEXT_TO_IMAGE_MODEL_NAMES])

/** Builds a factory; the local provider is created once and shared, its knobs fixed here. */
export function createProviderFactory(options: ProviderFactoryOptions = {}): ProviderFactory {
  let local: ImageProvider | null = null
  return function createProvider(config: ProviderConfig): ImageProvider | null {
    const provider = config.provider.trim().toLowerCase()
    const api = config.api_name.trim().toLowerCase()
    switch (provider) {
      case 'local':
        return (local ??= createLocalProvider(options.local))
      case 'dashscope':
      case 'aliyun':
      case 'bailian':
        // Neither API takes an aspect ratio (try-on answers at the person photo's, background generation at the
        // cut-out's), so the results are reframed to the seller's choice.
        if (TRYON_APIS.has(api)) return withAspectFraming(createDashScopeTryOnProvider(config))
        if (BACKGROUND_APIS.has(api)) return withAspectFraming(createDashScopeBackgroundProvider(config))
        // Upscales keep their source's ratio and text-to-image takes a size: nothing to reframe.
        if (UPSCALE_APIS.has(api)) return createDashScopeUpscaleProvider(config)
        if (TEXT_TO_IMAGE_APIS.has(api)) return createDashScopeTextToImageProvider(config)
        return null
      case 'fashn':
        // product-to-model takes aspect_ratio; tryon answers at the model photo's ratio.
        return withAspectFraming(createFashnProvider(config))
      case 'stability':
      case 'stability-ai':
        return withAspectFraming(createStabilityProvider(config))
      default:
        return null
    }
  }
}

/** The factory with default options (local provider without simulated delay or failures). */
export const createProvider: ProviderFactory = createProviderFactory()
