/** Time, injectable so tests can cross midnight, expire leases and age orders. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
