/**
 * Deterministic randomness: the compositor's variations and the selection tests must be reproducible,
 * so every random choice goes through an injectable `() => number` in [0, 1).
 */

/** Hashes a string to a 32-bit unsigned integer (FNV-1a). */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A small, fast seeded generator (mulberry32). Example: `const r = createSeededRandom('job-1'); r() // 0.53…` */
export function createSeededRandom(seed: number | string): () => number {
  let a = (typeof seed === 'string' ? hashString(seed) : seed) >>> 0
  return function mulberry32(): number {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
