import { afterEach, describe, expect, it } from 'vitest'
import type { TestGateway } from '../../testing'
import { expectInvariants, garmentBytes, pipelineGateway, register, taskDoc, upload } from '../generation/pipeline-fixtures'

const ADMIN = 'openid-admin'
let gw: TestGateway
afterEach(async () => gw?.close())

async function auditEntries(gw: TestGateway, action: string) {
  return (await gw.rt.db.collection('logs').where({ kind: 'audit', action }).get()).data as Array<{ actor: string; before: unknown; after: unknown }>
}

/** A pending photography task of `openid` (not yet picked up by a worker). */
async function pendingTask(gw: TestGateway, openid: string) {
  await register(gw, openid)
  const file = await upload(gw, openid, await garmentBytes())
  const scenes = await gw.as(openid).ok('scene/getScenes', {})
  return gw.as(openid).ok('photography/generate', { garment_images: [file], scene_id: scenes.items[0]!._id, count: 2 })
}

describe('admin operations', () => {
  it('looks users up by openid or invite code', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const alice = (await gw.as('alice').ok('user/register', {})).user
    const admin = gw.as(ADMIN)
    expect(await admin.ok('admin/getUser', { openid: 'alice' })).toMatchObject({ openid: 'alice', credits: 100 })
    expect(await admin.ok('admin/getUser', { invite_code: alice.invite_code })).toMatchObject({ openid: 'alice' })
    expect(await admin.call('admin/getUser', {})).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await admin.call('admin/getUser', { openid: 'ghost' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('alice').call('admin/getUser', { openid: 'alice' })).toMatchObject({ success: false, code: 'FORBIDDEN' })
  })

  it('stores provider keys encrypted, never returns or logs them, and keeps them when an edit omits them', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const secret = 'sk-live-THIS-MUST-NOT-LEAK-1234567890'
    const admin = gw.as(ADMIN)
    const created = await admin.ok('admin/upsertApiConfig', {
      provider: 'dashscope',
      api_name: 'aitryon',
      endpoint: 'https://dashscope.example.invalid',
      headers: { Authorization: `Bearer ${secret}` },
      priority: 5,
    })
    expect(created.created).toBe(true)
    const list = await admin.ok('admin/listApiConfigs', {})
    const mine = list.items.find((c) => c._id === created._id)!
    expect(mine).toMatchObject({ provider: 'dashscope', header_names: ['Authorization'], priority: 5 })
    expect(JSON.stringify(list)).not.toContain(secret)
    const stored = (await gw.rt.db.collection('api_configs').doc(created._id).get()).data[0] as { headers: Record<string, string> }
    expect(stored.headers.Authorization).toMatch(/^v1:/)
    expect(JSON.stringify(stored)).not.toContain(secret)

    // An edit without headers keeps the (encrypted) key.
    await admin.ok('admin/upsertApiConfig', { _id: created._id, provider: 'dashscope', api_name: 'aitryon', endpoint: 'https://dashscope.example.invalid', priority: 6 })
    const edited = (await gw.rt.db.collection('api_configs').doc(created._id).get()).data[0] as { headers: Record<string, string>; priority: number }
    expect(edited).toMatchObject({ priority: 6, headers: { Authorization: stored.headers.Authorization } })

    // A new endpoint (or provider) without the key is refused: the kept key would be sent to the new address.
    // Before: the key was kept and admin/testApiConfig sent it there.
    const moved = await admin.call('admin/upsertApiConfig', { _id: created._id, provider: 'dashscope', api_name: 'aitryon', endpoint: 'https://attacker.example.invalid', priority: 6 })
    expect(moved).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field: 'headers' } })
    expect(await admin.call('admin/upsertApiConfig', { _id: created._id, provider: 'stability', api_name: 'core', endpoint: 'https://dashscope.example.invalid', priority: 6 })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect((await gw.rt.db.collection('api_configs').doc(created._id).get()).data[0]).toMatchObject({ endpoint: 'https://dashscope.example.invalid', priority: 6 })
    await admin.ok('admin/upsertApiConfig', { _id: created._id, provider: 'dashscope', api_name: 'aitryon', endpoint: 'https://dashscope-intl.example.invalid', headers: { Authorization: 'Bearer sk-new' }, priority: 6 })

    // Nothing the call wrote anywhere carries the key: log lines, audit records.
    expect(gw.logs.join('\n')).not.toContain(secret)
    const audits = await auditEntries(gw, 'admin/upsertApiConfig')
    expect(audits).toHaveLength(3)
    expect(JSON.stringify(audits)).not.toContain(secret)
    expect(JSON.stringify(audits)).not.toContain(stored.headers.Authorization!)

    // Non-admins cannot see or write configs.
    expect(await gw.as('mallory').call('admin/listApiConfigs', {})).toMatchObject({ success: false, code: 'FORBIDDEN' })
  })

  it('lists orders and tasks with filters and a cursor', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const first = await pendingTask(gw, 'alice')
    gw.clock.advance(1000)
    const second = await gw.as('alice').ok('photography/generate', { from_work_id: first.work_id })
    await pendingTask(gw, 'bob')
    const admin = gw.as(ADMIN)
    const page1 = await admin.ok('admin/listTasks', { openid: 'alice', pageSize: 1 })
    expect(page1.items.map((t) => t._id)).toEqual([second.task_id])
    const page2 = await admin.ok('admin/listTasks', { openid: 'alice', pageSize: 1, cursor: page1.next_cursor! })
    expect(page2.items.map((t) => t._id)).toEqual([first.task_id])
    expect(page2.next_cursor).toBeNull()
    expect((await admin.ok('admin/listTasks', { status: 'pending' })).items).toHaveLength(3)
    expect((await admin.ok('admin/listTasks', { status: 'completed' })).items).toHaveLength(0)

    await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    const orders = await admin.ok('admin/listOrders', { openid: 'alice' })
    expect(orders.items).toMatchObject([{ user_openid: 'alice', status: 'pending', amount_fen: 600 }])
    expect((await admin.ok('admin/listOrders', { status: 'paid' })).items).toHaveLength(0)
  })

  it('refunds a stuck task once, refuses a second refund, and records who did it', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const task = await pendingTask(gw, 'alice')
    const admin = gw.as(ADMIN)
    const before = (await gw.as('alice').ok('user/getUserInfo')).credits
    const [a, b] = await Promise.all([
      admin.call('admin/refundTask', { task_id: task.task_id, reason: '供应商故障' }),
      admin.call('admin/refundTask', { task_id: task.task_id, reason: '供应商故障' }),
    ])
    const outcomes = [a, b].map((r) => (r.success ? 'OK' : r.code)).sort()
    expect(outcomes).toEqual(['CONFLICT', 'OK'])
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(before + task.cost)
    expect(await taskDoc(gw, task.task_id)).toMatchObject({ status: 'failed' })
    expect(await admin.call('admin/requeueTask', { task_id: task.task_id, reason: '再试' })).toMatchObject({ success: false, code: 'CONFLICT' })
    const audits = await auditEntries(gw, 'admin/refundTask')
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ actor: ADMIN })
    await expectInvariants(gw)
  })

  it('requeues a task whose lease expired, and refuses one that a worker still holds', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const task = await pendingTask(gw, 'alice')
    const lease = new Date(gw.clock.now().getTime() + 120_000)
    await gw.rt.db.collection('task_queue').doc(task.task_id).update({ status: 'processing', lease_id: 'dead-worker', lease_until: lease })
    const admin = gw.as(ADMIN)
    expect(await admin.call('admin/requeueTask', { task_id: task.task_id, reason: '卡住了' })).toMatchObject({ success: false, code: 'CONFLICT' })
    gw.clock.advance(121_000)
    expect(await admin.ok('admin/requeueTask', { task_id: task.task_id, reason: '卡住了' })).toEqual({ task_id: task.task_id, status: 'pending' })
    // The worker then finishes it normally.
    await gw.system.ok('queue/processTask', {})
    expect(await taskDoc(gw, task.task_id)).toMatchObject({ status: 'completed' })
    await expectInvariants(gw)
  })

  it('runCleanup closes expired orders, removes deleted works\' leftover files and releases expired leases, idempotently', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const alice = gw.as('alice')
    const task = await pendingTask(gw, 'alice')
    await gw.system.ok('queue/processTask', {})
    const work = await alice.ok('api/getWorkDetail', { work_id: task.work_id })
    expect(work.images).toHaveLength(2)
    // A delete whose file removal failed leaves the files listed for retention.
    await gw.rt.db.collection('works').doc(task.work_id).update({ deleted: true, files_to_remove: work.images, files_pending: true })
    await alice.ok('payment/createOrder', { package_id: 'pkg_6' })
    // A task whose worker died: processing, lease long expired.
    const stuck = await pendingTask(gw, 'bob')
    await gw.rt.db.collection('task_queue').doc(stuck.task_id).update({ status: 'processing', lease_id: 'dead-worker', lease_until: gw.clock.now() })
    gw.clock.advance(31 * 60 * 1000)

    const admin = gw.as(ADMIN)
    const first = await admin.ok('admin/runCleanup', {})
    expect(first).toEqual({ files_removed: 2, orders_closed: 1, leases_reclaimed: 1 })
    expect(await taskDoc(gw, stuck.task_id)).toMatchObject({ status: 'pending', lease_id: null })
    for (const f of work.images) expect(await gw.rt.storage.stat(f)).toBeNull()
    expect(await admin.ok('admin/runCleanup', {})).toEqual({ files_removed: 0, orders_closed: 0, leases_reclaimed: 0 })
    expect((await alice.ok('payment/listRechargeRecords', {})).items[0]).toMatchObject({ status: 'closed' })
    await expectInvariants(gw)
  })
})
