// Hand-made analysed images for the pure compare units: a layer list and final entries.
import type { ImageAnalysis, LayerSummary } from '../../../../shared/models/analysis'
import type { FinalEntry } from '../../analysis/analyzed-image'
import type { ComparableImage } from '../compare-service'

/** Entries from a compact spec: "usr/lib/x.so:1200" (file), "bin/sh->busybox" (symlink), "etc/" (dir); `@n` = layer. */
export function entries(...specs: string[]): FinalEntry[] {
  return specs.map((s) => {
    let layer = 0
    const at = s.lastIndexOf('@')
    if (at > 0) {
      layer = Number(s.slice(at + 1))
      s = s.slice(0, at)
    }
    if (s.endsWith('/')) return { path: s.slice(0, -1), kind: 'dir', size: 0, mode: 0o755, layer }
    const link = s.indexOf('->')
    if (link > 0) return { path: s.slice(0, link), kind: 'symlink', size: 0, mode: 0o777, layer, linkTarget: s.slice(link + 2) }
    const colon = s.lastIndexOf(':')
    return { path: s.slice(0, colon), kind: 'file', size: Number(s.slice(colon + 1)), mode: 0o644, layer }
  })
}

export function layer(index: number, diffId: string, contentBytes: number, createdBy = `RUN step ${index}`): LayerSummary {
  return {
    index,
    diffId,
    contentBytes,
    files: 0,
    entries: 0,
    added: 0,
    changed: 0,
    deleted: 0,
    addedBytes: 0,
    changedBytes: 0,
    deletedBytes: 0,
    createdBy,
    createdByRaw: createdBy,
    historyIndex: index,
    isBase: false
  }
}

export function fakeImage(opts: {
  key: string
  ref: string
  id?: string
  size?: number
  sizeKind?: 'engine' | 'content'
  arch?: string
  layers: LayerSummary[]
  entries: FinalEntry[]
  wasteBytes?: number
}): ComparableImage {
  const finalBytes = opts.entries.reduce((s, e) => s + (e.kind === 'file' ? e.size : 0), 0)
  const layerBytes = opts.layers.reduce((s, l) => s + l.contentBytes, 0)
  const analysis: ImageAnalysis = {
    key: opts.key,
    source: { kind: 'engine', ref: opts.ref },
    format: 'docker-archive',
    image: {
      id: opts.id ?? `sha256:${opts.key.padEnd(64, '0')}`,
      repoTags: [opts.ref],
      size: opts.size ?? layerBytes,
      sizeKind: opts.sizeKind ?? 'engine',
      os: 'linux',
      arch: opts.arch ?? 'amd64'
    },
    layers: opts.layers,
    history: [],
    layerBytes,
    final: { bytes: finalBytes, files: opts.entries.filter((e) => e.kind === 'file').length, entries: opts.entries.length },
    waste: {
      bytes: opts.wasteBytes ?? 0,
      efficiency: layerBytes > 0 ? finalBytes / layerBytes : 1,
      dive: { score: 1, wastedBytes: 0, userWastedPercent: 0 },
      paths: [],
      pathCount: 0
    },
    cachedLayers: 0,
    elapsedMs: 1
  }
  return { analysis, finalEntries: () => opts.entries }
}
