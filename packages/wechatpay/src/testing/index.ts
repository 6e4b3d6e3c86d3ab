/** Test helpers: a local WeChat Pay v3 stand-in and a notification builder. Not for production use. */
export {
  startFakeWechatPayServer,
  buildSignedNotification,
  type FakeWechatPayServer,
  type FakeWechatPayServerOptions,
  type FakeOrder,
  type RecordedRequest,
  type ResponseSigning,
  type SignedNotification,
  type NotificationBuildInput,
} from './fake-wechatpay-server'
