import type { Services } from '../services'
import type { HandlerGroup } from '../types'

export function dockerfileHandlers(s: Services): HandlerGroup<'dockerfile:open' | 'dockerfile:build' | 'dockerfile:links'> {
  return {
    'dockerfile:open': (req, ctx) => s.dockerfile().open(req, ctx.signal),

    'dockerfile:build': (req, ctx) => {
      const jobId = ctx.jobId ?? 'dockerfile-build'
      return s.dockerfile().build(req, {
        signal: ctx.signal,
        onLog: (line, stream) => ctx.emit('job:log', { jobId, line, stream }),
        onProgress: (p) => ctx.emit('job:progress', { jobId, phase: 'build', bytesDone: p.done, bytesTotal: p.total, message: p.message })
      })
    },

    'dockerfile:links': (req, ctx) => s.dockerfile().links(req, ctx.signal)
  }
}
