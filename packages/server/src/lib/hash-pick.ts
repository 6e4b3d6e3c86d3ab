/** A deterministic choice: the same seed picks the same element (a replayed request gets the same 随机 model). */
import { createHash } from 'node:crypto'

export function hashPick<T>(items: readonly T[], seed: string): T {
  if (items.length === 0) throw new Error('hashPick: empty list')
  const n = createHash('sha256').update(seed).digest().readUInt32BE(0)
  return items[n % items.length]!
}
