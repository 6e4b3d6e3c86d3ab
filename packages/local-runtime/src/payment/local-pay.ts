/**
 * The local cloud's payment provider: a fake "WeChat Pay" that keeps its own transactions in the database,
 * sends the payer to a dev checkout page, and lets that page confirm the payment. It answers queryOrder from
 * its own records, so the domain's "never trust a notification, ask the provider" rule is exercised locally:
 * `forgeNotification` produces a notification the provider's own records will contradict.
 */
import {
  PaymentError,
  type Clock,
  type CreatePaymentInput,
  type Database,
  type Ids,
  type PaymentErrorCode,
  type PaymentNotification,
  type PaymentParams,
  type PaymentPort,
  type TradeQueryResult,
} from '@aiphoto/runtime'

export const FAKE_PAY_COLLECTION = 'fake_pay_transactions'

export type LocalPayState = 'NOTPAY' | 'SUCCESS' | 'CLOSED'

/** One document of `fake_pay_transactions`; `_id` is the merchant's out_trade_no. */
export interface LocalPayTransaction {
  _id: string
  amount_fen: number
  description: string
  payer_openid: string
  state: LocalPayState
  expires_at: Date
  created_at: Date
  transaction_id?: string
  paid_at?: Date
  closed_at?: Date
}

export interface LocalPayPortDeps {
  db: Database
  /** Base URL of the local cloud; the checkout page is `${checkoutBaseUrl}/dev/checkout?out_trade_no=...`. */
  checkoutBaseUrl: string
  clock: Clock
  ids: Ids
}

export interface LocalPayPort extends PaymentPort {
  readonly provider: 'local'
  checkoutUrl(outTradeNo: string): string
  /** The provider's record, for the checkout page; null when unknown. */
  getTransaction(outTradeNo: string): Promise<LocalPayTransaction | null>
  /**
   * The payer pressed "pay": NOTPAY → SUCCESS with a transaction id. Returns the notification to deliver.
   * Idempotent for an already paid order (same notification again); refuses unknown (ORDER_NOT_EXIST),
   * closed (ORDER_CLOSED) and expired (ORDER_EXPIRED) orders with a REJECTED PaymentError.
   */
  confirmPayment(outTradeNo: string): Promise<PaymentNotification>
  /** A notification claiming success whatever the provider's records say — for testing the notify endpoint. */
  forgeNotification(outTradeNo: string, amountFen?: number): Promise<PaymentNotification>
}

const OUT_TRADE_NO = /^[0-9A-Za-z_-]{1,32}$/

function fail(code: PaymentErrorCode, message: string, providerCode?: string): PaymentError {
  return new PaymentError(code, 'local', message, providerCode === undefined ? {} : { providerCode })
}

/** Dates may come back as Date, EJSON `{ $date }`, ISO string or epoch ms depending on the database layer. */
function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value)
    return Number.isNaN(date.getTime()) ? undefined : date
  }
  if (typeof value === 'object' && value !== null && '$date' in value) return toDate((value as { $date: unknown }).$date)
  return undefined
}

function normalise(doc: Record<string, unknown>): LocalPayTransaction {
  const tx = { ...doc } as unknown as LocalPayTransaction
  tx.expires_at = toDate(doc.expires_at) ?? new Date(0)
  tx.created_at = toDate(doc.created_at) ?? new Date(0)
  const paidAt = toDate(doc.paid_at)
  if (paidAt) tx.paid_at = paidAt
  const closedAt = toDate(doc.closed_at)
  if (closedAt) tx.closed_at = closedAt
  return tx
}

function isCollectionMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'DATABASE_COLLECTION_NOT_EXIST'
}

function isDuplicate(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'DATABASE_DUPLICATE_WRITE'
}

