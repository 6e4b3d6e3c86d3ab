/** The ProviderFactory: one `api_configs` document → the adapter that speaks its API (or null). */
import type { ImageProvider, ProviderConfig, ProviderFactory } from '@aiphoto/runtime'
import { createDashScopeBackgroundProvider } from './http/dashscope-background'
import { createDashScopeTryOnProvider } from './http/dashscope-tryon'
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
