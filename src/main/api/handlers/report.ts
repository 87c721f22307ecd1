import type { Services } from '../services'
import type { HandlerContext, HandlerGroup } from '../types'
import { progressOf } from '../types'

/** The report's steps as progress of phase 'report' (human text only: a report has no byte count). */
function job(ctx: HandlerContext): { signal: AbortSignal; onStep: (message: string) => void } {
  const progress = progressOf(ctx)
  return { signal: ctx.signal, onStep: (message) => progress({ phase: 'report', bytesDone: 0, message }) }
}

export function reportHandlers(s: Services): HandlerGroup<'report:render' | 'report:save' | 'report:copy'> {
  return {
    'report:render': async (req, ctx) => s.report().render(req, job(ctx)),
    'report:save': async (req, ctx) => s.report().save(req, job(ctx)),
    'report:copy': async (req, ctx) => s.report().copy(req, job(ctx))
  }
}
