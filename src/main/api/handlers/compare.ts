import type { Services } from '../services'
import { progressOf, type HandlerGroup } from '../types'

export function compareHandlers(s: Services): HandlerGroup<'compare:open' | 'compare:contributors' | 'compare:treemap'> {
  return {
    'compare:open': async (req, ctx) =>
      s.compare().open(req.a, req.b, { noCache: req.options?.noCache, platform: req.options?.platform, signal: ctx.signal, onProgress: progressOf(ctx) }),
    'compare:contributors': async (req) => s.compare().contributors(req.aKey, req.bKey, req.path, req.limit),
    'compare:treemap': async (req) => s.compare().treemap(req.aKey, req.bKey, req.path, req.depth, req.maxNodes)
  }
}
