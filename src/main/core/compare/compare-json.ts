// The stable JSON of `layerscope compare --json` (documented in docs/compare-json.md): flat,
// every size in bytes, layers by diff ID. Kept apart from the Comparison model so the model
// may grow without changing what scripts read.
import type { Comparison, ComparedSide, LayerRef } from '../../../shared/models/compare'
import { imagePlatform } from '../../../shared/image-source'

export const COMPARE_JSON_VERSION = 1

function side(s: ComparedSide) {
  return {
    id: s.image.id,
    tags: s.image.repoTags,
    source: s.source,
    size: s.image.size,
    sizeKind: s.image.sizeKind,
    layers: s.layers.length,
    layerBytes: s.layers.reduce((n, l) => n + l.contentBytes, 0),
    finalBytes: s.final.bytes,
    files: s.final.files,
    wastedBytes: s.waste.bytes,
    efficiency: s.waste.efficiency,
    platform: imagePlatform(s.image) || null
  }
}

function layerRef(l: LayerRef) {
  return {
    diffId: l.diffId,
    contentBytes: l.contentBytes,
    createdBy: l.createdBy,
    ...(l.indexA !== undefined ? { indexA: l.indexA } : {}),
    ...(l.indexB !== undefined ? { indexB: l.indexB } : {})
  }
}

export function toCompareJson(c: Comparison) {
  return {
    version: COMPARE_JSON_VERSION,
    a: side(c.a),
    b: side(c.b),
    labels: c.labels ?? { a: 'A', b: 'B' },
    sharedLayers: c.sharedLayers.map(layerRef),
    onlyA: c.onlyA.map(layerRef),
    onlyB: c.onlyB.map(layerRef),
    delta: {
      bytes: c.delta.bytes,
      ratio: c.delta.ratio,
      basis: c.delta.basis ?? 'engine',
      finalBytes: c.delta.finalBytes ?? c.b.final.bytes - c.a.final.bytes,
      files: c.delta.files,
      layers: c.delta.layers,
      wastedBytes: c.delta.wastedBytes,
      efficiency: c.delta.efficiency
    },
    files: {
      added: { count: c.files.added.count, bytes: c.files.added.bytes },
      removed: { count: c.files.removed.count, bytes: c.files.removed.bytes },
      changed: {
        count: c.files.changed.count,
        bytes: c.files.changed.bytes,
        bytesA: c.files.changed.bytesA ?? 0,
        bytesB: c.files.changed.bytesB ?? 0,
        sameSize: c.files.changed.sameSize ?? 0
      },
      metadata: { count: c.files.metadata?.count ?? 0, bytes: c.files.metadata?.bytes ?? 0 },
      moved: {
        count: c.files.moved?.count ?? 0,
        bytes: c.files.moved?.bytes ?? 0,
        paths: (c.files.moved?.paths ?? []).map((m) => ({ from: m.from, to: m.to, bytes: m.bytes, digest: m.digest })),
        truncated: c.files.moved?.truncated ?? false
      }
    },
    contributors: c.contributors.map((r) => ({ path: r.path, bytesA: r.bytesA, bytesB: r.bytesB, delta: r.delta, status: r.status, ...(r.moved !== undefined ? { moved: r.moved } : {}) })),
    sentence: c.sentence,
    notes: c.notes
  }
}

export type CompareJson = ReturnType<typeof toCompareJson>
