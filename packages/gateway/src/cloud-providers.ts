/**
 * Image providers available inside the cloud function.
 * NOTE: `@aiphoto/imaging`'s `createProvider` reaches sharp (a native module) even from its HTTP providers
 * (result watermarking, Stability compositing), and sharp must not be in the cloud bundle nor in the function's
 * dependencies. Until imaging offers a sharp-free entry for the HTTP providers, the cloud gateway has no provider:
 * every `api_configs` entry resolves to null and generation reports PROVIDER_UNAVAILABLE instead of crashing the
 * function at load time.
 */
import type { ProviderFactory } from '@aiphoto/runtime'

export const cloudProviders: ProviderFactory = () => null