export function createLocalPayPort(deps: LocalPayPortDeps): LocalPayPort {
  const base = deps.checkoutBaseUrl.replace(/\/+$/, '')
  const collection = () => deps.db.collection(FAKE_PAY_COLLECTION)

  // NOTE: CloudBase (and the emulator) refuse to touch a collection that was never created; this dev-only
  // collection is not in database/indexes.json, so it is created on first use.
  async function withCollection<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      if (!isCollectionMissing(error)) throw error
      try {
        await deps.db.createCollection(FAKE_PAY_COLLECTION)
      } catch (createError) {
        if ((createError as { code?: unknown })?.code !== 'DATABASE_COLLECTION_ALREADY_EXIST') throw createError
      }
      return operation()
    }
  }

  async function read(outTradeNo: string): Promise<LocalPayTransaction | null> {
    const res = (await withCollection(() => collection().doc(outTradeNo).get())) as { data?: Array<Record<string, unknown>> }
    const doc = res.data?.[0]
    return doc ? normalise(doc) : null
  }

  /** NOTPAY → `state`, atomically; true if this call made the transition. */
  async function transition(outTradeNo: string, patch: Record<string, unknown>): Promise<boolean> {
    const res = (await withCollection(() => collection().where({ _id: outTradeNo, state: 'NOTPAY' }).update(patch))) as {
      updated?: number
    }
    return (res.updated ?? 0) > 0
  }

  function validate(outTradeNo: string): void {
    if (!OUT_TRADE_NO.test(outTradeNo)) throw fail('INVALID_INPUT', 'outTradeNo must be 1-32 characters of [0-9A-Za-z_-]')
  }

  const notificationOf = (tx: LocalPayTransaction): PaymentNotification => ({
    outTradeNo: tx._id,
    totalFee: tx.amount_fen,
    transactionId: tx.transaction_id ?? '',
    success: tx.state === 'SUCCESS',
    payerOpenid: tx.payer_openid,
    ...(tx.paid_at ? { paidAt: tx.paid_at } : {}),
  })

  const port: LocalPayPort = {
    provider: 'local',

    checkoutUrl(outTradeNo) {
      return `${base}/dev/checkout?out_trade_no=${encodeURIComponent(outTradeNo)}`
    },

    async createPayment(input: CreatePaymentInput): Promise<PaymentParams> {
      validate(input.outTradeNo)
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
        throw fail('INVALID_INPUT', 'amountFen must be a positive integer')
      }
      const existing = await read(input.outTradeNo)
      if (!existing) {
        const doc: LocalPayTransaction = {
          _id: input.outTradeNo,
          amount_fen: input.amountFen,
          description: input.description,
          payer_openid: input.payerOpenid,
          state: 'NOTPAY',
          expires_at: input.expiresAt,
          created_at: deps.clock.now(),
        }
        try {
          await withCollection(() => collection().add(doc))
          return { kind: 'checkout', url: port.checkoutUrl(input.outTradeNo) }
        } catch (error) {
          if (!isDuplicate(error)) throw error
          // A concurrent createPayment won the race; judge the request against what it stored.
        }
      }
      const current = existing ?? (await read(input.outTradeNo))
      if (!current) throw fail('UNAVAILABLE', 'transaction vanished while being created')
      if (current.state === 'SUCCESS') throw fail('REJECTED', 'order already paid', 'ORDERPAID')
      if (current.state === 'CLOSED') throw fail('REJECTED', 'order closed', 'ORDERCLOSED')
      if (current.amount_fen !== input.amountFen || current.payer_openid !== input.payerOpenid) {
        throw fail('REJECTED', 'out_trade_no already used for another order', 'OUT_TRADE_NO_USED')
      }
      // Same order asked again (a client retry): same checkout page, as WeChat Pay hands out a prepay again.
      return { kind: 'checkout', url: port.checkoutUrl(input.outTradeNo) }
    },

    async queryOrder(outTradeNo: string): Promise<TradeQueryResult> {
      validate(outTradeNo)
      const tx = await read(outTradeNo)
      if (!tx) return { tradeState: 'NOT_FOUND' }
      const result: TradeQueryResult = { tradeState: tx.state, amountFen: tx.amount_fen, payerOpenid: tx.payer_openid }
      if (tx.transaction_id) result.transactionId = tx.transaction_id
      if (tx.paid_at) result.paidAt = tx.paid_at
      return result
    },

    async closeOrder(outTradeNo: string): Promise<void> {
      validate(outTradeNo)
      if (await transition(outTradeNo, { state: 'CLOSED', closed_at: deps.clock.now() })) return
      const tx = await read(outTradeNo)
      if (tx?.state === 'SUCCESS') throw fail('REJECTED', 'order already paid', 'ORDERPAID')
      // Already closed, or never created: it cannot be paid either way.
    },

    getTransaction: read,

    async confirmPayment(outTradeNo: string): Promise<PaymentNotification> {
      validate(outTradeNo)
      const tx = await read(outTradeNo)
      if (!tx) throw fail('REJECTED', 'no such order', 'ORDER_NOT_EXIST')
      if (tx.state === 'SUCCESS') return notificationOf(tx)
      if (tx.state === 'CLOSED') throw fail('REJECTED', 'order closed', 'ORDER_CLOSED')
      const now = deps.clock.now()
      if (now.getTime() >= tx.expires_at.getTime()) throw fail('REJECTED', 'order expired', 'ORDER_EXPIRED')

      const transactionId = `4200${deps.ids.id().replace(/[^0-9a-f]/gi, '').slice(0, 24)}`
      if (!(await transition(outTradeNo, { state: 'SUCCESS', transaction_id: transactionId, paid_at: now }))) {
        // Lost a race with another confirm or a close: report whatever won.
        const after = await read(outTradeNo)
        if (after?.state === 'SUCCESS') return notificationOf(after)
        if (after?.state === 'CLOSED') throw fail('REJECTED', 'order closed', 'ORDER_CLOSED')
        throw fail('UNAVAILABLE', 'payment could not be recorded')
      }
      return notificationOf({ ...tx, state: 'SUCCESS', transaction_id: transactionId, paid_at: now })
    },

    async forgeNotification(outTradeNo: string, amountFen?: number): Promise<PaymentNotification> {
      const tx = OUT_TRADE_NO.test(outTradeNo) ? await read(outTradeNo) : null
      return {
        outTradeNo,
        totalFee: amountFen ?? tx?.amount_fen ?? 0,
        transactionId: `4200${deps.ids.id().replace(/[^0-9a-f]/gi, '').slice(0, 24)}`,
        success: true,
        ...(tx ? { payerOpenid: tx.payer_openid } : {}),
      }
    },
  }
  return port
}
