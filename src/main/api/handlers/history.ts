import type { Services } from '../services'
import { progressOf, type HandlerGroup } from '../types'

export function historyHandlers(s: Services): HandlerGroup<'history:series' | 'history:jumps'> {
  return {
    'history:series': async (req, ctx) => s.history().series(req, { signal: ctx.signal, onProgress: progressOf(ctx) }),
    'history:jumps': async (req, ctx) => s.history().jumps(req, { signal: ctx.signal, onProgress: progressOf(ctx) })
  }
}
