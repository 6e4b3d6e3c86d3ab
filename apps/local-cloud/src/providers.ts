/**
 * Image providers for the local cloud: configured by `api_configs` like in the cloud (the seeded `local` config
 * needs no key), built by @aiphoto/imaging's factory with the local compositor's knobs from the environment
 * (AIPHOTO_LOCAL_PROVIDER_DELAY_MS: submit → running, poll → done after the delay; AIPHOTO_LOCAL_PROVIDER_FAIL:
 * share of jobs failing with a retryable error), and the scene-thumbnail renderer for seeding.
 */
import { createProviderFactory, drawModelFigure, renderSceneThumbnail } from '@aiphoto/imaging'
import type { ProviderFactory } from '@aiphoto/runtime'
import type { SeedOptions } from '@aiphoto/server'
import type { LocalCloudEnv } from './env'

export function localProviders(env: LocalCloudEnv): ProviderFactory {
  return createProviderFactory({ local: { delayMs: env.providerDelayMs, failRate: env.providerFailRate } })
}

/** Seed options for the local cloud: scene thumbnails rendered by the compositor (`seedDatabase(rt, localSeedOptions())`). */
export function localSeedOptions(): SeedOptions {
  return { renderSceneThumbnail: (parameters, size) => renderSceneThumbnail(parameters, size), renderModelFigure: (attributes, size) => drawModelFigure(attributes, size) }
}
