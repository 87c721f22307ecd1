// Stage graph -> positions (dagre). Done once in the backend so the app, the exported SVG and
// the PNG all show the same picture. Box sizes come from the text they hold.
import dagre from '@dagrejs/dagre'
import { STAGE_BOX, type LayoutBox, type StageGraph, type StageGraphLayout, type StageNode } from '../../../shared/models/dockerfile'

/** Metrics the renderers use too: 11px monospace lines, 14px title, one reserved size row. */
export const LAYOUT = STAGE_BOX

function clip(s: string, n: number = LAYOUT.maxChars): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > n ? `${one.slice(0, n - 1)}…` : one
}

export function boxContent(n: StageNode): { title: string; subtitle: string; lines: string[] } {
  if (n.kind === 'scratch') return { title: 'scratch', subtitle: 'empty base', lines: [] }
  if (n.kind === 'image') return { title: clip(n.name, 40), subtitle: 'external image', lines: [] }
  const title = n.name === String(n.index) ? `stage ${n.index}` : n.name
  const from = n.instructions[0]
  const platform = n.platform ? ` (${n.platform})` : ''
  const subtitle = clip(n.baseRef ? `FROM ${n.baseRef}${platform}` : from ? from.text : '', 44)
  // Mounts are drawn as edges: leave the long --mount flags out of the summary.
  const body = n.instructions.slice(1).map((i) => clip(i.text.replace(/^\S+/, (k) => k.toUpperCase()).replace(/\s--mount=\S+/g, '')))
  const lines = body.length > LAYOUT.maxLines ? [...body.slice(0, LAYOUT.maxLines - 1), `… ${body.length - LAYOUT.maxLines + 1} more`] : body
  return { title, subtitle, lines }
}

export function layoutStageGraph(graph: StageGraph): StageGraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true })
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, edgesep: 16, marginx: 16, marginy: 16 })
  g.setDefaultEdgeLabel(() => ({}))
  const boxes: Record<string, LayoutBox> = {}
  for (const n of graph.nodes) {
    const c = boxContent(n)
    const widest = Math.max(c.title.length * LAYOUT.titleCharWidth, c.subtitle.length * LAYOUT.charWidth, ...c.lines.map((l) => l.length * LAYOUT.charWidth))
    const width = Math.ceil(Math.max(n.kind === 'stage' ? LAYOUT.footerMinWidth : LAYOUT.minWidth, widest + 2 * LAYOUT.padX))
    const height = n.kind === 'stage' ? LAYOUT.headerHeight + c.lines.length * LAYOUT.lineHeight + LAYOUT.footerHeight + 6 : 50
    boxes[n.id] = { x: 0, y: 0, width, height, ...c }
    g.setNode(n.id, { width, height })
  }
  // Copy and mount edges carry a label (paths, then bytes once built): dagre keeps room for it.
  graph.edges.forEach((e, i) => {
    const chars = e.kind === 'from' ? 0 : Math.min(28, (e.paths?.[0] ?? '').length + (e.paths && e.paths.length > 1 ? 3 : 0)) + (e.kind === 'copy' ? 11 : 0)
    g.setEdge(e.from, e.to, chars > 0 ? { minlen: 1, width: chars * 6.4 + 12, height: 18, labelpos: 'c' } : { minlen: 1 }, `e${i}`)
  })
  dagre.layout(g)
  for (const id of Object.keys(boxes)) {
    const p = g.node(id) as { x: number; y: number }
    boxes[id]!.x = p.x
    boxes[id]!.y = p.y
  }
  const edges = graph.edges.map((e, i) => {
    const d = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: { x: number; y: number }[]; x?: number; y?: number; width?: number } | undefined
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
    const w = (g.edge({ v: graph.edges[i]!.from, w: graph.edges[i]!.to, name: `e${i}` }) as { width?: number } | undefined)?.width ?? 0
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
