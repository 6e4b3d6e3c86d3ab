import { describe, expect, it } from 'vitest'
import { createSeededRandom } from '../seeded-random'
import { pickProvider, rankProviders, type ProviderCandidate } from './pick-provider'

const now = new Date('2025-01-01T00:00:00Z')
const c = (id: string, priority: number, weight: number, extra: Partial<ProviderCandidate> = {}): ProviderCandidate => ({
  id, priority, weight, is_active: true, supports: true, open_until: null, ...extra,
})

describe('pickProvider', () => {
  it('prefers the highest priority tier', () => {
    const picked = pickProvider([c('low', 1, 100), c('high', 5, 1)], { now, random: createSeededRandom(1) })
    expect(picked?.id).toBe('high')
  })

  it('skips inactive, unsupported, zero-weight, excluded and circuit-open providers', () => {
    const list = [
      c('inactive', 9, 1, { is_active: false }),
      c('unsupported', 9, 1, { supports: false }),
      c('zero', 9, 0),
      c('excluded', 9, 1),
      c('open', 9, 1, { open_until: new Date(now.getTime() + 1000) }),
      c('fallback', 1, 1),
    ]
    const picked = pickProvider(list, { now, random: createSeededRandom(2), exclude: new Set(['excluded']) })
    expect(picked?.id).toBe('fallback')
  })

  it('lets a provider back in once its open_until has passed (half-open)', () => {
    const picked = pickProvider([c('recovered', 5, 1, { open_until: new Date(now.getTime() - 1) }), c('other', 1, 1)], { now, random: Math.random })
    expect(picked?.id).toBe('recovered')
  })

  it('returns null when nothing is eligible', () => {
    expect(pickProvider([c('a', 1, 1, { is_active: false })], { now, random: Math.random })).toBeNull()
    expect(pickProvider([], { now, random: Math.random })).toBeNull()
  })

  it('splits picks within a tier by weight (seeded, 20 000 draws)', () => {
    const list = [c('a', 3, 1), c('b', 3, 3), c('c', 3, 6), c('lower', 2, 1000)]
    const random = createSeededRandom('weights')
    const counts: Record<string, number> = {}
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const id = pickProvider(list, { now, random })!.id
      counts[id] = (counts[id] ?? 0) + 1
    }
    expect(counts['lower']).toBeUndefined()
    // Expected shares 0.1 / 0.3 / 0.6; the binomial standard deviation at n = 20 000 is ≤ 0.0035, allow ~4σ.
    expect(counts['a']! / n).toBeGreaterThan(0.085)
    expect(counts['a']! / n).toBeLessThan(0.115)
    expect(counts['b']! / n).toBeGreaterThan(0.285)
    expect(counts['b']! / n).toBeLessThan(0.315)
    expect(counts['c']! / n).toBeGreaterThan(0.585)
    expect(counts['c']! / n).toBeLessThan(0.615)
  })

  it('is deterministic for the same seed and order-independent of the input list', () => {
    const list = [c('a', 1, 2), c('b', 1, 5), c('c', 1, 3)]
    const seq = (l: ProviderCandidate[]) => {
      const r = createSeededRandom(42)
      return Array.from({ length: 50 }, () => pickProvider(l, { now, random: r })!.id).join()
    }
    expect(seq(list)).toBe(seq([...list].reverse()))
  })
})

describe('rankProviders', () => {
  it('orders tiers by priority and contains each eligible provider once', () => {
    const list = [c('l1', 1, 1), c('h1', 5, 1), c('h2', 5, 2), c('off', 9, 1, { is_active: false }), c('l2', 1, 4)]
    const ranked = rankProviders(list, { now, random: createSeededRandom(7) }).map((x) => x.id)
    expect(ranked.slice(0, 2).sort()).toEqual(['h1', 'h2'])
    expect(ranked.slice(2).sort()).toEqual(['l1', 'l2'])
    expect(ranked).not.toContain('off')
  })

  it('puts the heavier provider first in proportion to its weight', () => {
    const list = [c('light', 1, 1), c('heavy', 1, 4)]
    const random = createSeededRandom('rank')
    let heavyFirst = 0
    for (let i = 0; i < 5000; i++) if (rankProviders(list, { now, random })[0]!.id === 'heavy') heavyFirst++
    expect(heavyFirst / 5000).toBeGreaterThan(0.77)
    expect(heavyFirst / 5000).toBeLessThan(0.83)
  })
})
