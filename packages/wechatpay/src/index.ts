/** WeChat Pay API v3 for deployments outside WeChat cloud development: the PaymentPort, notifications, signatures. */
export { createWechatPayV3Port, type WechatPayV3Config, type WechatPayV3Port } from './port'
export { verifyAndDecryptNotification, notificationReply, type NotificationOptions, type NotificationReply } from './notification'
export { verifyWechatpaySignature, type PlatformCertificates, type SignedMessage, type VerifySignatureOptions } from './verify'
export { decryptResource, encryptResource, type EncryptedResource } from './aead'
export {
  buildAuthorization,
  parseAuthorization,
  buildMiniProgramPaymentParams,
  signSha256Rsa,
  verifySha256Rsa,
  signatureMessage,
  AUTH_SCHEMA,
  type KeyInput,
  type ParsedAuthorization,
  type MiniProgramPaymentParams,
} from './signing'
export { mapTradeState, type V3Transaction } from './transaction'
export { formatRfc3339Beijing } from './time'
export type { HeaderBag } from './headers'
