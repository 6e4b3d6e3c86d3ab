/** Payment through WeChat cloud development's cloudPay: the PaymentPort and the callback event. */
export { createCloudPayPort, type CloudPayApi, type CloudPayPortDeps } from './cloudpay'
