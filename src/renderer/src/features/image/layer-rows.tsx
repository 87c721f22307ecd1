// The layer table's rows: history steps in order (empty steps included, dimmed), each layer
// once. Layers the history does not mention (archives with short histories) still get a row.
// The dimmed row of a step that made no layer is drawn here for every layer table.
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

/**
 * A history step that made no layer (metadata only), dimmed: its instruction, `blanks` empty
 * number cells for the table's figure columns, and a dash in the last cell.
 */
export function EmptyStepRow({ row, blanks, lastClass }: { row: Pick<LayerRow, 'instruction' | 'raw'>; blanks: number; lastClass: 'num' | 'muted' }): React.JSX.Element {
  return (
    <tr className="empty-step" title={`${row.raw}\n(no layer: metadata only)`}>
      <td className="col-idx num" />
      <td className="instr mono">{row.instruction}</td>
      {Array.from({ length: blanks }, (_, i) => (
        <td key={i} className="num" />
      ))}
      <td className={lastClass}>—</td>
    </tr>
  )
}
