import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestGateway } from '../../testing'
import { garmentBytes, pipelineGateway, register } from '../generation/pipeline-fixtures'

// Real image rendering and several worker passes per test: generous under a loaded machine.
vi.setConfig({ testTimeout: 60_000 })

let gw: TestGateway
afterEach(async () => gw?.close())

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('storage/registerAsset + resolveAsset', () => {
  it('dedupes per user by sha256, and a hash never reveals another user\'s file', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    await register(gw, 'bob')
    const bytes = await garmentBytes()
    const hash = sha(bytes)
    expect(await gw.as('alice').ok('storage/resolveAsset', { hash, size: bytes.length })).toEqual({ file_id: null })
    const a1 = (await gw.rt.storage.upload({ cloudPath: 'users/alice/uploads/a1.jpg', content: bytes })).fileId
    expect(await gw.as('alice').ok('storage/registerAsset', { hash, size: bytes.length, file_id: a1 })).toEqual({ file_id: a1, deduplicated: false })
    expect(await gw.as('alice').ok('storage/resolveAsset', { hash, size: bytes.length })).toEqual({ file_id: a1 })
    expect(await gw.as('alice').ok('storage/resolveAsset', { hash, size: bytes.length + 1 })).toEqual({ file_id: null })
    // A second upload of the same bytes is answered with the first file.
    const a2 = (await gw.rt.storage.upload({ cloudPath: 'users/alice/uploads/a2.jpg', content: bytes })).fileId
    expect(await gw.as('alice').ok('storage/registerAsset', { hash, size: bytes.length, file_id: a2 })).toEqual({ file_id: a1, deduplicated: true })
    // Bob knows the hash: nothing.
    expect(await gw.as('bob').ok('storage/resolveAsset', { hash, size: bytes.length })).toEqual({ file_id: null })
    // Bob registers Alice's file id: refused as if missing.
    expect(await gw.as('bob').call('storage/registerAsset', { hash, size: bytes.length, file_id: a1 })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    // Bob's own copy is his asset.
    const b1 = (await gw.rt.storage.upload({ cloudPath: 'users/bob/uploads/b1.jpg', content: bytes })).fileId
    expect(await gw.as('bob').ok('storage/registerAsset', { hash, size: bytes.length, file_id: b1 })).toEqual({ file_id: b1, deduplicated: false })
    expect(await gw.as('bob').ok('storage/resolveAsset', { hash, size: bytes.length })).toEqual({ file_id: b1 })
    // The asset's file vanished: resolve says so; a new upload takes its place.
    await gw.rt.storage.delete([a1])
    expect(await gw.as('alice').ok('storage/resolveAsset', { hash, size: bytes.length })).toEqual({ file_id: null })
    expect(await gw.as('alice').ok('storage/registerAsset', { hash, size: bytes.length, file_id: a2 })).toEqual({ file_id: a2, deduplicated: false })
  })

  it('checks existence, size and the real hash of the bytes; concurrent registrations make one asset', async () => {
    gw = await pipelineGateway()
    await register(gw, 'alice')
    const bytes = await garmentBytes()
    const f = (await gw.rt.storage.upload({ cloudPath: 'users/alice/uploads/f.jpg', content: bytes })).fileId
    expect(await gw.as('alice').call('storage/registerAsset', { hash: sha(bytes), size: bytes.length, file_id: 'local://users/alice/uploads/none.jpg' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('storage/registerAsset', { hash: sha(bytes), size: bytes.length - 1, file_id: f })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await gw.as('alice').call('storage/registerAsset', { hash: sha(Buffer.from('other')), size: bytes.length, file_id: f })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    const shared = (await gw.rt.storage.upload({ cloudPath: 'scenes/x.jpg', content: bytes })).fileId
    expect(await gw.as('alice').call('storage/registerAsset', { hash: sha(bytes), size: bytes.length, file_id: shared })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    const copies = await Promise.all([1, 2, 3, 4].map((i) => gw.rt.storage.upload({ cloudPath: `users/alice/uploads/c${i}.jpg`, content: bytes })))
    const results = await Promise.all(copies.map((c) => gw.as('alice').ok('storage/registerAsset', { hash: sha(bytes), size: bytes.length, file_id: c.fileId })))
    expect(new Set(results.map((r) => r.file_id)).size).toBe(1)
    expect((await gw.rt.db.collection('assets').where({ user_openid: 'alice' }).count()).total).toBe(1)
  })
})
