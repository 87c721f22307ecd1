import type { ImageSource, TreeScope } from '../../../shared/models/analysis'
import { LayerscopeError } from '../../core/errors'
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

function checkSource(s: unknown): ImageSource {
  const src = s as ImageSource | undefined
  if (src && src.kind === 'engine' && typeof src.ref === 'string' && src.ref.trim()) return src
  if (src && src.kind === 'archive' && typeof src.path === 'string' && src.path) return src
  if (src && src.kind === 'registry' && typeof src.ref === 'string' && src.ref.trim()) return src
  throw new LayerscopeError('INVALID_INPUT', 'source must be { kind: "engine", ref }, { kind: "archive", path } or { kind: "registry", ref }.')
}

function checkScope(s: unknown): TreeScope {
  const sc = s as TreeScope | undefined
  if (!sc || typeof sc.key !== 'string') throw new LayerscopeError('INVALID_INPUT', 'scope must name an open analysis: { key, layer, mode }.')
  if (sc.layer !== null && sc.layer !== undefined && !Number.isInteger(sc.layer)) throw new LayerscopeError('INVALID_INPUT', 'scope.layer must be a layer index or null.')
  if (sc.mode !== 'layer' && sc.mode !== 'stacked') throw new LayerscopeError('INVALID_INPUT', 'scope.mode must be "layer" or "stacked".')
  return { key: sc.key, layer: sc.layer ?? null, mode: sc.mode }
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt
}

export function analysisHandlers(
  s: Services
): HandlerGroup<'analysis:open' | 'analysis:tree' | 'analysis:search' | 'analysis:treemap' | 'analysis:waste' | 'cache:info' | 'cache:clear'> {
  return {
    'analysis:open': async (req, ctx) => {
      const source = checkSource(req.source)
      let last = 0
      const img = await s.analysis().open(source, {
        noCache: req.options?.noCache === true,
        platform: typeof req.options?.platform === 'string' && req.options.platform ? req.options.platform : undefined,
        signal: ctx.signal,
        onProgress: (p) => {
          if (!ctx.jobId) return
          // At most ~20 events a second: the UI cannot show more and IPC/SSE should not carry more.
          const now = Date.now()
          if (p.phase === 'export' || p.phase === 'read') {
            if (now - last < 50) return
          }
          last = now
          ctx.emit('job:progress', { jobId: ctx.jobId, ...p })
        }
      })
      return img.analysis
    },
    'analysis:tree': async (req) => {
      const sc = checkScope(req.scope)
      return s.analysis().get(sc.key).tree(sc.layer, sc.mode, String(req.path ?? '/'), req.sort === 'name' ? 'name' : 'size', num(req.offset, 0), num(req.limit, 200))
    },
    'analysis:search': async (req) => {
      const sc = checkScope(req.scope)
      return s.analysis().get(sc.key).search(sc.layer, sc.mode, String(req.query ?? ''), num(req.limit, 200))
    },
    'analysis:treemap': async (req) => {
      const sc = checkScope(req.scope)
      return s.analysis().get(sc.key).treemap(sc.layer, sc.mode, String(req.path ?? '/'), num(req.depth, 2), num(req.maxNodes, 500))
    },
    'analysis:waste': async (req) => {
      if (typeof req.key !== 'string') throw new LayerscopeError('INVALID_INPUT', 'key must name an open analysis.')
      return s.analysis().get(req.key).wastePaths(num(req.offset, 0), num(req.limit, 100))
    },
    'cache:info': async () => s.analysis().cacheInfo(),
    'cache:clear': async () => s.analysis().cacheClear()
  }
}
