import * as z from 'zod'
import { defineAction } from '../define'
import { credits, cursorSchema, emptyInput, fen, idSchema, isoDate, page, str } from '../common'

export const creditPackageSchema = z.object({
  id: z.string(),
  name: z.string(),
  price_fen: fen,
  /** Total credits granted (base + bonus). */
  credits,
  base_credits: credits,
  bonus_credits: credits,
  tag: z.string().nullable(),
})
export type CreditPackage = z.infer<typeof creditPackageSchema>

export const orderStatusSchema = z.enum(['pending', 'paid', 'closed', 'refunded'])

/** What the client needs to pay: `wx.requestPayment` params, or the local checkout page. */
export const paymentParamsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('wechat'),
    params: z.object({ timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.string(), paySign: z.string() }),
  }),
  z.object({ kind: z.literal('checkout'), url: z.string() }),
])

export const rechargeRecordSchema = z.object({
  out_trade_no: z.string(),
  package_id: z.string(),
  package_name: z.string(),
  amount_fen: fen,
  credits,
  status: orderStatusSchema,
  created_at: isoDate,
  paid_at: isoDate.nullable(),
})

export const consumeRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(['consume', 'refund']),
  delta: credits,
  balance_after: credits,
  ref_id: z.string(),
  reason: z.string().nullable(),
  created_at: isoDate,
})

export const paymentActions = {
  'payment/getPackages': defineAction({
    url: 'payment/getPackages',
    access: 'public',
    summary: 'Credit packages on sale, in display order.',
    input: emptyInput,
    output: z.object({ items: z.array(creditPackageSchema) }),
  }),
  'payment/createOrder': defineAction({
    url: 'payment/createOrder',
    access: 'user',
    summary: 'Creates a pending order and the payment parameters for it.',
    input: z.strictObject({ package_id: idSchema }),
    output: z.object({
      order_id: z.string(),
      out_trade_no: z.string(),
      amount_fen: fen,
      credits,
      expires_at: isoDate,
      payment: paymentParamsSchema,
    }),
    rateLimitPerMinute: 10,
  }),
  'payment/getOrder': defineAction({
    url: 'payment/getOrder',
    access: 'user',
    summary: "One of the caller's orders; asks the provider when still pending (covers a lost notification).",
    input: z.strictObject({ out_trade_no: str(32, 6).regex(/^[0-9A-Za-z_-]+$/) }),
    output: rechargeRecordSchema.extend({ credits_balance: credits }),
    rateLimitPerMinute: 60,
  }),
  'payment/dailyCheckin': defineAction({
    url: 'payment/dailyCheckin',
    access: 'user',
    summary: 'Once per calendar day (Asia/Shanghai); every 7th consecutive day pays double.',
    input: emptyInput,
    output: z.object({ credits_awarded: credits, streak: z.number().int(), credits }),
  }),
  'payment/listRechargeRecords': defineAction({
    url: 'payment/listRechargeRecords',
    access: 'user',
    summary: "The caller's orders, newest first.",
    input: z.strictObject({ pageSize: z.number().int().min(1).max(50).default(20), cursor: cursorSchema.optional() }),
    output: page(rechargeRecordSchema),
  }),
  'payment/listConsumeRecords': defineAction({
    url: 'payment/listConsumeRecords',
    access: 'user',
    summary: "The caller's consume and refund ledger entries, newest first.",
    input: z.strictObject({ pageSize: z.number().int().min(1).max(50).default(20), cursor: cursorSchema.optional() }),
    output: page(consumeRecordSchema),
  }),
} as const
