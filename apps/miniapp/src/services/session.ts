/**
 * Who the user is: registers on first use (with an invite code when opened from a share), keeps the profile and
 * balance every page shows, and handles an expired session in one place.
 */
import Taro from '@tarojs/taro'
import { inviteCodeSchema, type UserProfile } from '@aiphoto/contract'
import { ApiError } from '@aiphoto/client'
import { api, setUnauthenticatedHandler } from './api'
import { createStore, useStore } from './store'
import { readToken, writeToken } from './token'

export const profileStore = createStore<UserProfile | null>(null)

export function useProfile(): UserProfile | null {
  return useStore(profileStore)
}

/** Balance changes reported by any action (generate, check-in, order) update every page at once. */
export function setCredits(credits: number): void {
  profileStore.set((p) => (p ? { ...p, credits } : p))
}

const INVITE_KEY = 'aiphoto.invite'
export const LOGIN_PAGE = '/pages/login/index'

/** Remembers an invite code from a share path until registration uses it. Invalid codes are ignored. */
export function rememberInvite(code: unknown): void {
  const parsed = inviteCodeSchema.safeParse(typeof code === 'string' ? code.trim().toUpperCase() : code)
  if (parsed.success) Taro.setStorageSync(INVITE_KEY, parsed.data)
}

function pendingInvite(): string | undefined {
  const code = Taro.getStorageSync(INVITE_KEY) as unknown
  return typeof code === 'string' && inviteCodeSchema.safeParse(code).success ? code : undefined
}

let pending: Promise<UserProfile> | null = null

/** Resolves with the signed-in user, registering on first call. On H5 without a token it sends the user to the dev login. */
export function ensureSession(): Promise<UserProfile> {
  const current = profileStore.get()
  if (current) return Promise.resolve(current)
  if (process.env.TARO_ENV === 'h5' && !readToken()) {
    goToLogin()
    return Promise.reject(new ApiError({ code: 'UNAUTHENTICATED' }))
  }
  if (!pending) {
    const invite_code = pendingInvite()
    pending = api.user
      .register(invite_code ? { invite_code } : {})
      .then(({ user }) => {
        Taro.removeStorageSync(INVITE_KEY)
        profileStore.set(user)
        return user
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

/** Re-reads the profile (balance, streak) from the server. */
export async function refreshProfile(): Promise<UserProfile> {
  const user = await api.user.get()
  profileStore.set(user)
  return user
}

/** H5: stores the dev token and registers. */
export async function signIn(token: string): Promise<UserProfile> {
  writeToken(token)
  profileStore.set(null)
  return ensureSession()
}

let redirecting = false
function goToLogin(): void {
  if (process.env.TARO_ENV !== 'h5' || redirecting) return
  redirecting = true
  Taro.reLaunch({ url: LOGIN_PAGE }).finally(() => {
    redirecting = false
  })
}

setUnauthenticatedHandler(() => {
  profileStore.set(null)
  if (process.env.TARO_ENV === 'h5') {
    writeToken(null)
    goToLogin()
  }
  // weapp: the platform identity never expires; the next ensureSession() registers again.
})
