/**
 * The slice of `wx-server-sdk` the adapters use, typed structurally so tests inject a fake `cloud`
 * and the real module is handed in by the gateway entry (never imported here: it stays external to the bundle).
 * Parameter and result names follow the wx-server-sdk 4.0.2 sources and the WeChat cloud docs.
 */

/** wx-server-sdk rejects with a `CloudSDKError { errCode, errMsg }`; openapi calls put WeChat's `errcode` in `errCode`. */
export interface WxSdkError {
  errCode?: number
  errMsg?: string
  message?: string
}

export interface WxTempFileItem {
  fileID: string
  tempFileURL: string
  /** 0 on success; a TCB error code (e.g. -503003 file does not exist) otherwise. */
  status: number
  errMsg?: string
  maxAge?: number
}

export interface WxOpenapi {
  subscribeMessage: {
    /** Params are camelCase; the SDK converts them to WeChat's snake_case (`templateId` → `template_id`). */
    send(params: {
      touser: string
      templateId: string
      page?: string
      data: Record<string, { value: string }>
      miniprogramState?: 'developer' | 'trial' | 'formal'
      lang?: string
    }): Promise<{ errCode?: number; errMsg?: string }>
  }
  security: {
    msgSecCheck(params: {
      content: string
      version: 2
      scene: 1 | 2 | 3 | 4
      openid: string
    }): Promise<{ errCode?: number; errMsg?: string; traceId?: string; result?: { suggest?: string; label?: number } }>
    mediaCheckAsync(params: {
      mediaUrl: string
      mediaType: 1 | 2
      version: 2
      scene: 1 | 2 | 3 | 4
      openid: string
    }): Promise<{ errCode?: number; errMsg?: string; traceId?: string }>
  }
}

export interface WxCloud {
  getWXContext(): { OPENID?: string | number; APPID?: string; UNIONID?: string; ENV?: string; SOURCE?: string }
  uploadFile(params: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string; statusCode?: number; errMsg?: string }>
  downloadFile(params: { fileID: string }): Promise<{ fileContent: Buffer; statusCode?: number; errMsg?: string }>
  getTempFileURL(params: { fileList: Array<string | { fileID: string; maxAge: number }> }): Promise<{ fileList: WxTempFileItem[]; errMsg?: string }>
  deleteFile(params: { fileList: string[] }): Promise<{ fileList: Array<{ fileID: string; status: number; errMsg?: string }>; errMsg?: string }>
  callFunction(params: { name: string; data?: Record<string, unknown>; timeout?: number }): Promise<{ result?: unknown; requestID?: string; errMsg?: string }>
  openapi: WxOpenapi
  /** The cloudPay namespace, handed to the payment adapter as is. */
  cloudPay: unknown
}

/** The TCB code wx-server-sdk reports for a missing storage file (STORAGE_FILE_NONEXIST). */
export const TCB_FILE_NOT_EXIST = -503003

/** Reads `errCode` from whatever wx-server-sdk rejected with (CloudSDKError, plain object, Error). */
export function errCodeOf(err: unknown): number | undefined {
  const code = (err as WxSdkError | null | undefined)?.errCode
  return typeof code === 'number' && Number.isFinite(code) ? code : undefined
}

/** A short, log-safe description of an SDK failure (no stack, bounded length). */
export function errMsgOf(err: unknown): string {
  const e = err as WxSdkError | null | undefined
  const msg = typeof e?.errMsg === 'string' ? e.errMsg : typeof e?.message === 'string' ? e.message : String(err)
  return msg.slice(0, 300)
}
