/**
 * The app's single client instance. Only the transport and the uploader differ per platform; the dead branch is
 * removed at build time because `process.env.TARO_ENV` is inlined.
 */
import Taro from '@tarojs/taro'
import { createClient, createCloudTransport, createHttpTransport, createHttpUploader, type ApiError, type FetchLike, type Transport, type Uploader } from '@aiphoto/client'
import { apiBase, cloudEnv } from './env'
import { readToken } from './token'

let unauthenticatedHandler: (error: ApiError) => void = () => {}

/** The session module registers what to do when the server says the session expired. */
export function setUnauthenticatedHandler(handler: (error: ApiError) => void): void {
  unauthenticatedHandler = handler
}

const browserFetch: FetchLike = (url, init) => fetch(url, init as RequestInit)

function makeTransport(): Transport {
  if (process.env.TARO_ENV === 'weapp') {
    Taro.cloud.init(cloudEnv ? { env: cloudEnv, traceUser: true } : { traceUser: true })
    return createCloudTransport((options) => Taro.cloud.callFunction(options) as Promise<{ result?: unknown }>)
  } else {
    return createHttpTransport({ baseUrl: apiBase, fetch: browserFetch, getToken: readToken })
  }
}

function makeUploader(): Uploader {
  if (process.env.TARO_ENV === 'weapp') {
    return async ({ cloudPath, filePath }) => {
      if (!filePath) throw new Error('weapp upload needs a temp file path')
      const res = await Taro.cloud.uploadFile({ cloudPath, filePath })
      return res.fileID
    }
  } else {
    return createHttpUploader({ baseUrl: apiBase, fetch: browserFetch, getToken: readToken })
  }
}

export const api = createClient({
  transport: makeTransport(),
  onUnauthenticated: (error) => unauthenticatedHandler(error),
})

export const uploader = makeUploader()
