// A repository's tags as one series: ordered, cut to the last N, each with the layers it shares
// with the previous tag and the series' common base. Pure: the measuring is elsewhere.
import type { HistoryOrder, HistoryTag, TagSeries } from '../../../shared/models/history'
import { orderTags, sharedPrefix } from './series-order'

/** One tag as measured from its manifest + config (registry) or inspect + history (engine). */
export interface MeasuredTag extends Omit<HistoryTag, 'sharedWithPrevious' | 'baseBytes' | 'sharedBytes' | 'layers'> {
  diffIds: string[]
  /** Bytes per layer (download bytes for registry, history sizes for engine), when known exactly. */
  layerBytes?: number[]
}

export interface SeriesInput {
  repository: string
  kind: TagSeries['kind']
  order: HistoryOrder
  last?: number
  requests: TagSeries['requests']
  skipped?: TagSeries['skipped']
}

function sumTo(bytes: number[] | undefined, n: number): number | undefined {
  if (!bytes) return undefined
  let s = 0
  for (let i = 0; i < n; i++) s += bytes[i] ?? 0
  return s
}

export function buildSeries(measured: readonly MeasuredTag[], input: SeriesInput): TagSeries {
  const { ordered, skipped } = orderTags(measured, input.order)
  const allSkipped = [...(input.skipped ?? []), ...skipped]
  let kept = ordered
  if (input.last !== undefined && ordered.length > input.last) {
    kept = ordered.slice(ordered.length - input.last)
    for (const t of ordered.slice(0, ordered.length - input.last)) allSkipped.push({ tag: t.tag, reason: `older than the last ${input.last}` })
  }
  let base = kept[0]?.diffIds.length ?? 0
  for (const t of kept) base = Math.min(base, sharedPrefix(kept[0]!.diffIds, t.diffIds))
  const tags: HistoryTag[] = kept.map((t, i) => {
    const shared = i === 0 ? 0 : sharedPrefix(kept[i - 1]!.diffIds, t.diffIds)
    const { diffIds, layerBytes, ...rest } = t
    const out: HistoryTag = { ...rest, layers: diffIds.length, sharedWithPrevious: shared }
    const baseBytes = sumTo(layerBytes, base)
    if (baseBytes !== undefined) out.baseBytes = baseBytes
    const sharedBytes = i === 0 ? undefined : sumTo(layerBytes, shared)
    if (sharedBytes !== undefined) out.sharedBytes = sharedBytes
    return out
  })
  return { repository: input.repository, kind: input.kind, order: input.order, tags, baseLayers: base, skipped: allSkipped, requests: input.requests }
}
