/** Typed client for the gateway, derived from @aiphoto/contract; transports are injected (no Taro import here). */
export { createClient, type ApiClient, type ClientOptions, type InputArgs } from './client'
export { ACTION_GROUPS, createGroupedApi, type GroupedApi } from './groups'
export { ApiError, isApiError, errorMessage, userMessage, CLIENT_ERROR_MESSAGES, type ClientErrorCode } from './errors'
export {
  createCloudTransport,
  createHttpTransport,
  parseJsonBody,
  type Transport,
  type GatewayRequest,
  type CallFunction,
  type FetchLike,
  type HttpTransportOptions,
} from './transport'
export { uploadAsset, uploadCloudPath, sha256Hex, type Uploader, type UploadAssetInput, type UploadedAsset } from './assets'
export { devLogin, createHttpUploader } from './http-extras'
export { createRequestId } from './request-id'
