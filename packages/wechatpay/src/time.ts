/** WeChat Pay speaks Beijing time (UTC+8, no DST). */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000

/** RFC 3339 in +08:00, second precision, as v3 `time_expire` wants: `2015-05-20T13:29:35+08:00`. */
export function formatRfc3339Beijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19) + '+08:00'
}

/** Parses an RFC 3339 time such as `success_time`; undefined when absent or unreadable. */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : new Date(time)
}
