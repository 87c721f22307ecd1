// The layer table's rows: history steps in order (empty steps included, dimmed), each layer
// once. Layers the history does not mention (archives with short histories) still get a row.
import type { HistoryStep, ImageAnalysis, LayerSummary } from '../../../../shared/models/analysis'

export interface LayerRow {
  key: string
  step?: HistoryStep
  layer?: LayerSummary
  instruction: string
  raw: string
}

export function layerRows(a: Pick<ImageAnalysis, 'history' | 'layers'>): LayerRow[] {
  const rows: LayerRow[] = []
  const seen = new Set<number>()
  for (const step of a.history) {
    const layer = step.layerIndex !== undefined ? a.layers[step.layerIndex] : undefined
    if (layer) seen.add(layer.index)
    rows.push({ key: `h${step.index}`, step, layer, instruction: step.createdBy || layer?.createdBy || '(no instruction recorded)', raw: step.createdByRaw })
  }
  for (const layer of a.layers) {
    if (seen.has(layer.index)) continue
    const at = rows.findIndex((r) => r.layer && r.layer.index > layer.index)
    const row: LayerRow = { key: `l${layer.index}`, layer, instruction: layer.createdBy || '(no history for this layer)', raw: layer.createdByRaw }
    if (at < 0) rows.push(row)
    else rows.splice(at, 0, row)
  }
  return rows
}

/** The layer indices in table order, with null (whole image) first: what ↑/↓ walk through. */
export function selectableLayers(rows: LayerRow[]): (number | null)[] {
  return [null, ...rows.filter((r) => r.layer).map((r) => r.layer!.index)]
}
