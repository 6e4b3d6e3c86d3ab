import { describe, expect, it } from 'vitest'
import { nextDelay } from './backoff'

describe('nextDelay', () => {
  it('starts at 1 s and grows ×1.5 up to 5 s while polls succeed', () => {
    const seq: number[] = []
    let d = 0
    for (let i = 0; i < 8; i++) seq.push((d = nextDelay(d, 0)))
    expect(seq).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000])
  })

  it('backs off harder after failures, capped at 15 s', () => {
    expect(nextDelay(1000, 1)).toBe(3000)
    expect(nextDelay(1000, 2)).toBe(6000)
    expect(nextDelay(5000, 3)).toBe(15_000)
    expect(nextDelay(5000, 9)).toBe(15_000)
  })
})
