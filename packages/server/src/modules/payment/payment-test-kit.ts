/**
 * Test kit for the payment tests (imported by *.test.ts only): a seeded test gateway, paying through the local
 * fake provider, delivering the cloudPay-shaped callback exactly as the platform would (no user identity), and
 * one-shot provider faults.
 */
import { PaymentError, type PaymentNotification, type PaymentPort } from '@aiphoto/runtime'
import { seedDatabase } from '../../seed'
import { createTestGateway, type TestGateway, type TestGatewayOptions } from '../../testing'
import { cloudPayCallbackEventOf } from './cloudpay-callback-event'

export async function paymentGateway(opts: TestGatewayOptions & { users?: string[] } = {}): Promise<TestGateway> {
  const gw = await createTestGateway(opts)
  await seedDatabase(gw.rt)
  for (const openid of opts.users ?? ['alice', 'bob']) await gw.as(openid).ok('user/register', {})
  return gw
}

/** Delivers a payment notification to the gateway as a cloudPay callback event. */
export function deliver(gw: TestGateway, n: PaymentNotification): Promise<unknown> {
  return gw.raw(cloudPayCallbackEventOf(n))
}

/** The payer pays at the provider; returns the notification (not yet delivered). */
export function pay(gw: TestGateway, outTradeNo: string): Promise<PaymentNotification> {
  return gw.rt.payment.confirmPayment(outTradeNo)
}

export async function payAndNotify(gw: TestGateway, outTradeNo: string): Promise<unknown> {
  return deliver(gw, await pay(gw, outTradeNo))
}

export async function creditsOf(gw: TestGateway, openid: string): Promise<number> {
  return (await gw.as(openid).ok('user/getUserInfo')).credits
}

export async function ledgerOf(gw: TestGateway, openid: string) {
  const res = await gw.rt.db.collection('credit_ledger').where({ user_openid: openid }).limit(1000).get()
  return res.data as Array<{ _id: string; delta: number; kind: string; balance_after: number; ref_id: string }>
}

export async function orderDoc(gw: TestGateway, outTradeNo: string) {
  const res = await gw.rt.db.collection('orders').where({ out_trade_no: outTradeNo }).get()
  return res.data[0] as Record<string, unknown> | undefined
}

export async function paymentLogs(gw: TestGateway, event?: string) {
  const res = await gw.rt.db.collection('logs').where(event ? { kind: 'payment', event } : { kind: 'payment' }).limit(1000).get()
  return res.data as Array<{ event: string; out_trade_no: string; level: string; source: string; user_openid: string | null; details: Record<string, unknown> }>
}

export const ACK = { errcode: 0, errmsg: 'SUCCESS' }

/** Makes the next call of one provider method fail (default: provider unreachable). */
export function failNext(port: PaymentPort, method: 'createPayment' | 'queryOrder' | 'closeOrder', error: Error = new PaymentError('UNAVAILABLE', 'local', 'provider unreachable')): void {
  const original = port[method].bind(port) as (...args: unknown[]) => Promise<unknown>
  ;(port as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    ;(port as unknown as Record<string, unknown>)[method] = original
    throw error
  }
}

/** Makes every queryOrder answer with `patch` applied on top of the provider's real answer. */
export function distortQuery(port: PaymentPort, patch: Record<string, unknown>): void {
  const original = port.queryOrder.bind(port)
  port.queryOrder = async (outTradeNo: string) => ({ ...(await original(outTradeNo)), ...patch })
}
