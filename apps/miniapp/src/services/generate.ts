/**
 * Starting a generation: ask for the "finished" subscribe message on weapp (it must follow a tap), then call the
 * action with an idempotency key that is kept while the same attempt is retried after a network failure.
 */
import Taro from '@tarojs/taro'
import { createRequestId, isApiError } from '@aiphoto/client'
import type { ActionOutput } from '@aiphoto/contract'
import { taskDoneTemplate } from './env'
import { setCredits } from './session'

type GenerateOutput = ActionOutput<'photography/generate'>

async function askSubscribe(): Promise<void> {
  if (process.env.TARO_ENV !== 'weapp' || !taskDoneTemplate) return
  try {
    await Taro.requestSubscribeMessage({ tmplIds: [taskDoneTemplate] } as Parameters<typeof Taro.requestSubscribeMessage>[0])
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
