/**
 * Signed image URLs expire (works: 1 h, scene thumbnails: 2 h; packages/server). A page that shows them reloads
 * its data before they do: on a timer while it is open and when it is shown again after the deadline, and once
 * when an image fails to load anyway (a clock skew or a URL revoked early).
 */
import { useCallback, useEffect, useRef } from 'react'
import { useDidShow } from '@tarojs/taro'

/** Comfortably inside the shortest TTL the gateway signs with (3600 s). */
export const SIGNED_URL_MAX_AGE_MS = 45 * 60 * 1000

export function useFreshUrls(loadedAt: number | null, reload: () => unknown, maxAgeMs = SIGNED_URL_MAX_AGE_MS): { onImageError: () => void } {
  const latest = useRef(reload)
  latest.current = reload
  const retried = useRef<number | null>(null)

  useDidShow(() => {
    if (loadedAt !== null && Date.now() - loadedAt >= maxAgeMs) void latest.current()
  })
  useEffect(() => {
    if (loadedAt === null) return
    const timer = setTimeout(() => void latest.current(), Math.max(0, loadedAt + maxAgeMs - Date.now()))
    return () => clearTimeout(timer)
  }, [loadedAt, maxAgeMs])

  const onImageError = useCallback(() => {
    // One reload per loaded generation: a broken image that stays broken must not loop.
    if (loadedAt === null || retried.current === loadedAt) return
    retried.current = loadedAt
    void latest.current()
  }, [loadedAt])
  return { onImageError }
}
