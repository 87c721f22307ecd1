// Requests started before the screen that needs them mounts (e.g. the first treemap level,
// asked for as soon as the analysis is done, while React renders the image view).
import type { Channel, Req, Res } from '../../../shared/api'
import type { TreeScope } from '../../../shared/models/analysis'
import { call } from './call'

const pending = new Map<string, Promise<unknown>>()
const keyOf = (channel: Channel, req: unknown): string => `${channel} ${JSON.stringify(req)}`

export function prefetch<C extends Channel>(channel: C, req: Req<C>): void {
  const k = keyOf(channel, req)
  if (pending.has(k)) return
  const p = call(channel, req)
  p.catch(() => undefined) // a failed prefetch is reported by the real call
  pending.set(k, p)
}

/** The prefetched answer when there is one (used once), else a fresh call. */
export function callPrefetched<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
  const k = keyOf(channel, req)
  const p = pending.get(k) as Promise<Res<C>> | undefined
  if (p) {
    pending.delete(k)
    return p
  }
  return call(channel, req)
}

/** The one shape of treemap request the image view makes (so prefetch keys match). */
export function treemapRequest(scope: TreeScope, path: string): Req<'analysis:treemap'> {
  return { scope: { key: scope.key, layer: scope.layer, mode: scope.mode }, path, depth: 2, maxNodes: 400 }
}
