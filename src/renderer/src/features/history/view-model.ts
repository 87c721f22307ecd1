// The History screen's chart rows and step list from a series: pure, tested beside.
import type { HistoryJump, HistoryStep, TagSeries } from '../../../../shared/models/history'

export interface ChartRow {
  tag: string
  /** Download size (registry) or unpacked size (engine): the bar. */
  size: number
  /** The part of the bar that is the series' common base (the band). */
  base: number
  /** The bar above the band. */
  rest: number
  /** Unpacked size of a registry tag once analysed; engine .Size for engine tags. */
  unpacked?: number
  download?: number
  layers: number
  shared: number
}

export function chartRows(s: TagSeries): ChartRow[] {
  return s.tags.map((t) => {
    const size = (s.kind === 'registry' ? t.downloadBytes : t.unpackedBytes) ?? 0
    const base = Math.min(size, t.baseBytes ?? 0)
    const row: ChartRow = { tag: t.tag, size, base, rest: size - base, layers: t.layers, shared: t.sharedWithPrevious }
    if (t.unpackedBytes !== undefined) row.unpacked = t.unpackedBytes
    if (t.downloadBytes !== undefined) row.download = t.downloadBytes
    return row
  })
}

/** The explained jump of a step, when it is one of the explained ones. */
export function jumpOf(step: HistoryStep, jumps: readonly HistoryJump[] | undefined): HistoryJump | undefined {
  return jumps?.find((j) => j.index === step.index)
}

/** What the size axis measures, in words. */
export function sizeName(s: TagSeries): string {
  return s.kind === 'registry' ? 'Download size' : 'Unpacked size (docker images)'
}
