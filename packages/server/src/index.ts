/** The gateway and its domain modules. Wire it to a runtime: `createAppGateway(runtime)` is `exports.main`. */
import type { Runtime } from '@aiphoto/runtime'
import { createGateway, type GatewayMain } from './gateway/create-gateway'
import { platformHandlers, procedures } from './modules'

export { createGateway, type GatewayMain, type PlatformHandlers } from './gateway/create-gateway'
export { PAYMENT_CALLBACK_ACK, classifyPlatformEvent } from './gateway/platform-events'
export { AppError } from './errors'
export { procedures, platformHandlers } from './modules'
export { seedDatabase, seeders, type Seeder, type SeedOptions } from './seed'
export { WECHATPAY_NOTIFY_PATH } from './modules/payment/http-notify'
export { closeStaleOrders, handlePaymentNotification, cloudPayCallbackEventOf, parseCloudPayCallback, isCloudPayCallbackEvent, type SweepResult } from './modules/payment'

/** The product's gateway: every module's procedures and platform handlers over the given runtime. */
export function createAppGateway(runtime: Runtime | (() => Runtime)): GatewayMain {
  return createGateway(runtime, { procedures, platform: platformHandlers })
}
export { sealHeaders as sealProviderHeaders } from './lib/secret-box'
