/**
 * Starting a generation: ask for every subscribe message the server may send about it (done and failed, ids from
 * `photography/getPricing`) on weapp — inside the tap, before any await — then call the action with an
 * idempotency key that is kept while the same attempt is retried after a network failure.
 */
import Taro from '@tarojs/taro'
import { createRequestId, isApiError } from '@aiphoto/client'
import type { ActionOutput } from '@aiphoto/contract'
import { subscribeTemplateIds } from './pricing'
import { setCredits } from './session'

type GenerateOutput = ActionOutput<'photography/generate'>

async function askSubscribe(): Promise<void> {
  const tmplIds = subscribeTemplateIds()
  if (process.env.TARO_ENV !== 'weapp' || tmplIds.length === 0) return
  try {
    await Taro.requestSubscribeMessage({ tmplIds } as Parameters<typeof Taro.requestSubscribeMessage>[0])
  } catch {
    // Refusing the message is fine: progress is also visible in the app.
  }
}

export function createAttempt() {
  let requestId: string | null = null
  return async function run(call: (requestId: string) => Promise<GenerateOutput>): Promise<GenerateOutput> {
    await askSubscribe()
    requestId ??= createRequestId()
    try {
      const out = await call(requestId)
      requestId = null
      setCredits(out.credits)
      return out
    } catch (error) {
      // Only a lost answer may have been accepted by the server; anything else is a new attempt next time.
      if (!isApiError(error) || error.code !== 'NETWORK') requestId = null
      throw error
    }
  }
}

export function goToProgress(out: GenerateOutput): void {
  void Taro.redirectTo({ url: `/package-create/progress/index?task_id=${out.task_id}&work_id=${out.work_id}&cost=${out.cost}` })
}
