/** Users: idempotent registration with signup bonus and invite rewards, profile reads and edits. */
import type { UserProfile } from '@aiphoto/contract'
import { isDuplicateKeyError, type Runtime } from '@aiphoto/runtime'
import { AppError } from '../../errors'
import { findOne, getDoc, must, toIso } from '../../lib/db'
import type { UserDoc } from '../../data/documents'
import { applyCreditChange, runTx } from '../ledger/ledger'
import { newInviteCode } from './invite-code'

/** The profile with a displayable avatar (stored avatars get a signed URL; WeChat's https avatars pass through). */
export async function toProfile(doc: UserDoc, rt: Runtime): Promise<UserProfile> {
  let avatarDisplay: string | null = null
  if (doc.avatar_url.startsWith('https://')) avatarDisplay = doc.avatar_url
  else if (doc.avatar_url) avatarDisplay = (await rt.storage.getTempUrls([doc.avatar_url], 24 * 3600).catch(() => []))[0]?.url ?? null
  return {
    openid: doc.openid,
    nickname: doc.nickname,
    avatar_url: doc.avatar_url,
    avatar_display_url: avatarDisplay,
    credits: doc.credits,
    invite_code: doc.invite_code,
    invited_by: doc.invited_by ?? null,
    checkin_streak: doc.checkin_streak ?? 0,
    last_checkin_date: doc.last_checkin_date ?? null,
    is_admin: rt.config.adminOpenids.includes(doc.openid),
    created_at: toIso(doc.created_at),
    updated_at: toIso(doc.updated_at),
  }
}

export async function requireUser(rt: Runtime, openid: string): Promise<UserDoc> {
  const user = await getDoc<UserDoc>(rt.db, 'users', openid)
  if (!user) throw new AppError('NOT_FOUND', '用户未注册')
  return user
}

export interface RegisterInput {
  invite_code?: string
  nickname?: string
  avatar_url?: string
}

export async function register(rt: Runtime, openid: string, input: RegisterInput, now: Date): Promise<{ user: UserDoc; created: boolean }> {
  const existing = await getDoc<UserDoc>(rt.db, 'users', openid)
  if (existing) return { user: existing, created: false }

  if (input.nickname) await assertSafeText(rt, input.nickname, openid)
  if (input.avatar_url) await assertOwnAvatar(rt, input.avatar_url, openid)
  // NOTE: CloudBase transactions only allow document operations, so the inviter is looked up before.
  const inviter = input.invite_code ? await findOne<UserDoc>(rt.db, 'users', { invite_code: input.invite_code }) : null
  const validInviter = inviter && inviter.openid !== openid ? inviter : null

  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await runTx(rt.db, async (tx) => {
        const again = await getDoc<UserDoc>(tx, 'users', openid)
        if (again) return { user: again, created: false }
        const doc: UserDoc = {
          _id: openid,
          openid,
          nickname: input.nickname ?? `摄影师${openid.slice(-4)}`,
          avatar_url: input.avatar_url ?? '',
          credits: 0,
          invite_code: newInviteCode(),
          invited_by: validInviter?.openid ?? null,
          checkin_streak: 0,
          last_checkin_date: null,
          created_at: now,
          updated_at: now,
        }
        must(await tx.collection('users').add(doc))
        let balance = 0
        if (rt.config.signupBonus > 0) {
          balance = (await applyCreditChange(tx, { key: `signup_bonus:${openid}`, openid, delta: rt.config.signupBonus, kind: 'signup_bonus', refId: openid }, now)).balance
        }
        if (validInviter) {
          const { inviter: forInviter, invitee: forInvitee } = rt.config.inviteReward
          if (forInvitee > 0) {
            balance = (await applyCreditChange(tx, { key: `invite_reward:invitee:${openid}`, openid, delta: forInvitee, kind: 'invite_reward', refId: validInviter.openid, reason: '受邀注册奖励' }, now)).balance
          }
          if (forInviter > 0) {
            await applyCreditChange(tx, { key: `invite_reward:inviter:${openid}`, openid: validInviter.openid, delta: forInviter, kind: 'invite_reward', refId: openid, reason: '邀请好友奖励' }, now)
          }
        }
        return { user: { ...doc, credits: balance }, created: true }
      })
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err
      // Either a concurrent registration of the same openid won (return it) or the invite code collided (retry).
      const winner = await getDoc<UserDoc>(rt.db, 'users', openid)
      if (winner) return { user: winner, created: false }
    }
  }
  throw new AppError('CONFLICT', '注册失败，请重试')
}

export async function updateProfile(rt: Runtime, openid: string, input: { nickname?: string; avatar_url?: string }, now: Date): Promise<UserDoc> {
  const user = await requireUser(rt, openid)
  if (input.nickname !== undefined) await assertSafeText(rt, input.nickname, openid)
  if (input.avatar_url !== undefined) await assertOwnAvatar(rt, input.avatar_url, openid)
  const patch: Partial<UserDoc> = { updated_at: now }
  if (input.nickname !== undefined) patch.nickname = input.nickname
  if (input.avatar_url !== undefined) patch.avatar_url = input.avatar_url
  must(await rt.db.collection('users').doc(openid).update(patch))
  return { ...user, ...patch }
}

async function assertSafeText(rt: Runtime, text: string, openid: string): Promise<void> {
  const verdict = await rt.contentSafety.checkText({ text, openid, scene: 'profile' })
  if (!verdict.ok) throw new AppError('VALIDATION_FAILED', '内容含有违规信息，请修改后重试', { label: verdict.label ?? 'risky' })
}

/** A stored avatar must be the caller's own file: a signed URL for it is handed out with every profile read. */
async function assertOwnAvatar(rt: Runtime, avatarUrl: string, openid: string): Promise<void> {
  if (avatarUrl.startsWith('https://')) return
  const info = await rt.storage.stat(avatarUrl)
  if (!info || info.ownerOpenid !== openid) throw new AppError('NOT_FOUND', '头像文件不存在', { field: 'avatar_url' })
}
