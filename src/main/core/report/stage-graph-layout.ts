// A compact left-to-right layout of a stage graph for the static report: each node sits in
// the column of its longest path from a source (bases on the left, the target on the right).
import type { StageEdge, StageGraph, StageNode } from '../../../shared/models/dockerfile'

export interface PlacedNode {
  node: StageNode
  x: number
  y: number
  w: number
  h: number
}

export interface PlacedEdge {
  edge: StageEdge
  kind: StageEdge['kind']
  /** Horizontal room between the two boxes, for the edge label. */
  gap: number
  x1: number
  y1: number
  x2: number
  y2: number
}

const NODE_H = 52
const ROW_GAP = 18

export function layoutStageGraph(g: StageGraph, width: number): { nodes: PlacedNode[]; edges: PlacedEdge[]; height: number } {
  const ids = new Set(g.nodes.map((n) => n.id))
  const edges = g.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
  // Longest-path depth; bounded by the node count so a cycle cannot loop forever.
  const depth = new Map(g.nodes.map((n) => [n.id, 0]))
  for (let i = 0; i < g.nodes.length; i++) {
    let changed = false
    for (const e of edges) {
      const d = depth.get(e.from)! + 1
      if (d > depth.get(e.to)! && d < g.nodes.length) {
        depth.set(e.to, d)
        changed = true
      }
    }
    if (!changed) break
  }
  const cols = Math.max(1, ...[...depth.values()].map((d) => d + 1))
  const colW = width / cols
  const nodeW = Math.min(220, Math.max(110, colW - 100))
  const byCol: StageNode[][] = Array.from({ length: cols }, () => [])
  for (const n of g.nodes) byCol[depth.get(n.id)!]!.push(n)
  const rows = Math.max(1, ...byCol.map((c) => c.length))
  const height = rows * NODE_H + (rows - 1) * ROW_GAP
  const placed = new Map<string, PlacedNode>()
  byCol.forEach((col, ci) => {
    const colH = col.length * NODE_H + (col.length - 1) * ROW_GAP
    const y0 = (height - colH) / 2
    col.forEach((n, ri) => {
      placed.set(n.id, { node: n, x: ci * colW + (colW - nodeW) / 2, y: y0 + ri * (NODE_H + ROW_GAP), w: nodeW, h: NODE_H })
    })
  })
  const placedEdges: PlacedEdge[] = edges.map((e) => {
    const a = placed.get(e.from)!
    const b = placed.get(e.to)!
    return {
      edge: e,
      kind: e.kind,
      gap: b.x - (a.x + a.w),
      x1: a.x + a.w,
      y1: a.y + a.h / 2,
      x2: b.x,
      y2: b.y + b.h / 2
    }
  })
  return { nodes: [...placed.values()], edges: placedEdges, height }
}
