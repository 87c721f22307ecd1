// The rows of the layer list shown while an image is read: history steps in order (empty
// steps dimmed), each layer once with its state. Which layer the stream is in cannot be told
// (the engine writes layers in name order), so every unread layer is "reading" while bytes flow.
import type { ImagePreview, JobPhase, PreviewLayer } from '../../../../shared/models/analysis'

export type LayerState = 'read' | 'cached' | 'reading' | 'waiting'

export interface PreviewRow {
  key: string
  layer?: PreviewLayer
  state?: LayerState
  instruction: string
  raw: string
}

const FLOWING: ReadonlySet<JobPhase> = new Set(['export', 'read', 'download'])

export function layerState(l: PreviewLayer, read: ReadonlySet<number>, phase: JobPhase): LayerState {
  if (l.cached) return 'cached'
  if (read.has(l.index)) return 'read'
  return FLOWING.has(phase) ? 'reading' : 'waiting'
}

export function previewRows(p: ImagePreview, layersRead: readonly number[], phase: JobPhase): PreviewRow[] {
  const read = new Set(layersRead)
  const rows: PreviewRow[] = []
  const seen = new Set<number>()
  for (const step of p.history) {
    const layer = step.layerIndex !== undefined ? p.layers[step.layerIndex] : undefined
    if (layer) seen.add(layer.index)
    rows.push({
      key: `h${step.index}`,
      layer,
      ...(layer ? { state: layerState(layer, read, phase) } : {}),
      instruction: step.createdBy || layer?.createdBy || '(no instruction recorded)',
      raw: step.createdByRaw
    })
  }
  for (const layer of p.layers) {
    if (seen.has(layer.index)) continue
    rows.push({ key: `l${layer.index}`, layer, state: layerState(layer, read, phase), instruction: layer.createdBy || '(no history for this layer)', raw: layer.createdByRaw })
  }
  return rows
}
