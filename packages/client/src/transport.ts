/**
 * Transports carry `{ $url, ...params }` to the gateway and hand back whatever came back (ideally an envelope).
 * They are the only platform-specific part of the client; platform primitives are injected so this package
 * never imports Taro and can be tested with fakes.
 */

export interface GatewayRequest {
  $url: string
  [key: string]: unknown
}

/** Sends one request; resolves with the raw answer, rejects only when nothing came back. */
export type Transport = (request: GatewayRequest) => Promise<unknown>

/** The subset of `Taro.cloud.callFunction` the weapp transport needs. */
export type CallFunction = (options: { name: string; data: Record<string, unknown> }) => Promise<{ result?: unknown }>

/** weapp: `Taro.cloud.callFunction({ name: 'gateway', data: { $url, ... } })`; the function's return value is the envelope. */
export function createCloudTransport(callFunction: CallFunction, functionName = 'gateway'): Transport {
  return async function cloudTransport(request) {
    const res = await callFunction({ name: functionName, data: { ...request } })
    return res.result
  }
}

/** The subset of `fetch` the HTTP transports need (the browser's, Node's, or a fake). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | ArrayBuffer | Uint8Array },
) => Promise<{ status: number; text(): Promise<string> }>

export interface HttpTransportOptions {
  /** Origin of the local cloud, '' for same origin. */
  baseUrl: string
  fetch: FetchLike
  /** The dev session token; no header is sent without one. */
  getToken: () => string | null | undefined
}

/**
 * H5: `POST ${baseUrl}/api/gateway` with a bearer token and body `{ $url, ...params }`.
 * The server answers HTTP 200 with the envelope, or 400 with a VALIDATION_FAILED envelope; both are returned as parsed JSON.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  return async function httpTransport(request) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const token = options.getToken()
    if (token) headers.authorization = `Bearer ${token}`
    const res = await options.fetch(`${options.baseUrl}/api/gateway`, { method: 'POST', headers, body: JSON.stringify(request) })
    return parseJsonBody(await res.text(), res.status)
  }
}

/** Non-JSON bodies (a proxy's HTML error page) become a marker the client reports as INTERNAL. */
export function parseJsonBody(text: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return { success: false, code: 'INTERNAL', message: `HTTP ${status}: not JSON` }
  }
}
