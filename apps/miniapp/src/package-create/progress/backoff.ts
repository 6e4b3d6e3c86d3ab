/** Poll delay: start at 1 s, grow ×1.5 up to 5 s; after failures back off further, up to 15 s. */
export function nextDelay(previous: number, failures: number): number {
  const base = previous === 0 ? 1000 : Math.min(5000, Math.round(previous * 1.5))
  if (failures === 0) return base
  return Math.min(15_000, base * 2 ** Math.min(failures, 3))
}
