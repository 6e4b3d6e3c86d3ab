/**
 * Local transactions: serialised by one FIFO lock (CloudBase runs them concurrently with optimistic conflicts;
 * serialising keeps 200 concurrent debits of one user all successful and correct). Writes stay in an overlay
 * nobody else sees until commit, which applies them in one SQLite transaction. A document the transaction
 * touched and someone changed outside it since is a conflict (`DATABASE_TRANSACTION_CONFLICT`), which
 * `runTransaction` retries, as it does against CloudBase.
 */
import { randomBytes } from 'node:crypto'
import type { Doc } from './codec'
import { DB_ERROR, EngineError } from './errors'

export interface TxWrite {
  collection: string
  k: string
  /** null = deleted in this transaction. */
  doc: Doc | null
  text: string | null
}

export interface TxState {
  id: string
  /** Version of each document when the transaction first saw it (null = absent). */
  seen: Map<string, { collection: string; k: string; ver: number | null }>
  writes: Map<string, TxWrite>
  finished: boolean
  timer: NodeJS.Timeout | null
  /** Resolves when the transaction commits, aborts or expires (plain writes to documents it holds wait for it). */
  ended: Promise<void>
  end: () => void
}

export const txKey = (collection: string, k: string): string => `${collection}\u0000${k}`

export class TransactionManager {
  private holder: TxState | null = null
  private readonly waiting: Array<() => void> = []
  private readonly open = new Map<string, TxState>()

  constructor(private readonly timeoutMs: number) {}

  async begin(): Promise<TxState> {
    if (this.holder) await new Promise<void>((resolve) => this.waiting.push(resolve))
    let end!: () => void
    const ended = new Promise<void>((resolve) => (end = resolve))
    const tx: TxState = {
      id: randomBytes(16).toString('hex'),
      seen: new Map(),
      writes: new Map(),
      finished: false,
      timer: null,
      ended,
      end,
    }
    this.holder = tx
    this.open.set(tx.id, tx)
    // A transaction nobody commits must not block everyone else forever.
    tx.timer = setTimeout(() => this.finish(tx), this.timeoutMs)
    tx.timer.unref()
    return tx
  }

  /** The open transaction with this id, or a CloudBase-style error when it ended or expired. */
  get(id: unknown): TxState {
    const tx = typeof id === 'string' ? this.open.get(id) : undefined
    if (!tx || tx.finished) {
      throw new EngineError(DB_ERROR.TRANSACTION_FAIL, `transaction ${String(id)} does not exist, was committed, aborted or expired`)
    }
    return tx
  }

  /** Ends a transaction (commit or abort) and hands the lock to the next one. Idempotent. */
  finish(tx: TxState): void {
    if (tx.finished) return
    tx.finished = true
    if (tx.timer) clearTimeout(tx.timer)
    this.open.delete(tx.id)
    tx.end()
    if (this.holder === tx) {
      const next = this.waiting.shift()
      if (next) {
        // Reserve the lock for the waiter until it resumes, so a begin() in between queues behind it.
        this.holder = PENDING
        next()
      } else {
        this.holder = null
      }
    }
  }

  /**
   * The open transaction that has written (and so holds the lock on) this document, if any. MongoDB: "If a
   * transaction is in progress and has taken a lock to modify a document, when a write outside the transaction
   * tries to modify the same document, the write waits until the transaction ends."
   * (https://www.mongodb.com/docs/manual/core/transactions-production-consideration/#in-progress-transactions-and-write-conflicts)
   */
  holding(key: string): TxState | undefined {
    for (const tx of this.open.values()) if (!tx.finished && tx.writes.has(key)) return tx
    return undefined
  }

  get active(): number {
    return this.open.size
  }
}

// Marks the lock as handed to a waiter that has not resumed yet.
const PENDING: TxState = { id: '', seen: new Map(), writes: new Map(), finished: true, timer: null, ended: Promise.resolve(), end: () => {} }
