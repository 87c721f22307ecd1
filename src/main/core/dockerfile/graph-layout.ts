// Stage graph -> positions (dagre): the one layout. Done in the backend and shipped in the model
// (graph.layout), so the app, `layerscope graph` and the report draw the same picture with the
// one drawing (src/shared/stage-graph-drawing.ts). Box sizes come from the text they hold.
import dagre from '@dagrejs/dagre'
import { STAGE_BOX, type LayoutBox, type StageGraph, type StageGraphLayout } from '../../../shared/models/dockerfile'
import { boxContent, edgeLabel, edgeLabelWidth, footerWidth } from '../../../shared/stage-graph-drawing'

/** Metrics the drawing uses too: 11px monospace lines, 14px title, one reserved size row. */
export const LAYOUT = STAGE_BOX

export function layoutStageGraph(graph: StageGraph): StageGraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true })
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, edgesep: 16, marginx: 16, marginy: 16 })
  g.setDefaultEdgeLabel(() => ({}))
  const boxes: Record<string, LayoutBox> = {}
  for (const n of graph.nodes) {
    const c = boxContent(n)
    const widest = Math.max(c.title.length * LAYOUT.titleCharWidth, c.subtitle.length * LAYOUT.charWidth, footerWidth(n), ...c.lines.map((l) => l.length * LAYOUT.charWidth))
    const width = Math.ceil(Math.max(n.kind === 'stage' ? LAYOUT.footerMinWidth : LAYOUT.minWidth, widest + 2 * LAYOUT.padX))
    // External images: a 50 px pill, taller by a row per slimmer sibling shown.
    const height = n.kind === 'stage' ? LAYOUT.headerHeight + c.lines.length * LAYOUT.lineHeight + LAYOUT.footerHeight + 6 : 50 + c.lines.length * LAYOUT.lineHeight
    boxes[n.id] = { x: 0, y: 0, width, height, ...c }
    g.setNode(n.id, { width, height })
  }
  // Copy and mount edges carry a label (paths, then bytes once built): dagre keeps room for it,
  // bytes included before they are known. Edges to nodes the graph does not hold get no route
  // (dagre would invent a node for them).
  graph.edges.forEach((e, i) => {
    if (!boxes[e.from] || !boxes[e.to]) return
    const label = edgeLabel(e)
    const room = label ? edgeLabelWidth(label) + (e.bytes === undefined ? 10 * 6.4 : 0) : 0
    g.setEdge(e.from, e.to, room > 0 ? { minlen: 1, width: room, height: 18, labelpos: 'c' } : { minlen: 1 }, `e${i}`)
  })
  dagre.layout(g)
  for (const id of Object.keys(boxes)) {
    const p = g.node(id) as { x: number; y: number }
    boxes[id]!.x = p.x
    boxes[id]!.y = p.y
  }
  const edges = graph.edges.map((e, i) => {
    const d = (boxes[e.from] && boxes[e.to] ? g.edge({ v: e.from, w: e.to, name: `e${i}` }) : undefined) as { points?: { x: number; y: number }[]; x?: number; y?: number; width?: number } | undefined
    const points = (d?.points ?? []).map((p) => ({ x: p.x, y: p.y }))
    return d?.width && d.x !== undefined && d.y !== undefined ? { points, label: { x: d.x, y: d.y } } : { points }
  })
  // Dagre may route edges outside the node area: shift everything into view with a margin.
  const M = 16
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const b of Object.values(boxes)) {
    minX = Math.min(minX, b.x - b.width / 2)
    maxX = Math.max(maxX, b.x + b.width / 2)
    minY = Math.min(minY, b.y - b.height / 2)
    maxY = Math.max(maxY, b.y + b.height / 2)
  }
  edges.forEach((e, i) => {
    const ge = graph.edges[i]!
    const w = boxes[ge.from] && boxes[ge.to] ? ((g.edge({ v: ge.from, w: ge.to, name: `e${i}` }) as { width?: number } | undefined)?.width ?? 0) : 0
    if (e.label) {
      minX = Math.min(minX, e.label.x - w / 2)
      maxX = Math.max(maxX, e.label.x + w / 2)
    }
  })
  for (const e of edges)
    for (const p of e.points) {
      minX = Math.min(minX, p.x)
      maxX = Math.max(maxX, p.x)
      minY = Math.min(minY, p.y)
      maxY = Math.max(maxY, p.y)
    }
  if (!Number.isFinite(minX)) return { width: 2 * M, height: 2 * M, nodes: boxes, edges }
  const dx = M - minX
  const dy = M - minY
  for (const b of Object.values(boxes)) {
    b.x += dx
    b.y += dy
  }
  const round = (v: number): number => Math.round(v * 10) / 10
  for (const e of edges) {
    for (const p of e.points) {
      p.x = round(p.x + dx)
      p.y = round(p.y + dy)
    }
    if (e.label) e.label = { x: round(e.label.x + dx), y: round(e.label.y + dy) }
  }
  return { width: Math.ceil(maxX - minX + 2 * M), height: Math.ceil(maxY - minY + 2 * M), nodes: boxes, edges }
}
