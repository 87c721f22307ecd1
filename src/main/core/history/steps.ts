// The steps between neighbouring tags of a series, biggest change first: the candidates for
// the jump list, each a compare the user can open.
import type { HistoryStep, TagSeries } from '../../../shared/models/history'

/** The size a series measures first for every tag: unpacked (engine .Size) or download (registry). */
export function primarySize(series: TagSeries, i: number): number {
  const t = series.tags[i]!
  return (series.kind === 'engine' ? t.unpackedBytes : t.downloadBytes) ?? 0
}

/**
 * Every step, in series order. A step "changes the base" when it replaces layers the previous
 * two tags had in common (it keeps fewer of the previous tag's layers than that tag kept of
 * its own predecessor), or keeps none: the bottom of the stack moved, not the layers on top.
 */
export function seriesSteps(series: TagSeries): HistoryStep[] {
  const steps: HistoryStep[] = []
  for (let i = 1; i < series.tags.length; i++) {
    const a = series.tags[i - 1]!
    const b = series.tags[i]!
    const before = i >= 2 ? a.sharedWithPrevious : undefined
    steps.push({
      index: i,
      from: a.tag,
      to: b.tag,
      a: a.source,
      b: b.source,
      bytes: primarySize(series, i) - primarySize(series, i - 1),
      basis: series.kind === 'engine' ? 'unpacked' : 'download',
      baseChanged: (b.sharedWithPrevious === 0 && a.layers > 0 && b.layers > 0) || (before !== undefined && b.sharedWithPrevious < before)
    })
  }
  return steps
}

/** Biggest change first (either direction); ties keep series order. */
export function rankSteps(steps: readonly HistoryStep[]): HistoryStep[] {
  return [...steps].sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes) || x.index - y.index)
}
