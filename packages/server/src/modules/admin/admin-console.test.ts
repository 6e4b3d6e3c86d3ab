/** The operators' console actions (contract actions/admin-console.ts), through the gateway as an admin and as a user. */
import { afterEach, describe, expect, it } from 'vitest'
import { actions, type ActionUrl } from '@aiphoto/contract'
import type { TestGateway } from '../../testing'
import { expectInvariants, garmentBytes, pipelineGateway, register, runWorker, upload } from '../generation/pipeline-fixtures'
import { pay } from '../payment/payment-test-kit'
import { STATS_COLLECTION } from './dashboard/rollup'

const ADMIN = 'openid-admin'
let gw: TestGateway
afterEach(async () => gw?.close())

async function generate(gw: TestGateway, openid: string, count = 1) {
  await register(gw, openid)
  const file = await upload(gw, openid, await garmentBytes())
  const scenes = await gw.as(openid).ok('scene/getScenes', {})
  return gw.as(openid).ok('photography/generate', { garment_images: [file], scene_id: scenes.items[0]!._id, count })
}

const auditCount = async (gw: TestGateway) => (await gw.rt.db.collection('logs').where({ kind: 'audit' }).count()).total

describe('admin console: access', () => {
  it('an ordinary user gets FORBIDDEN on every admin/* action (valid input or not) and nothing changes; only admins see is_admin', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const task = await generate(gw, 'alice')
    const alice = gw.as('alice')
    const before = { credits: (await alice.ok('user/getUserInfo')).credits, audits: await auditCount(gw) }
    const adminUrls = (Object.keys(actions) as ActionUrl[]).filter((u) => u.startsWith('admin/'))
    expect(adminUrls.length).toBeGreaterThanOrEqual(26)
    const plausible: Record<string, unknown> = { openid: 'alice', task_id: task.task_id, delta: 1000, reason: '自己加分', request_id: 'self-gift-0001', range: 'today', _id: 'local-compositor', out_trade_no: 'x'.repeat(10), ids: ['a'], type: 'photography' }
    for (const url of adminUrls) {
      expect(await alice.call(url, {}), url).toMatchObject({ success: false, code: 'FORBIDDEN' })
      expect(await alice.call(url, plausible), url).toMatchObject({ success: false, code: 'FORBIDDEN' })
      expect(await gw.anonymous.call(url, {}), url).toMatchObject({ success: false, code: 'UNAUTHENTICATED' })
    }
    expect({ credits: (await alice.ok('user/getUserInfo')).credits, audits: await auditCount(gw) }).toEqual(before)
    expect((await gw.rt.db.collection(STATS_COLLECTION).count()).total).toBe(0)
    expect((await alice.ok('user/getUserInfo')).is_admin).toBe(false)
    expect((await gw.as(ADMIN).ok('user/getUserInfo')).is_admin).toBe(true)
  })
})

