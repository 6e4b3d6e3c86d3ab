/**
 * Lighting presets: one table drives both the backdrop overlays (tint, spot, side light, vignette) and the
 * colour grading of the subject, so the garment and the scene read as lit by the same light.
 */
import type { Light } from './scene-style'

export interface LightPreset {
  tint: string
  tintOpacity: number
  vignette: number
  spot: number
  /** Side the key light comes from: -1 left … 1 right. */
  direction: number
  /** Per-channel gain applied to the subject (r, g, b) and a contrast factor. */
  gain: [number, number, number]
  contrast: number
}

export const LIGHT_PRESETS: Record<Light, LightPreset> = {
  natural: { tint: '#fff4e0', tintOpacity: 0.06, vignette: 0.22, spot: 0.18, direction: -0.6, gain: [1.02, 1.0, 0.98], contrast: 1.0 },
  studio: { tint: '#ffffff', tintOpacity: 0, vignette: 0.28, spot: 0.35, direction: 0, gain: [1, 1, 1], contrast: 1.04 },
  warm: { tint: '#ffb163', tintOpacity: 0.14, vignette: 0.32, spot: 0.22, direction: -0.4, gain: [1.06, 1.0, 0.9], contrast: 1.02 },
  cool: { tint: '#8fb8ff', tintOpacity: 0.12, vignette: 0.28, spot: 0.16, direction: 0.3, gain: [0.95, 1.0, 1.06], contrast: 1.0 },
  sunset: { tint: '#ff7a45', tintOpacity: 0.18, vignette: 0.38, spot: 0.25, direction: 0.8, gain: [1.08, 0.97, 0.88], contrast: 1.04 },
  soft: { tint: '#ffffff', tintOpacity: 0.05, vignette: 0.12, spot: 0.12, direction: 0, gain: [1, 1, 1], contrast: 0.93 },
  dramatic: { tint: '#1a1a2e', tintOpacity: 0.1, vignette: 0.58, spot: 0.4, direction: -0.8, gain: [1, 0.98, 1.02], contrast: 1.12 },
}
