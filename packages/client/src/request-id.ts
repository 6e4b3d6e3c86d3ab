/** Idempotency keys for generate calls: one per user attempt, reused when the same attempt is retried. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function createRequestId(random: (n: number) => Uint8Array = defaultRandom): string {
  const bytes = random(22)
  let out = ''
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length]
  return `r${Date.now().toString(36)}${out}`
}

function defaultRandom(n: number): Uint8Array {
  const bytes = new Uint8Array(n)
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto
  if (c?.getRandomValues) return c.getRandomValues(bytes)
  // NOTE: the weapp JS engine has no crypto global; uniqueness, not secrecy, is what the key needs.
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256)
  return bytes
}
