/**
 * Image providers inside the cloud function: the same factory as the local cloud (DashScope, Stability, and the
 * local compositor as last resort). They need sharp for the visible "AI生成" mark on every stored result, so
 * sharp is a cloud-installed dependency of the function (cloudfunctions/gateway/package.json). The providers are
 * their own file next to index.js (`providers.js`, see build.ts), required on the first generation only: a cold
 * start that serves no generation neither parses them nor loads the native module.
 */
import type { ProviderFactory } from '@aiphoto/runtime'

type Imaging = typeof import('./providers-entry')

let factory: ProviderFactory | null = null

export const cloudProviders: ProviderFactory = (config) => {
  if (!factory) {
    const imaging = require('./providers.js') as Imaging
    factory = imaging.createProviderFactory({ local: imaging.localProviderOptionsFromEnv(process.env) })
  }
  return factory(config)
}
