import { LayerscopeError } from '../errors'

/**
 * Maps with at most `limit` calls in flight (layer blobs: enough to fill the link, few enough
 * for a small machine), order kept. The first failure or a cancel stops new calls from
 * starting and is what the promise rejects with; calls already running get the signal.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number, signal: AbortSignal) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const ac = new AbortController()
  const onAbort = (): void => ac.abort()
  if (signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
  signal?.addEventListener('abort', onAbort, { once: true })
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { e: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (!failure && !ac.signal.aborted && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i]!, i, ac.signal)
      } catch (e) {
        if (!failure) failure = { e }
        ac.abort()
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  if (failure) throw failure.e
  if (signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
  return results
}
