import { LayerscopeError } from '../../core/errors'
import { formatReference, parseImageReference } from '../../core/registry'
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

export function registryHandlers(s: Services): HandlerGroup<'registry:tags'> {
  return {
    'registry:tags': async (req, ctx) => {
      if (typeof req?.ref !== 'string' || req.ref.trim() === '') {
        throw new LayerscopeError('INVALID_INPUT', 'ref must name a repository: registry://HOST[:PORT]/REPO.')
      }
      const ref = parseImageReference(req.ref.trim())
      const tags = await s.registry().listTags(ref, { signal: ctx.signal })
      const { tag: _t, digest: _d, ...repo } = ref
      return { repository: formatReference(repo), tags }
    }
  }
}
