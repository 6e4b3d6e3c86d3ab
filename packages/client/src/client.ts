/**
 * The typed client: validates the input with the contract's schema, sends it through the injected transport,
 * and unwraps the envelope into the data or an ApiError. An expired session is reported to one callback.
 */
import { actions, isErrorCode, type ActionInput, type ActionOutput, type ActionUrl } from '@aiphoto/contract'
import { ApiError, CLIENT_ERROR_MESSAGES } from './errors'
import type { Transport } from './transport'
import { createGroupedApi, type GroupedApi } from './groups'

export interface ClientOptions {
  transport: Transport
  /** Called once per UNAUTHENTICATED answer, before the error is thrown to the caller. */
  onUnauthenticated?: (error: ApiError) => void
}

/** Inputs whose keys are all optional may be omitted. */
export type InputArgs<U extends ActionUrl> = {} extends ActionInput<U> ? [input?: ActionInput<U>] : [input: ActionInput<U>]

export interface ApiClient extends GroupedApi {
  /** `client.call('api/listWorks', { tab: 'all' })` → the action's output, or throws ApiError. */
  call<U extends ActionUrl>(url: U, ...args: InputArgs<U>): Promise<ActionOutput<U>>
}

const CJK = /[\u3400-\u9fff]/

function validationMessage(issues: ReadonlyArray<{ message: string }>): string {
  // The contract writes user-facing refinements in Chinese; zod's own messages are English and stay in details.
  const chinese = issues.find((i) => CJK.test(i.message))
  return chinese?.message ?? CLIENT_ERROR_MESSAGES.VALIDATION_FAILED
}

export function createClient(options: ClientOptions): ApiClient {
  const { transport, onUnauthenticated } = options

  function fail(error: ApiError): never {
    if (error.code === 'UNAUTHENTICATED') onUnauthenticated?.(error)
    throw error
  }

  async function call<U extends ActionUrl>(url: U, ...args: InputArgs<U>): Promise<ActionOutput<U>> {
    if (!Object.prototype.hasOwnProperty.call(actions, url)) {
      throw new ApiError({ code: 'UNKNOWN_ACTION', url })
    }
    const parsed = actions[url].input.safeParse(args[0] ?? {})
    if (!parsed.success) {
      throw new ApiError({
        code: 'VALIDATION_FAILED',
        url,
        message: validationMessage(parsed.error.issues),
        details: parsed.error.issues,
      })
    }
    let answer: unknown
    try {
      answer = await transport({ ...(parsed.data as Record<string, unknown>), $url: url })
    } catch (cause) {
      throw new ApiError({ code: 'NETWORK', url, cause })
    }
    return unwrap(url, answer, fail) as ActionOutput<U>
  }

  const client = { call } as ApiClient
  Object.assign(client, createGroupedApi(call))
  return client
}

function unwrap(url: string, answer: unknown, fail: (error: ApiError) => never): unknown {
  if (typeof answer !== 'object' || answer === null || !('success' in answer)) {
    // tcb-router resolves undefined for an action it does not know.
    return fail(new ApiError({ code: answer === undefined ? 'UNKNOWN_ACTION' : 'INTERNAL', url }))
  }
  const envelope = answer as { success: unknown; data?: unknown; code?: unknown; message?: unknown; details?: unknown }
  if (envelope.success === true) return envelope.data
  const code = isErrorCode(envelope.code) ? envelope.code : 'INTERNAL'
  const serverMessage = typeof envelope.message === 'string' ? envelope.message : undefined
  return fail(new ApiError({ code, url, serverMessage, details: envelope.details }))
}
