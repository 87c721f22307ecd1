// Lines up two images' layers by diff ID. Layers are shared only as a common prefix from the
// bottom: a layer is stored once by the engine only when every layer below it is the same
// too (the chain ID), so an identical layer on top of a different base is not shared.
import type { LayerSummary } from '../../../shared/models/analysis'
import type { LayerRef } from '../../../shared/models/compare'

export interface LayerAlignment {
  sharedLayers: LayerRef[]
  onlyA: LayerRef[]
  onlyB: LayerRef[]
}

export function alignLayers(a: readonly LayerSummary[], b: readonly LayerSummary[]): LayerAlignment {
  let shared = 0
  while (shared < a.length && shared < b.length && a[shared]!.diffId === b[shared]!.diffId) shared++
  return {
    sharedLayers: a.slice(0, shared).map((l, i) => ({
      diffId: l.diffId,
      contentBytes: l.contentBytes,
      createdBy: l.createdBy,
      indexA: i,
      indexB: i
    })),
    onlyA: a.slice(shared).map((l, i) => ({ diffId: l.diffId, contentBytes: l.contentBytes, createdBy: l.createdBy, indexA: shared + i })),
    onlyB: b.slice(shared).map((l, i) => ({ diffId: l.diffId, contentBytes: l.contentBytes, createdBy: l.createdBy, indexB: shared + i }))
  }
}
