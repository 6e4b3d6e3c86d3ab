/**
 * Capabilities (the contract's names) ↔ job kinds (the provider port's names, which keep the seed's
 * 'photography' for background generation and 'fitting' for try-on).
 */
import type { ProviderCapability } from '@aiphoto/contract'
import type { GenerationKind, ImageProvider } from '@aiphoto/runtime'

export const KIND_OF_CAPABILITY: Record<ProviderCapability, GenerationKind> = {
  tryon: 'fitting',
  background: 'photography',
  cutout: 'cutout',
  packshot: 'packshot',
  upscale: 'upscale',
  text_to_image: 'text_to_image',
}

export function capabilitiesOf(provider: ImageProvider): ProviderCapability[] {
  return (Object.keys(KIND_OF_CAPABILITY) as ProviderCapability[]).filter((c) => provider.supports(KIND_OF_CAPABILITY[c]))
}
