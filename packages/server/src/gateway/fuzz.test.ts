/**
 * Bad input, at random: every action, fed arbitrary JSON values as parameters (wrong types, operator objects,
 * prototype keys, huge strings), must answer an envelope with a clear code — never INTERNAL — and an input the
 * contract refuses must change nothing in the database.
 */
import { actionUrls, ERROR_CODES } from '@aiphoto/contract'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDatabase } from '../seed'
import { createTestGateway, type TestGateway } from '../testing'

let gw: TestGateway
const COLLECTIONS = ['users', 'credit_ledger', 'works', 'task_queue', 'orders', 'assets', 'scenes', 'prompt_templates', 'credit_packages', 'api_configs', 'logs']

async function snapshot(): Promise<string> {
  const parts: string[] = []
  for (const c of COLLECTIONS) {
    const res = (await gw.rt.db.collection(c).limit(1000).get()) as { data: unknown[] }
    parts.push(`${c}:${JSON.stringify(res.data)}`)
  }
  return parts.join('\n')
}

beforeAll(async () => {
  gw = await createTestGateway({ config: { rateLimit: { windowMs: 60_000, defaultMax: 1_000_000 } } })
  await seedDatabase(gw.rt)
  await gw.as('openid-admin').ok('user/register', {})
  await gw.as('fuzzer').ok('user/register', {})
})
afterAll(async () => gw?.close())

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$ne', 'openid', 'OPENID', '_id', 'credits', 'user_openid')
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom({ $ne: null }, { $gt: '' }, [{ $where: '1' }], 'x'.repeat(70_000), -1, 1e300, Number.MAX_SAFE_INTEGER + 2, 0.5),
)
const params = fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 12 })), value, { maxKeys: 5 })

describe('gateway under random bad input', () => {
  it('answers every action with a clear code and changes nothing when the input is refused', async () => {
    const clients = [gw.as('fuzzer'), gw.as('openid-admin'), gw.system]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actionUrls), fc.constantFrom(0, 1, 2), params, async (url, who, input) => {
        const before = await snapshot()
        const res = await clients[who]!.call(url, input as never)
        expect(typeof res).toBe('object')
        if (res.success) return
        expect(ERROR_CODES).toContain(res.code)
        expect(res.code, `${url} ${JSON.stringify(input).slice(0, 200)} → ${res.message}`).not.toBe('INTERNAL')
        expect(typeof res.message).toBe('string')
        if (res.code === 'VALIDATION_FAILED') expect(await snapshot()).toBe(before)
      }),
      { numRuns: 1500, seed: 20261125 },
    )
    // Prototype pollution never reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  }, 120_000)
})
