/** Calendar days in Asia/Shanghai (UTC+8, no DST): check-in days and streaks follow the user's local day. */
const OFFSET_MS = 8 * 3600 * 1000

/** `yyyymmdd` of the Shanghai calendar day containing `at`. */
export function shanghaiDay(at: Date): string {
  const d = new Date(at.getTime() + OFFSET_MS)
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
}

/** The Shanghai day before `day` (yyyymmdd). */
export function previousDay(day: string): string {
  const y = Number(day.slice(0, 4))
  const m = Number(day.slice(4, 6))
  const d = Number(day.slice(6, 8))
  const prev = new Date(Date.UTC(y, m - 1, d) - 24 * 3600 * 1000)
  return `${prev.getUTCFullYear()}${String(prev.getUTCMonth() + 1).padStart(2, '0')}${String(prev.getUTCDate()).padStart(2, '0')}`
}
