/** WeChat Pay v2 (which cloudPay wraps) writes times as `yyyyMMddHHmmss` in Beijing time (UTC+8, no DST). */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000

export function formatCompactBeijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '')
}

export function parseCompactBeijing(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const time = Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS
  return Number.isNaN(time) ? undefined : new Date(time)
}
