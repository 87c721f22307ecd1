// What an image is made of before a layer is read: the layer list with the history steps that
// made each layer and the sizes the source claims (engine /history, manifest blob sizes), so a
// front can show it while the layers stream. Built from DescribedImage alone; no byte of a layer.
import type { ImagePreview, ImageSource, PreviewLayer } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'
import type { DescribedImage, EngineHistoryEntry } from '../sources/layer-source'
import { historyFromEngine, joinHistory, type RawHistory } from './history'

/**
 * The engine's /history fills in when the config has none (an engine image: inspect carries
 * no history); its per-step sizes are joined when its steps line up with the config's.
 */
export function joinEngineHistory(
  engineHistory: EngineHistoryEntry[] | undefined,
  config: ImageConfig | undefined,
  layerCount: number
): { history?: RawHistory[]; engineSizes?: number[] } {
  if (!engineHistory || engineHistory.length === 0) return {}
  const oldestFirst = [...engineHistory].reverse()
  const configHistory = config?.history
  const out: { history?: RawHistory[]; engineSizes?: number[] } = {}
  if (!configHistory) out.history = historyFromEngine(engineHistory, layerCount)
  if (!configHistory || configHistory.length === oldestFirst.length) out.engineSizes = oldestFirst.map((h) => h.Size ?? 0)
  return out
}

export function buildPreview(
  d: DescribedImage,
  source: ImageSource,
  engineHistory: EngineHistoryEntry[] | undefined,
  cached: (diffId: string) => boolean
): ImagePreview {
  const { history, engineSizes } = joinEngineHistory(engineHistory, d.config, d.layers.length)
  const { steps, stepOfLayer } = joinHistory(history ?? d.config?.history ?? [], d.layers.length, engineSizes)
  const layers: PreviewLayer[] = d.layers.map((l, i) => {
    const step = steps[stepOfLayer[i]!]
    const p: PreviewLayer = {
      index: i,
      diffId: l.diffId,
      createdBy: step?.createdBy ?? '',
      createdByRaw: step?.createdByRaw ?? '',
      historyIndex: stepOfLayer[i] ?? -1,
      cached: cached(l.diffId)
    }
    if (step?.created) p.created = step.created
    // The manifest's blob size when the source lists one (registry, OCI), else the engine's step size.
    if (l.blobBytes !== undefined) {
      p.claimedBytes = l.blobBytes
      p.claimedKind = 'manifest-blob'
    } else if (step?.engineSize !== undefined) {
      p.claimedBytes = step.engineSize
      p.claimedKind = 'engine-history'
    }
    return p
  })
  const out: ImagePreview = { id: d.id, repoTags: d.repoTags, source, layers, history: steps }
  if (d.engineSize !== undefined) {
    out.size = d.engineSize
    out.sizeKind = 'engine'
  } else if (d.layers.length > 0 && d.layers.every((l) => l.blobBytes !== undefined) && d.configBytes !== undefined) {
    out.size = d.layers.reduce((n, l) => n + l.blobBytes!, d.configBytes)
    out.sizeKind = 'download'
  }
  const created = d.created ?? d.config?.created
  if (created) out.created = created
  if (d.config?.os) out.os = d.config.os
  if (d.config?.architecture) out.arch = d.config.architecture
  if (d.config?.variant) out.variant = d.config.variant
  return out
}
