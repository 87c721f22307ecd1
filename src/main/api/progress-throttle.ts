import type { EventName, Events } from '../../shared/api'
import type { JobProgress } from '../../shared/models/analysis'

/** At most this often per job: the UI cannot show more, and IPC/SSE should not carry more. */
export const PROGRESS_INTERVAL_MS = 100

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void

/**
 * Wraps a job's emit: job:progress goes out at most every PROGRESS_INTERVAL_MS, the newest
 * held event is sent when the interval ends, a change of phase or side always goes out (the
 * last event of each phase is never lost), so do a preview and every layer-read, and `flush()` at the job's end sends what is held.
 * Other events (log lines) pass straight through, in order: a held progress event is sent first.
 */
export function throttleProgress(emit: Emit, intervalMs = PROGRESS_INTERVAL_MS, now: () => number = Date.now): { emit: Emit; flush: () => void } {
  let lastSent = -Infinity
  let last: JobProgress | undefined
  let held: JobProgress | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const send = (p: JobProgress): void => {
    if (timer) clearTimeout(timer)
    timer = undefined
    held = undefined
    lastSent = now()
    last = p
    emit('job:progress', p)
  }
  const flush = (): void => {
    if (held) send(held)
  }

  const wrapped: Emit = (event, payload) => {
    if (event !== 'job:progress') {
      flush()
      emit(event, payload)
      return
    }
    const p = payload as JobProgress
    // The preview and each layer-read are facts, not samples: never held back or replaced.
    const turned = (last !== undefined && (last.phase !== p.phase || last.side !== p.side)) || p.preview !== undefined || p.layerRead !== undefined
    if (turned) flush()
    const wait = lastSent + intervalMs - now()
    if (turned || wait <= 0) {
      send(p)
      return
    }
    held = p
    timer ??= setTimeout(flush, wait)
    // A held event must not keep a CLI process alive.
    ;(timer as { unref?: () => void }).unref?.()
  }
  return { emit: wrapped, flush }
}
