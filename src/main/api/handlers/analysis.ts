import type { Services } from '../services'
import { progressOf, type HandlerGroup } from '../types'

// Requests arrive validated by their schemas (src/shared/schemas), defaults filled in.
export function analysisHandlers(
  s: Services
): HandlerGroup<'analysis:open' | 'analysis:tree' | 'analysis:search' | 'analysis:treemap' | 'analysis:waste' | 'analysis:layer' | 'cache:info' | 'cache:clear'> {
  return {
    'analysis:open': async (req, ctx) =>
      (
        await s.analysis().open(req.source, {
          noCache: req.options?.noCache === true,
          platform: req.options?.platform || undefined,
          signal: ctx.signal,
          jobId: ctx.jobId,
          onProgress: progressOf(ctx)
        })
      )
        .analysis,
    'analysis:tree': async ({ scope, path, sort, offset, limit }) => s.analysis().get(scope.key).tree(scope.layer, scope.mode, path, sort, offset, limit),
    'analysis:search': async ({ scope, query, limit }) => s.analysis().get(scope.key).search(scope.layer, scope.mode, query, limit),
    'analysis:treemap': async ({ scope, path, depth, maxNodes }) => s.analysis().get(scope.key).treemap(scope.layer, scope.mode, path, depth, maxNodes),
    'analysis:waste': async ({ key, offset, limit }) => s.analysis().get(key).wastePaths(offset, limit),
    'analysis:layer': async ({ job, layer, path, sort, offset, limit }) => s.analysis().layerTree(job, layer, path, sort, offset, limit),
    'cache:info': async () => s.analysis().cacheInfo(),
    'cache:clear': async () => s.analysis().cacheClear()
  }
}
