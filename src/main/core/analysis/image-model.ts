// Turns parsed (or cached) layers + config into the ImageAnalysis every front shows.
import type { ImageAnalysis, ImageSource, LayerSummary } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'
import { AnalyzedImage } from './analyzed-image'
import { joinHistory, type RawHistory } from './history'
import type { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import { SavingsCollector } from './savings'
import { findDuplicates } from '../content/duplicates'
import { Refs, stackLayers } from './stack'

export interface ModelLayer {
  diffId: string
  entries: LayerEntries
  /** Download bytes of the layer blob, when the source knows them. */
  compressedBytes?: number
  blobDigest?: string
}

export interface ModelInput {
  key: string
  source: ImageSource
  format: ImageAnalysis['format']
  id: string
  repoTags: string[]
  config: ImageConfig
  /** Overrides config.history (engine /history when the config is not known). */
  history?: RawHistory[]
  engineSizes?: number[]
  /** inspect .Size for engine images. */
  engineSize?: number
  created?: string
  paths: PathTable
  layers: ModelLayer[]
  cachedLayers: number
  elapsedMs: number
  base?: { ref: string; layers: number }
  /** Config blob bytes: with every layer's blob bytes known, the image's download size. */
  configBytes?: number
}

export function buildImage(input: ModelInput): AnalyzedImage {
  const entries = input.layers.map((l) => l.entries)
  const refs = new Refs(entries)
  const top = entries.length - 1
  const stack = stackLayers(input.paths, refs, top, true)
  const { steps, stepOfLayer } = joinHistory(input.history ?? input.config.history ?? [], entries.length, input.engineSizes)

  let layerBytes = 0
  let compressed = 0
  let allCompressed = entries.length > 0
  const layers: LayerSummary[] = input.layers.map((l, i) => {
    const e = l.entries
    const c = stack.changes![i]!
    const step = steps[stepOfLayer[i]!]
    layerBytes += e.contentBytes
    if (l.compressedBytes !== undefined) compressed += l.compressedBytes
    else allCompressed = false
    const s: LayerSummary = {
      index: i,
      diffId: l.diffId,
      contentBytes: e.contentBytes,
      files: e.files,
      entries: e.entries,
      added: c.added,
      changed: c.changed,
      deleted: c.deleted,
      addedBytes: c.addedBytes,
      changedBytes: c.changedBytes,
      deletedBytes: c.deletedBytes,
      createdBy: step?.createdBy ?? '',
      createdByRaw: step?.createdByRaw ?? '',
      historyIndex: stepOfLayer[i] ?? -1,
      isBase: input.base !== undefined && i < input.base.layers
    }
    if (l.compressedBytes !== undefined) s.compressedBytes = l.compressedBytes
    if (l.blobDigest) s.blobDigest = l.blobDigest
    if (step?.created) s.created = step.created
    return s
  })

  let finalBytes = 0
  let finalFiles = 0
  let finalEntries = 0
  const vis = stack.vis
  // The same pass feeds the savings rules (regular files only: the rest carry no bytes).
  const savings = new SavingsCollector()
  for (let id = 1; id < vis.length; id++) {
    const r = vis[id]!
    if (r < 0) continue
    finalEntries++
    const L = refs.layerOf(r)
    const l = entries[L]!
    const i = r - refs.offsets[L]!
    if (l.kind[i] === 0) {
      finalFiles++
      finalBytes += l.size[i]!
      savings.addPathId(input.paths, id, l.size[i]!, L)
    }
  }

  const waste = stack.waste!
  let userBytes = 0
  for (let i = 1; i < entries.length; i++) userBytes += entries[i]!.contentBytes
  const dive = stack.dive!
  const analysis: ImageAnalysis = {
    key: input.key,
    source: input.source,
    format: input.format,
    image: {
      id: input.id,
      repoTags: input.repoTags,
      size: input.engineSize ?? layerBytes,
      sizeKind: input.engineSize !== undefined ? 'engine' : 'content'
    },
    layers,
    history: steps,
    layerBytes,
    final: { bytes: finalBytes, files: finalFiles, entries: finalEntries },
    waste: {
      bytes: layerBytes - finalBytes,
      efficiency: layerBytes === 0 ? 1 : finalBytes / layerBytes,
      dive: { score: dive.score, wastedBytes: dive.wastedBytes, userWastedPercent: userBytes === 0 ? 0 : dive.wastedBytes / userBytes },
      paths: [],
      pathCount: waste.count
    },
    cachedLayers: input.cachedLayers,
    elapsedMs: input.elapsedMs
  }
  if (allCompressed) {
    analysis.image.compressedSize = compressed
    // As registries count it: layer blobs + the config blob.
    if (input.configBytes !== undefined) analysis.image.downloadSize = compressed + input.configBytes
  }
  const created = input.created ?? input.config.created
  if (created) analysis.image.created = created
  if (input.config.os) analysis.image.os = input.config.os
  if (input.config.architecture) analysis.image.arch = input.config.architecture
  if (input.config.variant) analysis.image.variant = input.config.variant
  if (input.base) analysis.base = input.base
  analysis.duplicates = findDuplicates(input.paths, entries, refs, vis)
  const img = new AnalyzedImage(analysis, { paths: input.paths, layers: entries, stack })
  analysis.waste.paths = img.wastePaths(0, 1000).paths
  const hiddenLayers = new Map<number, { layerIndex: number; bytes: number; files: number }>()
  for (let k = 0; k < waste.count; k++) {
    const L = waste.layer[k]!
    const h = hiddenLayers.get(L) ?? { layerIndex: L, bytes: 0, files: 0 }
    h.bytes += waste.bytes[k]!
    h.files++
    hiddenLayers.set(L, h)
  }
  analysis.savings = savings.finish(layerBytes, {
    bytes: analysis.waste.bytes,
    files: waste.count,
    paths: analysis.waste.paths.slice(0, 10).map((w) => ({ path: w.path, bytes: w.bytes, layerIndex: w.layerIndex })),
    layers: [...hiddenLayers.values()]
  })
  return img
}
