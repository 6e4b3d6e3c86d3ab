import { describe, expect, it } from 'vitest'
import { isCollectionNotExistError, isDuplicateKeyError, isTransactionConflictError } from './database-errors'

describe('isDuplicateKeyError', () => {
  it('recognises node-sdk TcbError shapes (and so the local emulator, which throws the same shape)', () => {
    const tcb = Object.assign(new Error('[FailedOperation] E11000 duplicate key error'), { code: 'DATABASE_DUPLICATE_WRITE', requestId: 'r' })
    expect(isDuplicateKeyError(tcb)).toBe(true)
    expect(isDuplicateKeyError({ code: 'DATABASE_DUPLICATE_WRITE', message: 'x', requestId: 'r' })).toBe(true)
  })
  it('recognises wx-server-sdk errors carrying the MongoDB E11000 text', () => {
    expect(isDuplicateKeyError({ errCode: -502001, errMsg: 'database request fail | E11000 duplicate key error collection' })).toBe(true)
  })
  it('rejects everything else', () => {
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false)
    expect(isDuplicateKeyError({ code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict' })).toBe(false)
    expect(isDuplicateKeyError(null)).toBe(false)
    expect(isDuplicateKeyError('E11000')).toBe(false)
  })
})

describe('other database error predicates', () => {
  it('recognise conflicts and missing collections', () => {
    expect(isTransactionConflictError({ code: 'DATABASE_TRANSACTION_CONFLICT' })).toBe(true)
    expect(isTransactionConflictError({ code: 'X' })).toBe(false)
    expect(isCollectionNotExistError({ code: 'DATABASE_COLLECTION_NOT_EXIST' })).toBe(true)
    expect(isCollectionNotExistError({ errCode: -502005 })).toBe(true)
    expect(isCollectionNotExistError({ code: 'X' })).toBe(false)
  })
})
