// Where each block and tile of a two-level treemap lands: d3-hierarchy's squarified layout
// (golden-ratio rows, as recharts used), rounded to whole pixels. Pure geometry, so the chart
// only draws rectangles: recharts' per-node components cost ~75 ms a level at 400 nodes.
import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy'
import type { Datum } from './treemap-data'

export interface Placed {
  datum: Datum
  /** 1: a block (a child of the level shown), 2: a tile inside a block. */
  depth: 1 | 2
  x: number
  y: number
  width: number
  height: number
}

export interface TreemapLayout {
  /** Every block, in data order (labels, keys and outlines). */
  blocks: Placed[]
  /** What gets filled: the tiles of each block, or the block itself when it has none. */
  tiles: Placed[]
}

type Item = Datum | { children: Datum[] }

export function layoutTreemap(data: Datum[], width: number, height: number): TreemapLayout {
  const blocks: Placed[] = []
  const tiles: Placed[] = []
  if (data.length === 0 || width <= 0 || height <= 0) return { blocks, tiles }
  // A block's area is the sum of its tiles when it has any (as the data's sizes were made).
  const root = hierarchy<Item>({ children: data }, (d) => d.children).sum((d) => ('size' in d && !d.children?.length ? d.size : 0))
  treemap<Item>().tile(treemapSquarify).size([width, height]).round(true)(root)
  // Pre-order (a block, then its tiles), as recharts drew them; whole pixels can round a tiny
  // entry to no area at all: it is not drawn (nothing to see, hover or click).
  root.eachBefore((n) => {
    if (n.depth === 0) return
    const r = n as typeof n & { x0: number; y0: number; x1: number; y1: number }
    const p: Placed = { datum: n.data as Datum, depth: n.depth === 1 ? 1 : 2, x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0 }
    if (p.width <= 0 || p.height <= 0) return
    if (n.depth === 1) blocks.push(p)
    if (n.depth === 2 || !n.children?.length) tiles.push(p)
  })
  return { blocks, tiles }
}
