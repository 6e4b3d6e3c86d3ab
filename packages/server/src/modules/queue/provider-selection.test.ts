import { describe, expect, it } from 'vitest'
import { isOpen, nextBreaker, rankCandidates } from './provider-selection'

const now = new Date('2026-01-01T00:00:00Z')

describe('provider selection', () => {
  it('orders tiers high priority first, skips open circuits and zero weights', () => {
    const cs = [
      { id: 'low', priority: 1, weight: 10, open_until: null },
      { id: 'hi-a', priority: 5, weight: 10, open_until: null },
      { id: 'hi-open', priority: 5, weight: 10, open_until: new Date(now.getTime() + 1000) },
      { id: 'hi-zero', priority: 5, weight: 0, open_until: null },
      { id: 'hi-closed-again', priority: 5, weight: 10, open_until: new Date(now.getTime() - 1) },
    ]
    const ranked = rankCandidates(cs, now, () => 0).map((c) => c.id)
    expect(ranked).toEqual(['hi-a', 'hi-closed-again', 'low'])
  })

  it('weights within a tier (roughly proportional over many draws)', () => {
    const cs = [
      { id: 'a', priority: 1, weight: 30, open_until: null },
      { id: 'b', priority: 1, weight: 10, open_until: null },
    ]
    let seed = 42
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    let a = 0
    for (let i = 0; i < 4000; i++) if (rankCandidates(cs, now, random)[0]!.id === 'a') a++
    expect(a / 4000).toBeGreaterThan(0.7)
    expect(a / 4000).toBeLessThan(0.8)
  })

  it('opens after 3 consecutive failures, doubles, closes on success', () => {
    let s = { failures: 0, open_until: null as Date | null }
    s = nextBreaker(s, 'failure', now)
    s = nextBreaker(s, 'failure', now)
    expect(isOpen(s, now)).toBe(false)
    s = nextBreaker(s, 'failure', now)
    expect(s.open_until?.getTime()).toBe(now.getTime() + 60_000)
    s = nextBreaker(s, 'failure', now)
    expect(s.open_until?.getTime()).toBe(now.getTime() + 120_000)
    expect(nextBreaker(s, 'success', now)).toEqual({ failures: 0, open_until: null })
  })
})
