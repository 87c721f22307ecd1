import { formatReference, parseImageReference } from '../../core/registry'
// The request arrives validated by its schema (src/shared/schemas/requests.ts).
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

export function registryHandlers(s: Services): HandlerGroup<'registry:tags'> {
  return {
    'registry:tags': async (req, ctx) => {
      const ref = parseImageReference(req.ref.trim())
      const tags = await s.registry().listTags(ref, { signal: ctx.signal })
      const { tag: _t, digest: _d, ...repo } = ref
      return { repository: formatReference(repo), tags }
    }
  }
}
