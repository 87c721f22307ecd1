// Pure helpers of the compare screen. Rows of the side-by-side layer table and bars of the layer chart, from a Comparison:
// shared layers first (one row for both), then each side's own layers paired by position.
import type { ImageSource } from '../../../../shared/models/analysis'
import type { Comparison, LayerRef } from '../../../../shared/models/compare'
import { sourceId } from '../../../../shared/image-source'

export interface LayerPair {
  /** Position from the bottom (row number). */
  index: number
  shared: boolean
  a?: LayerRef
  b?: LayerRef
}

export function layerPairs(c: Pick<Comparison, 'sharedLayers' | 'onlyA' | 'onlyB'>): LayerPair[] {
  const rows: LayerPair[] = c.sharedLayers.map((l, i) => ({ index: i, shared: true, a: l, b: l }))
  const n = Math.max(c.onlyA.length, c.onlyB.length)
  for (let i = 0; i < n; i++) rows.push({ index: c.sharedLayers.length + i, shared: false, a: c.onlyA[i], b: c.onlyB[i] })
  return rows
}

export interface LayerBar {
  label: string
  a: number
  b: number
  shared: boolean
  titleA?: string
  titleB?: string
}

export function layerBars(pairs: LayerPair[]): LayerBar[] {
  return pairs.map((p) => ({
    label: `#${p.index}`,
    a: p.a?.contentBytes ?? 0,
    b: p.b?.contentBytes ?? 0,
    shared: p.shared,
    titleA: p.a?.createdBy,
    titleB: p.b?.createdBy
  }))
}

/** "sha256:abcdef…" -> "abcdef12". */
export function shortDiffId(d: string): string {
  return d.replace(/^sha256:/, '').slice(0, 8)
}

/** "/usr/lib/gcc" -> /, usr, lib, gcc with their paths: the same crumbs as the image screen's. */
export { breadcrumbs } from '../../lib/paths'

export function sourceKey(s: ImageSource | null | undefined): string {
  if (!s) return ''
  return sourceId(s)
}

export function sourceFromKey(k: string): ImageSource | null {
  if (k.startsWith('engine:')) return { kind: 'engine', ref: k.slice(7) }
  if (k.startsWith('archive:')) return { kind: 'archive', path: k.slice(8) }
  if (k.startsWith('registry:')) return { kind: 'registry', ref: k.slice(9) }
  return null
}

/** Share of the bar a row's delta takes, against the largest |delta| shown (0..1). */
export function deltaShare(delta: number, maxAbs: number): number {
  return maxAbs > 0 ? Math.min(1, Math.abs(delta) / maxAbs) : 0
}

/** A treemap node as the compare screen gets it (only the fields the zoom needs). */
export interface ZoomNode {
  path: string
  bytes: number
  status: string
  children?: ZoomNode[]
}

/**
 * Zooms a treemap past directories that hold nearly all of their parent's bytes, so the map
 * shows the level where the difference splits ("/usr/lib/gcc/..." rather than one big "usr").
 */
export function zoomTreemap<N extends ZoomNode>(root: N, share = 0.9): N {
  let n = root
  for (let guard = 0; guard < 64; guard++) {
    const kids = (n.children ?? []) as N[]
    if (kids.length === 0 || n.bytes <= 0) break
    const top = kids.reduce((m, c) => (c.bytes > m.bytes ? c : m))
    if (top.status === 'aggregate' || !top.children || top.children.length === 0 || top.bytes < share * n.bytes) break
    n = top
  }
  return n
}

/** Long paths lose their middle, not their end: "/usr/lib/…/x86_64-linux-gnu/12". */
export function clipMiddle(s: string, max: number): string {
  if (s.length <= max) return s
  const tail = Math.ceil((max - 1) * 0.6)
  return `${s.slice(0, max - 1 - tail)}…${s.slice(s.length - tail)}`
}
