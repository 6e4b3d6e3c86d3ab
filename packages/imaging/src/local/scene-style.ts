/**
 * Turns a scene document's free-form `parameters` into a drawing style.
 * Scenes come from an admin-edited collection (seed uses `lighting` + `background`; newer scenes may use
 * `light` + `backdrop` + `palette`), so every field is optional and unknown values fall back safely.
 */

export const BACKDROPS = ['white', 'grey', 'garden', 'street', 'beach', 'cafe', 'loft', 'night', 'pastel'] as const
export type Backdrop = (typeof BACKDROPS)[number]

export const LIGHTS = ['natural', 'studio', 'warm', 'cool', 'sunset', 'soft', 'dramatic'] as const
export type Light = (typeof LIGHTS)[number]

export interface SceneStyle {
  backdrop: Backdrop
  light: Light
  /** Accent colours as #rrggbb, at least three. */
  palette: string[]
}

const BACKDROP_ALIASES: Record<string, Backdrop> = {
  white: 'white', studio: 'white', seamless: 'white', minimal: 'white',
  grey: 'grey', gray: 'grey', 'studio-grey': 'grey', dark: 'grey',
  garden: 'garden', park: 'garden', outdoor: 'garden', nature: 'garden', forest: 'garden',
  street: 'street', city: 'street', urban: 'street',
  beach: 'beach', sea: 'beach', seaside: 'beach', resort: 'beach',
  cafe: 'cafe', 'coffee-shop': 'cafe', indoor: 'cafe', home: 'cafe',
  loft: 'loft', brick: 'loft', industrial: 'loft',
  night: 'night', 'city-night': 'night', neon: 'night',
  pastel: 'pastel', pink: 'pastel', podium: 'pastel', 'ins': 'pastel',
}

const LIGHT_ALIASES: Record<string, Light> = {
  natural: 'natural', daylight: 'natural', sunny: 'natural',
  studio: 'studio', softbox: 'studio', bright: 'studio',
  warm: 'warm', golden: 'warm', tungsten: 'warm',
  cool: 'cool', cold: 'cool', overcast: 'cool',
  sunset: 'sunset', dusk: 'sunset', 'golden-hour': 'sunset',
  soft: 'soft', diffuse: 'soft',
  dramatic: 'dramatic', moody: 'dramatic', contrast: 'dramatic', neon: 'dramatic',
}

const NAMED_PALETTES: Record<string, string[]> = {
  neutral: ['#d8d2c8', '#a79e90', '#5f5a52'],
  pastel: ['#f6c9d0', '#c9e4f6', '#f9e7b6'],
  earth: ['#b7825b', '#7d8b5a', '#d9c3a0'],
  vivid: ['#e4572e', '#29335c', '#f3a712'],
  mono: ['#eeeeee', '#9e9e9e', '#424242'],
  ocean: ['#7fc8e0', '#2f7fa8', '#f1e3c6'],
  forest: ['#6f9d5a', '#2f5d3a', '#e6d28a'],
}

const DEFAULT_PALETTE: Record<Backdrop, string[]> = {
  white: ['#f3f1ed', '#d9d5ce', '#b8b2a8'],
  grey: ['#8b8f94', '#5d6166', '#c9ccd0'],
  garden: ['#e86f8c', '#f6d35b', '#ffffff'],
  street: ['#c9b8a6', '#8a7f74', '#e2d5c3'],
  beach: ['#7fc8e0', '#2f7fa8', '#f1e3c6'],
  cafe: ['#b7825b', '#f2c879', '#6b4a35'],
  loft: ['#a65a3f', '#d7cfc4', '#5b5550'],
  night: ['#ff4f8b', '#4fc3ff', '#ffd166'],
  pastel: ['#f6c9d0', '#c9e4f6', '#f9e7b6'],
}

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i

function normaliseHex(value: string): string | null {
  const m = HEX.exec(value.trim())
  if (!m) return null
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!
  return '#' + h.toLowerCase()
}

function pickString(params: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = params[k]
    if (typeof v === 'string' && v.trim()) return v.trim().toLowerCase()
  }
  return undefined
}

/** Resolves scene parameters (`light`/`lighting`, `backdrop`/`background`, `palette`) to a style. */
export function resolveSceneStyle(parameters: Record<string, unknown>): SceneStyle {
  const backdropName = pickString(parameters, ['backdrop', 'background', 'scene'])
  const lightName = pickString(parameters, ['light', 'lighting'])
  const backdrop = (backdropName && BACKDROP_ALIASES[backdropName]) || 'white'
  const light = (lightName && LIGHT_ALIASES[lightName]) || (backdrop === 'night' ? 'dramatic' : backdrop === 'white' ? 'studio' : 'natural')

  let palette: string[] = []
  const raw = parameters['palette']
  if (Array.isArray(raw)) palette = raw.filter((c): c is string => typeof c === 'string').map(normaliseHex).filter((c): c is string => !!c)
  else if (typeof raw === 'string') palette = NAMED_PALETTES[raw.trim().toLowerCase()] ?? raw.split(/[,\s]+/).map(normaliseHex).filter((c): c is string => !!c)
  const fallback = DEFAULT_PALETTE[backdrop]
  while (palette.length < 3) palette.push(fallback[palette.length % fallback.length]!)
  return { backdrop, light, palette }
}

/** Colour helpers for SVG drawing. */
export function mix(a: string, b: string, t: number): string {
  const pa = parseInt(a.slice(1), 16)
  const pb = parseInt(b.slice(1), 16)
  const ch = (p: number, s: number) => (p >> s) & 255
  const c = (s: number) => Math.round(ch(pa, s) + (ch(pb, s) - ch(pa, s)) * t)
  return '#' + ((c(16) << 16) | (c(8) << 8) | c(0)).toString(16).padStart(6, '0')
}
