import { CompareService } from '../../core/compare/compare-service'
import { LayerscopeError } from '../../core/errors'
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

// One compare service per backend, beside the analysis service it reads from: it keeps the
// last few diffs so drill-down and treemap queries need not diff again.
const services = new WeakMap<Services, CompareService>()

export function compareServiceOf(s: Services): CompareService {
  let c = services.get(s)
  if (!c) {
    c = new CompareService(() => s.analysis())
    services.set(s, c)
  }
  return c
}

function requireKeys(req: { aKey?: unknown; bKey?: unknown; path?: unknown }): { aKey: string; bKey: string; path: string } {
  if (typeof req.aKey !== 'string' || typeof req.bKey !== 'string' || req.aKey === '' || req.bKey === '') {
    throw new LayerscopeError('INVALID_INPUT', 'aKey and bKey (the keys compare:open returned for both sides) are required.')
  }
  const path = typeof req.path === 'string' && req.path !== '' ? req.path : '/'
  return { aKey: req.aKey, bKey: req.bKey, path }
}

function optionalInt(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new LayerscopeError('INVALID_INPUT', `${name} must be a whole number from ${min} to ${max}.`)
  }
  return v
}

export function compareHandlers(s: Services): HandlerGroup<'compare:open' | 'compare:contributors' | 'compare:treemap'> {
  return {
    'compare:open': async (req, ctx) =>
      compareServiceOf(s).open(req.a, req.b, {
        noCache: req.options?.noCache,
        platform: req.options?.platform,
        signal: ctx.signal,
        onProgress: (p) => {
          if (ctx.jobId) ctx.emit('job:progress', { ...p, jobId: ctx.jobId })
        }
      }),
    'compare:contributors': async (req) => {
      const { aKey, bKey, path } = requireKeys(req)
      return compareServiceOf(s).contributors(aKey, bKey, path, optionalInt(req.limit, 'limit', 1, 10_000))
    },
    'compare:treemap': async (req) => {
      const { aKey, bKey, path } = requireKeys(req)
      return compareServiceOf(s).treemap(aKey, bKey, path, optionalInt(req.depth, 'depth', 1, 12), optionalInt(req.maxNodes, 'maxNodes', 8, 5000))
    }
  }
}
