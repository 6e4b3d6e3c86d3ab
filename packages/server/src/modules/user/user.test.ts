import { afterEach, describe, expect, it } from 'vitest'
import { createTestGateway, type TestGateway } from '../../testing'

let gw: TestGateway
afterEach(async () => gw?.close())

async function ledgerOf(gw: TestGateway, openid: string) {
  const res = await gw.rt.db.collection('credit_ledger').where({ user_openid: openid }).get()
  return res.data as Array<{ _id: string; delta: number; kind: string; balance_after: number }>
}

describe('user/register', () => {
  it('creates the user with the seed fields and the signup bonus', async () => {
    gw = await createTestGateway()
    const res = await gw.as('alice').ok('user/register', { nickname: '  小爱  ' })
    expect(res.created).toBe(true)
    expect(res.user).toMatchObject({ openid: 'alice', nickname: '小爱', credits: 100, avatar_url: '', invited_by: null })
    expect(res.user.invite_code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/)
    const doc = (await gw.rt.db.collection('users').doc('alice').get()).data[0]
    for (const field of ['openid', 'nickname', 'avatar_url', 'credits', 'invite_code', 'created_at', 'updated_at']) expect(doc).toHaveProperty(field)
    expect(doc.created_at).toBeInstanceOf(Date)
    expect(await ledgerOf(gw, 'alice')).toEqual([expect.objectContaining({ _id: 'signup_bonus:alice', delta: 100, kind: 'signup_bonus', balance_after: 100 })])
  })

  it('is idempotent: 12 concurrent calls make one user and one bonus', async () => {
    gw = await createTestGateway()
    const results = await Promise.all(Array.from({ length: 12 }, () => gw.as('alice').call('user/register', {})))
    expect(results.every((r) => r.success)).toBe(true)
    expect(results.filter((r) => r.success && r.data.created)).toHaveLength(1)
    const codes = new Set(results.map((r) => (r.success ? r.data.user.invite_code : '')))
    expect(codes.size).toBe(1)
    expect((await gw.rt.db.collection('users').where({ openid: 'alice' }).count()).total).toBe(1)
    expect(await ledgerOf(gw, 'alice')).toHaveLength(1)
    expect((await gw.as('alice').ok('user/getUserInfo')).credits).toBe(100)
  })

  it('rewards inviter and invitee once each; self-invite and a second invite do nothing', async () => {
    gw = await createTestGateway()
    const inviter = (await gw.as('inviter').ok('user/register', {})).user
    const other = (await gw.as('other').ok('user/register', {})).user

    const invitee = await gw.as('invitee').ok('user/register', { invite_code: inviter.invite_code })
    expect(invitee.user).toMatchObject({ credits: 130, invited_by: 'inviter' })
    expect((await gw.as('inviter').ok('user/getUserInfo')).credits).toBe(150)

    // Registering again with another code: already registered, nothing changes.
    const again = await gw.as('invitee').ok('user/register', { invite_code: other.invite_code })
    expect(again).toMatchObject({ created: false, user: { credits: 130, invited_by: 'inviter' } })
    expect((await gw.as('other').ok('user/getUserInfo')).credits).toBe(100)

    // Concurrent registrations with the same code reward each new invitee once.
    await Promise.all(['n1', 'n2', 'n3'].flatMap((id) => [gw.as(id).call('user/register', { invite_code: inviter.invite_code }), gw.as(id).call('user/register', { invite_code: inviter.invite_code })]))
    expect((await gw.as('inviter').ok('user/getUserInfo')).credits).toBe(150 + 3 * 50)

    // Unknown code: registered without reward.
    expect((await gw.as('lonely').ok('user/register', { invite_code: 'ZZZZZZ' })).user).toMatchObject({ credits: 100, invited_by: null })
  })

  it('ignores a self-invite', async () => {
    gw = await createTestGateway()
    // The code can only be known after registering, so a self-invite is a second register call.
    const me = (await gw.as('me').ok('user/register', {})).user
    const again = await gw.as('me').ok('user/register', { invite_code: me.invite_code })
    expect(again.user).toMatchObject({ credits: 100, invited_by: null })
    expect(await ledgerOf(gw, 'me')).toHaveLength(1)
  })

  it.each([
    [{ invite_code: 'abc' }, 'invite_code'],
    [{ invite_code: { $ne: null } }, 'invite_code'],
    [{ invite_code: 'A'.repeat(13) }, 'invite_code'],
    [{ nickname: 'x'.repeat(33) }, 'nickname'],
    [{ nickname: '   ' }, 'nickname'],
    [{ nickname: 12 }, 'nickname'],
    [{ avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
    [{ avatar_url: 'https://' + 'a'.repeat(600) }, 'avatar_url'],
    [{ credits: 99999 }, ''],
  ])('rejects bad input %j and creates nothing', async (input, field) => {
    gw = await createTestGateway()
    const res = await gw.as('alice').call('user/register', input as never)
    expect(res).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    if (!res.success && field) expect(JSON.stringify(res.details)).toContain(field)
    expect((await gw.rt.db.collection('users').where({ openid: 'alice' }).count()).total).toBe(0)
  })
})

describe('user/getUserInfo and user/updateUserInfo', () => {
  it('reads and edits only nickname and avatar', async () => {
    gw = await createTestGateway()
    const alice = gw.as('alice')
    expect(await alice.call('user/getUserInfo')).toMatchObject({ success: false, code: 'NOT_FOUND' })
    await alice.ok('user/register', {})
    const updated = await alice.ok('user/updateUserInfo', { nickname: '  新名字 ', avatar_url: 'https://thirdwx.qlogo.cn/a.png' })
    expect(updated).toMatchObject({ nickname: '新名字', avatar_url: 'https://thirdwx.qlogo.cn/a.png', credits: 100 })
    expect(await alice.ok('user/getUserInfo')).toMatchObject({ nickname: '新名字' })
  })

  it.each([
    [{}, ''],
    [{ credits: 1_000_000 }, ''],
    [{ nickname: 'x'.repeat(33) }, 'nickname'],
    [{ nickname: '' }, 'nickname'],
    [{ nickname: ['a'] }, 'nickname'],
    [{ avatar_url: 'ftp://x/y.png' }, 'avatar_url'],
    [{ invite_code: 'ABCDEF' }, ''],
    [{ nickname: 'ok', is_admin: true }, ''],
  ])('rejects %j and changes nothing', async (input, field) => {
    gw = await createTestGateway()
    const alice = gw.as('alice')
    const before = (await alice.ok('user/register', { nickname: '原名' })).user
    const res = await alice.call('user/updateUserInfo', input as never)
    expect(res).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    if (!res.success && field) expect(JSON.stringify(res.details)).toContain(field)
    expect(await alice.ok('user/getUserInfo')).toEqual(before)
  })

  it('rejects a nickname that fails the content check', async () => {
    gw = await createTestGateway()
    const alice = gw.as('alice')
    await alice.ok('user/register', { nickname: '原名' })
    expect(await alice.call('user/updateUserInfo', { nickname: '卖毒品的' })).toMatchObject({ success: false, code: 'VALIDATION_FAILED' })
    expect((await alice.ok('user/getUserInfo')).nickname).toBe('原名')
  })
})

describe('avatars', () => {
  it('accepts the caller\'s own stored avatar and shows it through a signed URL; another user\'s file is NOT_FOUND', async () => {
    gw = await createTestGateway()
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    const mine = (await gw.rt.storage.upload({ cloudPath: 'users/alice/avatar/a.png', content: png })).fileId
    const bobs = (await gw.rt.storage.upload({ cloudPath: 'users/bob/avatar/b.png', content: png })).fileId
    await gw.as('alice').ok('user/register', {})
    const updated = await gw.as('alice').ok('user/updateUserInfo', { avatar_url: mine })
    expect(updated.avatar_url).toBe(mine)
    expect(updated.avatar_display_url).toMatch(/\/files\/users\/alice\/avatar\/a\.png\?exp=\d+&sig=/)
    expect(await gw.as('alice').call('user/updateUserInfo', { avatar_url: bobs })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect(await gw.as('carol').call('user/register', { avatar_url: bobs })).toMatchObject({ success: false, code: 'NOT_FOUND' })
    expect((await gw.as('alice').ok('user/getUserInfo')).avatar_url).toBe(mine)
    const wechat = await gw.as('alice').ok('user/updateUserInfo', { avatar_url: 'https://thirdwx.qlogo.cn/x.png' })
    expect(wechat.avatar_display_url).toBe('https://thirdwx.qlogo.cn/x.png')
  })
})
