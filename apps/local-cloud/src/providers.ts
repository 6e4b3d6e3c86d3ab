/** Image providers for the local cloud: configured by api_configs like in the cloud; the local compositor needs no keys. */
import type { ProviderFactory } from '@aiphoto/runtime'
import type { LocalCloudEnv } from './env'

export function localProviders(_env: LocalCloudEnv): ProviderFactory {
  // Wired to @aiphoto/imaging's createProvider once the generation pipeline lands.
  return () => null
}
