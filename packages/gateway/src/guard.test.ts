import { ERROR_MESSAGES } from '@aiphoto/contract'
import { memoryLogger } from '@aiphoto/runtime'
import { describe, expect, it } from 'vitest'
import { guardMain } from './guard'

const crashing = async () => {
  throw new Error('AIPHOTO_SECRET_KEY is not set')
}

describe('guardMain', () => {
  it('passes answers through untouched', async () => {
    const answer = { success: true, data: { ok: 1 } }
    expect(await guardMain(async () => answer, memoryLogger())({ $url: 'scene/getScenes' })).toBe(answer)
  })

  it('answers INTERNAL (no error text) when the gateway itself throws, and logs it', async () => {
    const logger = memoryLogger()
    const res = await guardMain(crashing, logger)({ $url: 'scene/getScenes' })
    expect(res).toEqual({ success: false, code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL })
    expect(JSON.stringify(res)).not.toContain('SECRET')
    expect(logger.lines.join('\n')).toContain('gateway_crashed')
    expect(await guardMain(crashing, logger)({ Type: 'Timer', TriggerName: 'queue', Time: '2025-03-01T00:00:00Z' })).toMatchObject({ code: 'INTERNAL' })
  })

  it('asks WeChat Pay to retry a payment callback that could not be handled', async () => {
    const res = await guardMain(crashing, memoryLogger())({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'R1', totalFee: 1 })
    expect(res).toEqual({ errcode: -1, errmsg: 'RETRY' })
  })
})
