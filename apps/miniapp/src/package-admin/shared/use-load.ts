/** Loads one screen's data (answers for an older request are dropped); `reload` after an action. */
import { useCallback, useEffect, useRef, useState } from 'react'
import { errorMessage, isApiError } from '@aiphoto/client'
import { ensureSession } from '../../services/session'

export function useLoad<T>(load: () => Promise<T>, deps: ReadonlyArray<unknown>) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [forbidden, setForbidden] = useState(false)
  const [loading, setLoading] = useState(true)
  const gen = useRef(0)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps)
  const reload = useCallback(async () => {
    const mine = ++gen.current
    setLoading(true)
    setError(null)
    try {
      await ensureSession()
      const value = await run()
      if (mine === gen.current) setData(value)
    } catch (e) {
      if (mine === gen.current) {
        setError(errorMessage(e))
        setForbidden(isApiError(e) && e.code === 'FORBIDDEN')
      }
    } finally {
      if (mine === gen.current) setLoading(false)
    }
  }, [run])
  useEffect(() => {
    void reload()
  }, [reload])
  return { data, error, forbidden, loading, reload, setData }
}
