/** Cursor paging for lists: first page, next page on reaching the bottom, refresh on pull-down. */
import { useCallback, useRef, useState } from 'react'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { errorMessage } from '@aiphoto/client'
import { toastError } from '../services/ui'

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const [items, setItems] = useState<T[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [status, setStatus] = useState<'idle' | 'loading' | 'more' | 'error'>('idle')
  const [error, setError] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  /** When the first page was fetched: the list's signed image URLs are as old as this (hooks/use-fresh.ts). */
  const [loadedAt, setLoadedAt] = useState<number | null>(null)
  // Each reload bumps the generation so answers for an older tab or refresh are dropped.
  const generation = useRef(0)
  const busy = useRef(false)

  const reload = useCallback(async () => {
    const gen = ++generation.current
    busy.current = true
    setStatus('loading')
    setError(null)
    try {
      const page = await fetchPage(undefined)
      if (gen !== generation.current) return
      setItems(page.items)
      setCursor(page.next_cursor)
      setStatus('idle')
      setLoaded(true)
      setLoadedAt(Date.now())
    } catch (e) {
      if (gen !== generation.current) return
      setError(errorMessage(e))
      setStatus('error')
      setLoaded(true)
    } finally {
      if (gen === generation.current) busy.current = false
    }
  }, [fetchPage])

  const loadMore = useCallback(async () => {
    if (busy.current || !cursor) return
    const gen = generation.current
    busy.current = true
    setStatus('more')
    try {
      const page = await fetchPage(cursor)
      if (gen !== generation.current) return
      setItems((prev) => [...prev, ...page.items])
      setCursor(page.next_cursor)
      setStatus('idle')
    } catch (e) {
      if (gen !== generation.current) return
      setStatus('idle')
      toastError(e)
    } finally {
      if (gen === generation.current) busy.current = false
    }
  }, [cursor, fetchPage])

  return { items, setItems, hasMore: cursor !== null, status, error, loaded, loadedAt, reload, loadMore }
}

/** Wires a paged list to its page's gestures: pull-down refreshes, reaching the bottom loads the next page. */
export function useListGestures(list: { reload(): Promise<void>; loadMore(): Promise<void> }): void {
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    void list.loadMore()
  })
}
