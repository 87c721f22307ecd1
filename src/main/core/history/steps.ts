// The steps between neighbouring tags of a series, biggest change first: the candidates for
// the jump list, each a compare the user can open.
import type { HistoryStep, TagSeries } from '../../../shared/models/history'

/** The size a series measures first for every tag: unpacked (engine .Size) or download (registry). */
export function primarySize(series: TagSeries, i: number): number {
  const t = series.tags[i]!
  return (series.kind === 'engine' ? t.unpackedBytes : t.downloadBytes) ?? 0
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * Every step, in series order. A step "changes the base" when it keeps fewer layers of the
 * previous tag than the series' steps usually do (below the median), i.e. the bottom of the
 * stack moved rather than the layers on top of it.
 */
export function seriesSteps(series: TagSeries): HistoryStep[] {
  const shared = series.tags.slice(1).map((t) => t.sharedWithPrevious)
  const usual = shared.length > 0 ? median(shared) : 0
  const steps: HistoryStep[] = []
  for (let i = 1; i < series.tags.length; i++) {
    const a = series.tags[i - 1]!
    const b = series.tags[i]!
    steps.push({
      index: i,
      from: a.tag,
      to: b.tag,
      a: a.source,
      b: b.source,
      bytes: primarySize(series, i) - primarySize(series, i - 1),
      basis: series.kind === 'engine' ? 'unpacked' : 'download',
      baseChanged: b.sharedWithPrevious < usual || (b.sharedWithPrevious === 0 && a.layers > 0)
    })
  }
  return steps
}

/** Biggest change first (either direction); ties keep series order. */
export function rankSteps(steps: readonly HistoryStep[]): HistoryStep[] {
  return [...steps].sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes) || x.index - y.index)
}
