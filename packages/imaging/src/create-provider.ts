/** The ProviderFactory: one `api_configs` document → the adapter that speaks its API (or null). */
import type { ImageProvider, ProviderConfig, ProviderFactory } from '@aiphoto/runtime'
import { createDashScopeBackgroundProvider } from './http/dashscope-background'
import { createDashScopeTryOnProvider } from './http/dashscope-tryon'
import { createStabilityProvider } from './http/stability'
import { createFashnProvider } from './http/fashn'
import { createLocalProvider, type LocalProviderOptions } from './local/local-provider'

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
        if (TRYON_APIS.has(api)) return createDashScopeTryOnProvider(config)
        if (BACKGROUND_APIS.has(api)) return createDashScopeBackgroundProvider(config)
        return null
      case 'fashn':
        return createFashnProvider(config)
      case 'stability':
      case 'stability-ai':
        return createStabilityProvider(config)
      default:
        return null
    }
  }
}

/** The factory with default options (local provider without simulated delay or failures). */
export const createProvider: ProviderFactory = createProviderFactory()
