/**
 * Values on the wire and on disk. The SDK sends canonical EJSON (`{"$numberInt":"1"}`, `{"$date":{"$numberLong":"…"}}`,
 * `{"$regularExpression":…}`, `{"$tcb_server_date":{offset}}`) and parses what we answer with bson's relaxed EJSON.
 * Documents are stored in the very form we answer with, so an unprojected read returns the stored text as is.
 */
import type { Clock } from '@aiphoto/runtime'
import { invalidParam } from './errors'

export type Doc = Record<string, unknown>

/** Parses an SDK EJSON string into plain JS values (Date, RegExp, numbers); server dates resolve against `clock`. */
export function decodeWire(text: string, clock: Clock): unknown {
  try {
    return JSON.parse(text, function revive(_key, value: unknown) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
      const obj = value as Record<string, unknown>
      const keys = Object.keys(obj)
      if (keys.length === 1) {
        const k = keys[0]!
        const v = obj[k]
        switch (k) {
          case '$numberInt':
          case '$numberLong':
            if (typeof v === 'string') return Number(v)
            break
          case '$numberDouble':
            if (typeof v === 'string') return parseDouble(v)
            break
          case '$numberDecimal':
            if (typeof v === 'string') return Number(v)
            break
          case '$date':
            if (typeof v === 'number') return new Date(v)
            if (typeof v === 'string') return new Date(v)
            break
          case '$regularExpression': {
            const re = v as { pattern?: unknown; options?: unknown }
            if (re && typeof re.pattern === 'string') return toRegExp(re.pattern, typeof re.options === 'string' ? re.options : '')
            break
          }
          case '$tcb_server_date': {
            const offset = (v as { offset?: unknown } | null)?.offset
            return new Date(clock.now().getTime() + (typeof offset === 'number' ? offset : 0))
          }
        }
      }
      return value
    }) as unknown
  } catch (err) {
    if (err instanceof SyntaxError) throw invalidParam(`malformed EJSON: ${err.message}`)
    throw err
  }
}

function parseDouble(v: string): number {
  if (v === 'NaN') return NaN
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  return Number(v)
}

function toRegExp(pattern: string, options: string): RegExp {
  // NOTE: MongoDB also knows 'x' (extended) which JS lacks; reject it rather than silently matching differently.
  for (const flag of options) {
    if (!'imsu'.includes(flag)) throw invalidParam(`unsupported regular expression option '${flag}'`)
  }
  try {
    return new RegExp(pattern, options)
  } catch (err) {
    throw invalidParam(`invalid regular expression: ${(err as Error).message}`)
  }
}

/** Serialises a stored value to the relaxed EJSON text the SDK parses (Dates as `$date`/`$numberLong`). */
export function encodeWire(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? '0' : JSON.stringify(value)
      return `{"$numberDouble":"${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}"}`
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
      return 'null'
    case 'object': {
      if (value === null) return 'null'
      if (value instanceof Date) return `{"$date":{"$numberLong":"${value.getTime()}"}}`
      if (Array.isArray(value)) return '[' + value.map((v) => encodeWire(v)).join(',') + ']'
      if (value instanceof RegExp) {
        return `{"$regularExpression":{"pattern":${JSON.stringify(value.source)},"options":${JSON.stringify(value.flags)}}}`
      }
      const parts: string[] = []
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue
        parts.push(JSON.stringify(k) + ':' + encodeWire(v))
      }
      return '{' + parts.join(',') + '}'
    }
    default:
      throw invalidParam(`unsupported value of type ${typeof value}`)
  }
}

/** Parses stored text back into JS values. Stored text never holds server dates, so no clock is needed. */
export function decodeStored(text: string): Doc {
  return decodeWire(text, STORED_CLOCK) as Doc
}

const STORED_CLOCK: Clock = {
  now() {
    throw new Error('stored documents never contain server dates')
  },
}
