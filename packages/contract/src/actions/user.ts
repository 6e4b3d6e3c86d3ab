import * as z from 'zod'
import { defineAction } from '../define'
import { credits, emptyInput, isoDate, str } from '../common'

/** Invite codes are short, unambiguous (no 0/O/1/I) upper-case codes. */
export const inviteCodeSchema = z
  .string()
  .min(4)
  .max(12)
  .regex(/^[A-HJ-NP-Z2-9]+$/, 'invalid invite code')

export const nicknameSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, '昵称不能为空').max(32, '昵称最多 32 个字符'))

/** Avatar: a stored file id or an https URL (WeChat avatars). */
export const avatarUrlSchema = z
  .string()
  .max(512)
  .regex(/^(cloud:\/\/|local:\/\/|https:\/\/)[^\s]+$/, 'invalid avatar url')

export const userProfileSchema = z.object({
  openid: z.string(),
  nickname: z.string(),
  avatar_url: z.string(),
  /** What an <Image> can show: a signed, expiring URL for a stored avatar, the https URL itself, or null. */
  avatar_display_url: z.string().nullable(),
  credits,
  invite_code: z.string(),
  invited_by: z.string().nullable(),
  checkin_streak: z.number().int(),
  last_checkin_date: z.string().nullable(),
  is_admin: z.boolean(),
  created_at: isoDate,
  updated_at: isoDate,
})
export type UserProfile = z.infer<typeof userProfileSchema>

export const userActions = {
  'user/register': defineAction({
    url: 'user/register',
    access: 'user',
    summary: 'Creates the caller on first call (signup bonus, optional invite reward); later calls return the same user.',
    input: z.strictObject({
      invite_code: inviteCodeSchema.optional(),
      nickname: nicknameSchema.optional(),
      avatar_url: avatarUrlSchema.optional(),
    }),
    output: z.object({ user: userProfileSchema, created: z.boolean() }),
    rateLimitPerMinute: 30,
  }),
  'user/getUserInfo': defineAction({
    url: 'user/getUserInfo',
    access: 'user',
    summary: "The caller's profile and balance.",
    input: emptyInput,
    output: userProfileSchema,
  }),
  'user/updateUserInfo': defineAction({
    url: 'user/updateUserInfo',
    access: 'user',
    summary: 'Changes nickname and/or avatar; nothing else is writable.',
    input: z
      .strictObject({ nickname: nicknameSchema.optional(), avatar_url: avatarUrlSchema.optional() })
      .refine((v) => v.nickname !== undefined || v.avatar_url !== undefined, '至少修改一项'),
    output: userProfileSchema,
    rateLimitPerMinute: 20,
  }),
} as const

export { str }
