// A stand-alone SVG of the stage graph (CLI `graph -o`, the report). Same layout and same
// edge styles as the app: FROM solid, COPY --from dashed, RUN --mount dotted.
import type { StageGraph, StageNode } from '../../../shared/models/dockerfile'
import { formatBytes } from '../../../shared/format'
import { LAYOUT, layoutStageGraph } from './graph-layout'

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export const EDGE_STYLE = {
  from: { dash: '', color: '#475467', label: 'FROM' },
  copy: { dash: '7 5', color: '#2f6fed', label: 'COPY --from' },
  mount: { dash: '2 4', color: '#b54708', label: 'RUN --mount' }
} as const

/** The size row under a stage box: what was measured, or why nothing was. */
export function nodeFooter(n: StageNode): string {
  if (n.kind !== 'stage') return ''
  if (n.buildError) return `build failed${n.buildError.line ? ` at line ${n.buildError.line}` : ''}`
  if (n.measured) {
    const passes = n.passesBytes !== undefined ? ` · passes ${formatBytes(n.passesBytes)}` : ''
    return `${formatBytes(n.measured.size)} · ${n.measured.layers} layers${passes}`
  }
  return n.unused ? 'unused: cannot reach the target' : 'not built yet'
}

export function edgeLabel(e: StageGraph['edges'][number]): string {
  if (e.kind === 'from') return ''
  const path = e.paths && e.paths.length > 0 ? e.paths[0]! + (e.paths.length > 1 ? ` +${e.paths.length - 1}` : '') : ''
  const clipped = path.length > 28 ? `…${path.slice(-27)}` : path
  return [clipped, e.bytes !== undefined ? formatBytes(e.bytes) : ''].filter(Boolean).join(' · ')
}

export function stageGraphSvg(graph: StageGraph, opts: { title?: string } = {}): string {
  const layout = graph.layout ?? layoutStageGraph(graph)
  const titleH = opts.title ? 34 : 0
  const legendH = 30
  const width = Math.ceil(Math.max(layout.width, 460, opts.title ? opts.title.length * 9.2 + 32 : 0))
  const height = layout.height + titleH + legendH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    '<defs>',
    ...Object.entries(EDGE_STYLE).map(
      ([k, s]) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${s.color}"/></marker>`
    ),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`
  )
  if (opts.title) out.push(`<text x="16" y="22" font-size="15" font-weight="bold" fill="#1d2330">${esc(opts.title)}</text>`)
  out.push(`<g transform="translate(0,${titleH})">`)
  for (const n of graph.nodes) {
    const b = layout.nodes[n.id]
    if (!b) continue
    const x = b.x - b.width / 2
    const y = b.y - b.height / 2
    const opacity = n.unused ? 0.5 : 1
    out.push(`<g opacity="${opacity}">`)
    if (n.kind !== 'stage') {
      const fill = n.kind === 'scratch' ? '#f2f4f7' : '#f5f8ff'
      out.push(
        `<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="${b.height / 2}" fill="${fill}" stroke="#98a2b3" stroke-dasharray="5 4"/>`,
        `<text x="${b.x}" y="${b.y - 1}" font-size="13" font-weight="bold" text-anchor="middle" fill="#1d2330">${esc(b.title)}</text>`,
        `<text x="${b.x}" y="${b.y + 15}" font-size="10.5" text-anchor="middle" fill="#667085">${esc(b.subtitle)}</text>`
      )
    } else {
      const stroke = n.buildError ? '#d6453d' : n.isTarget ? '#2f6fed' : '#c4cad4'
      out.push(
        `<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="8" fill="#ffffff" stroke="${stroke}" stroke-width="${n.isTarget ? 2.4 : 1.2}"/>`,
        `<text x="${x + LAYOUT.padX}" y="${y + 20}" font-size="14" font-weight="bold" fill="#1d2330">${esc(b.title)}</text>`,
        `<text x="${x + LAYOUT.padX}" y="${y + 36}" font-size="11" fill="#667085" font-family="DejaVu Sans Mono, monospace">${esc(b.subtitle)}</text>`
      )
      if (n.isTarget) {
        out.push(
          `<rect x="${x + b.width - 62}" y="${y + 8}" width="52" height="17" rx="8" fill="#2f6fed"/>`,
          `<text x="${x + b.width - 36}" y="${y + 20}" font-size="10" font-weight="bold" text-anchor="middle" fill="#ffffff">TARGET</text>`
        )
      }
      b.lines.forEach((l, j) => {
        out.push(
          `<text x="${x + LAYOUT.padX}" y="${y + LAYOUT.headerHeight + 12 + j * LAYOUT.lineHeight}" font-size="11" fill="#344054" font-family="DejaVu Sans Mono, monospace">${esc(l)}</text>`
        )
      })
      const fy = y + b.height - 10
      out.push(
        `<line x1="${x}" x2="${x + b.width}" y1="${fy - 14}" y2="${fy - 14}" stroke="#eaecf0"/>`,
        `<text x="${x + LAYOUT.padX}" y="${fy}" font-size="11" font-weight="${n.measured ? 'bold' : 'normal'}" fill="${n.buildError ? '#d6453d' : n.measured ? '#1d2330' : '#98a2b3'}">${esc(nodeFooter(n))}</text>`
      )
    }
    out.push('</g>')
  }
  // Edges after the boxes, so arrowheads at a box border stay visible.
  graph.edges.forEach((e, i) => {
    const pts = layout.edges[i]?.points ?? []
    if (pts.length < 2) return
    const s = EDGE_STYLE[e.kind]
    const unused = graph.nodes.find((n) => n.id === e.to)?.unused
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} marker-end="url(#arrow-${e.kind})" opacity="${unused ? 0.4 : 1}"/>`
    )
    const label = edgeLabel(e)
    if (label) {
      const mid = layout.edges[i]?.label ?? pts[Math.floor(pts.length / 2)]!
      const w = label.length * 6.4 + 10
      out.push(
        `<rect x="${mid.x - w / 2}" y="${mid.y - 9}" width="${w}" height="18" rx="4" fill="#ffffff" stroke="${s.color}" stroke-width="0.8"/>`,
        `<text x="${mid.x}" y="${mid.y + 4}" font-size="10.5" text-anchor="middle" fill="${s.color}" font-family="DejaVu Sans Mono, monospace">${esc(label)}</text>`
      )
    }
  })
  out.push('</g>')
  // Legend
  let lx = 16
  const ly = height - 12
  for (const [k, s] of Object.entries(EDGE_STYLE)) {
    out.push(
      `<line x1="${lx}" x2="${lx + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="1.6" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} marker-end="url(#arrow-${k})"/>`,
      `<text x="${lx + 38}" y="${ly}" font-size="11" fill="#475467">${esc(s.label)}</text>`
    )
    lx += 38 + s.label.length * 7 + 24
  }
  out.push('</svg>')
  return out.join('\n')
}
