import type { Runtime } from '@aiphoto/runtime'
import { shanghaiDay } from '../../lib/shanghai-date'

/**
 * A merchant order number: `R` + Shanghai date + 12 random URL-safe characters (72 bits) = 21 characters of
 * [0-9A-Za-z_-], within every WeChat Pay API's limit (6–32). The date prefix helps support staff, not uniqueness
 * (the unique index and a retry take care of that).
 */
export function newOutTradeNo(rt: Pick<Runtime, 'ids'>, now: Date): string {
  return `R${shanghaiDay(now)}${rt.ids.token(9).slice(0, 12)}`
}