describe('admin console: dashboard', () => {
  it('counts generations by mode and status, times, revenue, credits, new users and check-ins of today from the stored roll-up', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const done = await generate(gw, 'alice', 2)
    gw.clock.advance(4_000)
    await runWorker(gw)
    const failed = await generate(gw, 'bob')
    await gw.as(ADMIN).ok('admin/refundTask', { task_id: failed.task_id, reason: '测试失败' })
    await gw.as('carol').ok('user/register', {})
    await gw.as('carol').ok('payment/dailyCheckin', {})
    const order = await gw.as('carol').ok('payment/createOrder', { package_id: 'pkg_6' })
    await pay(gw, order.out_trade_no)
    await gw.as(ADMIN).ok('admin/queryOrder', { out_trade_no: order.out_trade_no })

    const d = await gw.as(ADMIN).ok('admin/getDashboard', { range: 'today' })
    expect(d.series).toHaveLength(24)
    expect(d.totals).toMatchObject({ generations: 2, completed: 1, failed: 1, new_users: 4, checkins: 1, revenue_fen: 600 })
    expect(d.by_mode.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { mode: 'scene', status: 'completed', count: 1 },
      { mode: 'scene', status: 'failed', count: 1 },
    ])
    expect(d.success_rate).toBe(0.5)
    // The completed task took 4 s from creation to finish: the 5 s bucket.
    expect({ p50: d.p50_ms, p95: d.p95_ms }).toEqual({ p50: 5_000, p95: 5_000 })
    expect(d.provider_failures).toEqual([{ provider_id: 'none', failed_tasks: 1 }])
    // Issued: 4 signup bonuses of 100, a check-in, the recharge; consumed: the completed job only (the failed one was refunded).
    const ledger = (await gw.rt.db.collection('credit_ledger').limit(1000).get()).data as Array<{ kind: string; delta: number }>
    const issued = ledger.filter((e) => e.delta > 0 && e.kind !== 'refund').reduce((a, e) => a + e.delta, 0)
    expect(d.totals.credits_issued).toBe(issued)
    expect(d.totals.credits_consumed).toBe(done.cost)
    expect(d.providers.find((p) => p._id === 'local-compositor')).toMatchObject({ circuit: 'closed', is_active: true })

    // A second view within a minute reads the stored roll-up (same computed_at) even though data changed meanwhile.
    await gw.as('dave').ok('user/register', {})
    gw.clock.advance(30_000)
    const again = await gw.as(ADMIN).ok('admin/getDashboard', { range: 'today' })
    expect(again.computed_at).toBe(d.computed_at)
    expect(again.totals.new_users).toBe(4)
    gw.clock.advance(31_000)
    expect((await gw.as(ADMIN).ok('admin/getDashboard', { range: 'today' })).totals.new_users).toBe(5)
  })

  it('7 and 30 days: a point per day, past days computed once and final; the timer keeps today fresh', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    gw.clock.advance(24 * 3600_000)
    await gw.as('alice').ok('user/register', {})
    const week = await gw.as(ADMIN).ok('admin/getDashboard', { range: '7d' })
    expect(week.series).toHaveLength(7)
    expect(week.series.map((p) => p.new_users).slice(-2)).toEqual([1, 1])
    expect(week.totals.new_users).toBe(2)
    const docs = (await gw.rt.db.collection(STATS_COLLECTION).limit(100).get()).data as Array<{ _id: string; final: boolean }>
    expect(docs).toHaveLength(7)
    expect(docs.filter((x) => !x.final).map((x) => x._id)).toEqual([week.days[6]])
    const month = await gw.as(ADMIN).ok('admin/getDashboard', { range: '30d' })
    expect(month.series).toHaveLength(30)
    expect(month.totals.new_users).toBe(2)

    // The timer refreshes today's roll-up after a minute without anyone viewing.
    await gw.as('bob').ok('user/register', {})
    gw.clock.advance(61_000)
    await gw.raw({ Type: 'Timer', TriggerName: 'worker', Time: gw.clock.now().toISOString() })
    const today = (await gw.rt.db.collection(STATS_COLLECTION).doc(week.days[6]!).get()).data[0] as { hours: Array<{ new_users: number }> }
    expect(today.hours.reduce((a, h) => a + h.new_users, 0)).toBe(2)
    expect(await gw.as(ADMIN).call('admin/getDashboard', { range: '90d' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
  })

  it('counts a day larger than one page exactly, with ties in created_at across page boundaries', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const at = gw.clock.now()
    // 2 600 users in 26 distinct instants: every page boundary (1 000) falls inside a run of equal timestamps.
    for (let b = 0; b < 3; b++) {
      const docs = Array.from({ length: 1000 }, (_, i) => b * 1000 + i)
        .filter((n) => n < 2600)
        .map((n) => ({ _id: `bulk${String(n).padStart(5, '0')}`, openid: `bulk${n}`, nickname: 'x', avatar_url: '', credits: 0, invite_code: `B${String(n).padStart(5, '0')}`, invited_by: null, checkin_streak: 0, last_checkin_date: null, created_at: new Date(at.getTime() + Math.floor(n / 100) * 1000), updated_at: at }))
      await gw.rt.db.collection('users').add(docs)
    }
    // And 1 200 more sharing one instant: more than a page at a single created_at.
    const same = new Date(at.getTime() + 60_000)
    for (let b = 0; b < 2; b++) {
      const docs = Array.from({ length: b === 0 ? 1000 : 200 }, (_, i) => b * 1000 + i).map((n) => ({ _id: `same${String(n).padStart(5, '0')}`, openid: `same${n}`, nickname: 'x', avatar_url: '', credits: 0, invite_code: `S${String(n).padStart(5, '0')}`, invited_by: null, checkin_streak: 0, last_checkin_date: null, created_at: same, updated_at: at }))
      await gw.rt.db.collection('users').add(docs)
    }
    const d = await gw.as(ADMIN).ok('admin/getDashboard', { range: 'today' })
    expect(d.totals.new_users).toBe(2600 + 1200 + 1)
  })
})

