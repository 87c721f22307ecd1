// Loads data for a component: newest request wins (stale answers are dropped), the previous
// data stays on screen while the next loads (no flicker on drill-down), errors are ApiErrors.
import { useEffect, useRef, useState } from 'react'
import type { ApiError } from '../../../shared/errors'
import { toApiError } from './call'

export interface Query<T> {
  data: T | undefined
  error: ApiError | null
  loading: boolean
  reload: () => void
}

export function useQuery<T>(fn: (() => Promise<T>) | null, deps: readonly unknown[]): Query<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(false)
  const [tick, setTick] = useState(0)
  const seq = useRef(0)
  useEffect(() => {
    if (!fn) return
    const my = ++seq.current
    setLoading(true)
    fn().then(
      (d) => {
        if (my !== seq.current) return
        setData(d)
        setError(null)
        setLoading(false)
      },
      (e: unknown) => {
        if (my !== seq.current) return
        setError(toApiError(e))
        setLoading(false)
      }
    )
    // The caller lists what the request depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])
  return { data, error, loading, reload: () => setTick((t) => t + 1) }
}
