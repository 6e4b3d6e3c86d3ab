/**
 * Image providers inside the cloud function: the same factory as the local cloud (DashScope, Stability, and the
 * local compositor as last resort). They need sharp for the visible "AI生成" mark on every stored result, so
 * sharp is a cloud-installed dependency of the function (cloudfunctions/gateway/package.json), external to the
 * bundle, and loaded on the first generation only: `require` here makes esbuild initialise @aiphoto/imaging
 * lazily, so a cold start that serves no generation never loads the native module.
 */
import type { ProviderFactory } from '@aiphoto/runtime'

type Imaging = typeof import('@aiphoto/imaging')

let factory: ProviderFactory | null = null

export const cloudProviders: ProviderFactory = (config) => {
  if (!factory) {
    const imaging = require('@aiphoto/imaging') as Imaging
    factory = imaging.createProviderFactory({ local: imaging.localProviderOptionsFromEnv(process.env) })
  }
  return factory(config)
}