describe('admin console: tasks, users, orders', () => {
  it('filters stuck and failed tasks, shows one task with its ledger, and a refund is audited once', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const admin = gw.as(ADMIN)
    const stuck = await generate(gw, 'alice')
    await gw.rt.db.collection('task_queue').doc(stuck.task_id).update({ status: 'processing', lease_id: 'dead', lease_until: gw.clock.now(), attempts: 1 })
    const retrying = await generate(gw, 'bob')
    await gw.rt.db.collection('task_queue').doc(retrying.task_id).update({ error: 'provider timeout', attempts: 1, next_attempt_at: new Date(gw.clock.now().getTime() + 30_000) })
    gw.clock.advance(1_000)
    const ids = async (input: Record<string, unknown>) => (await admin.ok('admin/searchTasks', input)).items.map((t) => t._id)
    expect(await ids({ filter: 'stuck' })).toEqual([stuck.task_id])
    expect(await ids({ filter: 'failed' })).toEqual([retrying.task_id])
    expect((await ids({ filter: 'active' })).sort()).toEqual([stuck.task_id, retrying.task_id].sort())
    expect(await ids({ filter: 'all', openid: 'bob', type: 'photography' })).toEqual([retrying.task_id])
    expect(await ids({ filter: 'all', type: 'fitting' })).toEqual([])

    const refund = await admin.ok('admin/refundTask', { task_id: retrying.task_id, reason: '供应商超时' })
    expect(refund.refunded).toBe(retrying.cost)
    expect(await admin.call('admin/refundTask', { task_id: retrying.task_id, reason: '供应商超时' })).toMatchObject({ success: false, code: 'CONFLICT' })
    const detail = await admin.ok('admin/getTask', { task_id: retrying.task_id })
    expect(detail).toMatchObject({ status: 'failed', attempts: 1, refunded: retrying.cost, cost: retrying.cost, stuck: false })
    expect(detail.ledger.map((e) => [e.kind, e.delta])).toEqual([
      ['consume', -retrying.cost],
      ['refund', retrying.cost],
    ])
    expect(detail.audit).toMatchObject([{ action: 'admin/refundTask', actor: ADMIN }])
    expect((await admin.ok('admin/getTask', { task_id: stuck.task_id })).stuck).toBe(true)
    await gw.rt.db.collection('task_queue').doc(stuck.task_id).update({
      steps: [{ kind: 'cutout', units: [{ count: 1, source: null, outputs: ['local://x/cut.png'] }] }, { kind: 'tryon', units: [{ count: 1, source: 0, outputs: null, failed: 'timeout' }] }, { kind: 'upscale', units: null }],
      step_index: 1,
    })
    expect((await admin.ok('admin/getTask', { task_id: stuck.task_id })).steps).toEqual([
      { name: 'cutout', status: 'done', at: null },
      { name: 'tryon', status: 'failed', at: null },
      { name: 'upscale', status: 'pending', at: null },
    ])
    expect(await admin.call('admin/getTask', { task_id: 'nope' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await admin.call('admin/searchTasks', { filter: 'everything' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    await expectInvariants(gw)
  })

  it('looks a user up by invite code (any case) with ledger, works and orders; adjusting needs a reason', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const task = await generate(gw, 'alice')
    await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    const code = (await gw.as('alice').ok('user/getUserInfo')).invite_code
    const admin = gw.as(ADMIN)
    const found = await admin.ok('admin/lookupUser', { invite_code: code.toLowerCase() })
    expect(found.user).toMatchObject({ openid: 'alice', is_admin: false })
    expect(found.ledger.map((e) => e.kind).sort()).toEqual(['consume', 'signup_bonus'])
    expect(found.works).toMatchObject([{ _id: task.work_id, status: 'pending' }])
    expect(found.orders).toMatchObject([{ amount_fen: 600, status: 'pending' }])
    expect((await admin.ok('admin/lookupUser', { openid: 'alice' })).user.openid).toBe('alice')
    expect(await admin.call('admin/lookupUser', { invite_code: 'ZZZZZZ' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await admin.call('admin/lookupUser', {})).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await admin.call('admin/adjustCredits', { openid: 'alice', delta: 5, reason: '', request_id: 'adj-00000001' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
  })

  it('queryOrder credits a paid order whose notification was lost, exactly once; closeExpiredOrders closes stale ones', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    await register(gw, 'alice')
    const admin = gw.as(ADMIN)
    const paid = await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    await pay(gw, paid.out_trade_no)
    const first = await admin.ok('admin/queryOrder', { out_trade_no: paid.out_trade_no })
    expect(first).toEqual({ out_trade_no: paid.out_trade_no, provider_state: 'SUCCESS', status_before: 'pending', status_after: 'paid', credited: true })
    expect(await admin.ok('admin/queryOrder', { out_trade_no: paid.out_trade_no })).toMatchObject({ status_before: 'paid', credited: false })
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(100 + paid.credits)
    expect(await admin.call('admin/queryOrder', { out_trade_no: 'NOSUCHORDER1' })).toMatchObject({ success: false, code: 'NOT_FOUND' })

    await gw.as('alice').ok('payment/createOrder', { package_id: 'pkg_6' })
    expect(await admin.ok('admin/closeExpiredOrders', {})).toEqual({ checked: 0, closed: 0, credited: 0 })
    gw.clock.advance(31 * 60_000)
    expect(await admin.ok('admin/closeExpiredOrders', {})).toEqual({ checked: 1, closed: 1, credited: 0 })
    expect((await admin.ok('admin/listOrders', { status: 'closed' })).items).toHaveLength(1)
    await expectInvariants(gw)
  })
})

describe('admin console: catalog, providers, audit log', () => {
  it('previews a draft or the active template for a scene and names unknown placeholders', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const admin = gw.as(ADMIN)
    const scene = (await admin.ok('admin/listScenes', {})).items[0]!
    const draft = await admin.ok('admin/previewPrompt', { type: 'photography', template: 'Photo in {scene_name}, {pose} pose, {colour} tone', scene_id: scene._id, options: { pose: 'walking' } })
    expect(draft).toEqual({ prompt: `Photo in ${scene.name}, walking pose, tone`, negative_prompt: '', unknown_placeholders: ['colour'] })
    const active = await admin.ok('admin/previewPrompt', { type: 'fitting' })
    expect(active.prompt.length).toBeGreaterThan(10)
    expect(active.unknown_placeholders).toEqual([])
    expect((await admin.ok('admin/listPromptTemplates', { type: 'photography' })).items).toHaveLength(1)
    expect(await admin.call('admin/previewPrompt', { type: 'photography', scene_id: 'ghost' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })

  it('reorders scenes', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const admin = gw.as(ADMIN)
    const ids = (await admin.ok('admin/listScenes', {})).items.map((s) => s._id)
    const reversed = [...ids].reverse()
    expect((await admin.ok('admin/setSceneOrder', { ids: reversed })).updated).toBeGreaterThan(0)
    expect((await gw.as('alice').ok('scene/getScenes', {})).items.map((s) => s._id)).toEqual(reversed)
    expect(await admin.call('admin/setSceneOrder', { ids: [reversed[0]!, reversed[0]!] })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect(await admin.call('admin/setSceneOrder', { ids: ['ghost'] })).toMatchObject({ success: false, code: 'NOT_FOUND' })
  })

  it('tests a provider with one tiny job: the local compositor succeeds, nobody is charged, the key-less audit is listed', async () => {
    gw = await pipelineGateway()
    await register(gw, ADMIN)
    const admin = gw.as(ADMIN)
    const ledgerBefore = (await gw.rt.db.collection('credit_ledger').count()).total
    const ok = await admin.ok('admin/testApiConfig', { _id: 'local-compositor' })
    expect(ok).toMatchObject({ ok: true, outcome: 'succeeded', images: 1 })
    gw.clock.advance(1000)
    // A config whose adapter cannot be built (unknown provider) says so instead of failing the call.
    const secret = 'sk-test-NEVER-SHOWN-123456'
    const cfg = await admin.ok('admin/upsertApiConfig', { provider: 'stability', api_name: 'x', endpoint: 'https://stability.example.invalid', headers: { Authorization: secret }, is_active: false })
    gw.clock.advance(1000)
    const broken = await admin.ok('admin/testApiConfig', { _id: cfg._id })
    expect(broken.ok).toBe(false)
    expect(await admin.call('admin/testApiConfig', { _id: 'ghost' })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect((await gw.rt.db.collection('credit_ledger').count()).total).toBe(ledgerBefore)
    expect((await gw.rt.db.collection('task_queue').count()).total).toBe(0)

    const log = await admin.ok('admin/listAuditLog', { pageSize: 2 })
    expect(log.items.map((e) => e.action)).toEqual(['admin/testApiConfig', 'admin/upsertApiConfig'])
    expect(log.items[0]).toMatchObject({ actor: ADMIN, target: `api_configs:${cfg._id}` })
    const rest = await admin.ok('admin/listAuditLog', { pageSize: 50, cursor: log.next_cursor! })
    expect(rest.items.map((e) => e.action)).toEqual(['admin/testApiConfig'])
    expect(JSON.stringify([log, rest])).not.toContain(secret)
  })
})
