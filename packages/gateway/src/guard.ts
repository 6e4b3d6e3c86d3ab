/**
 * The last line of defence of `exports.main`: whatever goes wrong before the gateway's own error boundary
 * (the runtime factory throwing on a missing AIPHOTO_SECRET_KEY, an SDK that fails while loading), the platform
 * still gets an answer of the documented shape instead of a crashed invocation:
 * the INTERNAL envelope, or for a payment callback a non-zero errcode so WeChat Pay retries later.
 */
import { ERROR_MESSAGES, type ErrorEnvelope } from '@aiphoto/contract'
import type { Logger } from '@aiphoto/runtime'
import { classifyPlatformEvent, type GatewayMain } from '@aiphoto/server'

export const INTERNAL_ENVELOPE: Readonly<ErrorEnvelope> = Object.freeze({ success: false, code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL })
export const CALLBACK_RETRY = Object.freeze({ errcode: -1, errmsg: 'RETRY' })

function isPaymentCallback(event: unknown): boolean {
  if (!event || typeof event !== 'object' || Array.isArray(event) || '$url' in event) return false
  return classifyPlatformEvent(event as Record<string, unknown>).kind === 'payment-callback'
}

export function guardMain(main: GatewayMain, logger: Logger): GatewayMain {
  return async function guardedMain(event, context) {
    try {
      return await main(event, context)
    } catch (err) {
      logger.error('gateway_crashed', { error: String((err as Error)?.message ?? err).slice(0, 300) })
      return isPaymentCallback(event) ? { ...CALLBACK_RETRY } : { ...INTERNAL_ENVELOPE }
    }
  }
}
