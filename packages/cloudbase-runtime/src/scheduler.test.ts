import { memoryLogger, verifySystemCall } from '@aiphoto/runtime'
import { describe, expect, it } from 'vitest'
import { createCloudScheduler, WORKER_URL } from './scheduler'
import { createFakeWxCloud, FakeCloudSDKError } from './testing/fake-wx-cloud'

const secretKey = Buffer.alloc(32, 7)
const now = new Date('2025-03-01T02:00:00Z')
const clock = { now: () => now }

describe('worker kick', () => {
  it('invokes the gateway with queue/processTask and a system token the gateway accepts', async () => {
    const cloud = createFakeWxCloud()
    await createCloudScheduler({ cloud, secretKey, clock, logger: memoryLogger() }).kick('generate')
    const [call] = cloud.callsOf('callFunction')
    expect(call!.params.name).toBe('gateway')
    expect(call!.params.data.$url).toBe(WORKER_URL)
    expect(verifySystemCall(secretKey, WORKER_URL, call!.params.data.$system, now)).toBe(true)
    expect(verifySystemCall(Buffer.alloc(32, 8), WORKER_URL, call!.params.data.$system, now)).toBe(false)
    expect(verifySystemCall(secretKey, 'admin/listUsers', call!.params.data.$system, now)).toBe(false)
  })

  it('uses the configured function name', async () => {
    const cloud = createFakeWxCloud()
    await createCloudScheduler({ cloud, secretKey, clock, logger: memoryLogger(), functionName: 'gateway-staging' }).kick('x')
    expect(cloud.callsOf('callFunction')[0]!.params.name).toBe('gateway-staging')
  })

  it('returns after the dispatch wait without waiting for the worker run to end', async () => {
    const cloud = createFakeWxCloud()
    cloud.handlers.callFunction = () => new Promise(() => {})
    const started = performance.now()
    await createCloudScheduler({ cloud, secretKey, clock, logger: memoryLogger(), dispatchWaitMs: 30 }).kick('generate')
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(25)
    expect(elapsed).toBeLessThan(1000)
  })

  it('never fails the caller: a rejected or throwing callFunction is logged', async () => {
    const cloud = createFakeWxCloud()
    const logger = memoryLogger()
    cloud.handlers.callFunction = async () => {
      throw new FakeCloudSDKError(-504002, 'callFunction:fail requestID r1, functions execute fail')
    }
    await expect(createCloudScheduler({ cloud, secretKey, clock, logger }).kick('generate')).resolves.toBeUndefined()
    expect(logger.lines.join('\n')).toMatch(/scheduler_kick_failed.*-504002/)

    const throwing = { callFunction: () => { throw new Error('not initialised') } }
    await expect(createCloudScheduler({ cloud: throwing as never, secretKey, clock, logger }).kick('x')).resolves.toBeUndefined()
    expect(logger.lines.filter((l) => l.includes('scheduler_kick_failed'))).toHaveLength(2)
  })
})
