/** Test helpers for the cloudPay adapter. Not for production use. */
export { createFakeCloudPay, type FakeCloudPay, type FakeCloudPayOrder } from './fake-cloud-pay'
