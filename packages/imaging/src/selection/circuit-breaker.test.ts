import { describe, expect, it } from 'vitest'
import { CLOSED_BREAKER, isBreakerOpen, nextBreakerState, type BreakerState } from './circuit-breaker'

const t0 = new Date('2025-01-01T00:00:00Z')
const at = (ms: number) => new Date(t0.getTime() + ms)

describe('nextBreakerState', () => {
  it('stays closed below three consecutive failures', () => {
    let s: BreakerState = CLOSED_BREAKER
    s = nextBreakerState(s, 'failure', t0)
    s = nextBreakerState(s, 'failure', t0)
    expect(s).toEqual({ failures: 2, open_until: null })
    expect(isBreakerOpen(s, t0)).toBe(false)
  })

  it('opens for 60 s on the third failure, doubling per further failure up to 10 min', () => {
    let s: BreakerState = CLOSED_BREAKER
    for (let i = 0; i < 3; i++) s = nextBreakerState(s, 'failure', t0)
    expect(s.open_until?.getTime()).toBe(at(60_000).getTime())
    expect(isBreakerOpen(s, at(59_999))).toBe(true)
    expect(isBreakerOpen(s, at(60_000))).toBe(false)
    const durations: number[] = []
    for (let i = 0; i < 6; i++) {
      s = nextBreakerState(s, 'failure', t0)
      durations.push(s.open_until!.getTime() - t0.getTime())
    }
    expect(durations).toEqual([120_000, 240_000, 480_000, 600_000, 600_000, 600_000])
  })

  it('closes completely after one success', () => {
    let s: BreakerState = { failures: 7, open_until: at(600_000) }
    s = nextBreakerState(s, 'success', at(700_000))
    expect(s).toEqual({ failures: 0, open_until: null })
    // …and needs three new failures to open again.
    s = nextBreakerState(nextBreakerState(s, 'failure', t0), 'failure', t0)
    expect(s.open_until).toBeNull()
  })

  it('round-trips through JSON (persisted on the api_configs document)', () => {
    let s: BreakerState = CLOSED_BREAKER
    for (let i = 0; i < 4; i++) s = nextBreakerState(s, 'failure', t0)
    const back = JSON.parse(JSON.stringify(s)) as { failures: number; open_until: string }
    const revived = { failures: back.failures, open_until: new Date(back.open_until) }
    expect(nextBreakerState(revived, 'failure', t0).open_until!.getTime() - t0.getTime()).toBe(240_000)
  })

  it('honours a custom policy', () => {
    const s = nextBreakerState({ failures: 0, open_until: null }, 'failure', t0, { threshold: 1, baseOpenMs: 5_000, maxOpenMs: 8_000 })
    expect(s.open_until?.getTime()).toBe(at(5_000).getTime())
    expect(nextBreakerState(s, 'failure', t0, { threshold: 1, baseOpenMs: 5_000, maxOpenMs: 8_000 }).open_until?.getTime()).toBe(at(8_000).getTime())
  })
})
