// The one drawing of a stage graph, used by the app (StageGraphView renders the element tree
// and adds pan, zoom and selection), `layerscope graph -o svg|png` and the size report.
// dockerfilegraph's conventions: FROM solid, COPY --from dashed, RUN --mount dotted, external
// images and scratch as dashed pills, the target outlined and badged, unused stages greyed.
// Positions come from the backend's dagre layout (graph.layout); texts and clipping from here.
import { formatBytes, formatExactBytes } from './format'
import { STAGE_BOX, type LayoutBox, type StageEdge, type StageGraph, type StageGraphLayout, type StageNode } from './models/dockerfile'
import { el, type SvgEl } from './svg'
import type { Theme } from './theme'

export const GRAPH_FONT = {
  sans: 'DejaVu Sans, Inter, Segoe UI, sans-serif',
  mono: 'DejaVu Sans Mono, SF Mono, Menlo, Consolas, monospace'
} as const

export const EDGE_STYLE: Record<StageEdge['kind'], { dash: string; label: string; title: string }> = {
  from: { dash: '', label: 'FROM', title: 'FROM' },
  copy: { dash: '7 5', label: 'COPY --from', title: 'COPY --from' },
  mount: { dash: '2 4', label: 'RUN --mount', title: 'RUN --mount from' }
}
/** External images and scratch: a dashed outline. */
export const EXTERNAL_DASH = '5 4'
/** Stages that cannot reach the target: a dashed outline, drawn at half opacity. */
export const UNUSED_DASH = '4 3'
/** Edge labels: at most this many characters of the path (its end: the file name matters). */
export const EDGE_PATH_CHARS = 28

export function edgeColor(t: Theme, kind: StageEdge['kind']): string {
  return kind === 'copy' ? t.edgeCopy : kind === 'mount' ? t.edgeMount : t.edgeFrom
}

function clip(s: string, n: number = STAGE_BOX.maxChars): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > n ? `${one.slice(0, n - 1)}…` : one
}

/** What a box shows: title, subtitle and instruction lines, clipped to fit STAGE_BOX. */
export function boxContent(n: StageNode): { title: string; subtitle: string; lines: string[] } {
  if (n.kind === 'scratch') return { title: 'scratch', subtitle: 'empty base', lines: [] }
  if (n.kind === 'image') return { title: clip(n.name, 40), subtitle: imageSubtitle(n), lines: slimmerLines(n) }
  const title = n.name === String(n.index) ? `stage ${n.index}` : n.name
  const from = n.instructions[0]
  const platform = n.platform ? ` (${n.platform})` : ''
  const subtitle = clip(n.baseRef ? `FROM ${n.baseRef}${platform}` : from ? from.text : '', 44)
  // Mounts are drawn as edges: leave the long --mount flags out of the summary.
  const body = n.instructions.slice(1).map((i) => clip(i.text.replace(/^\S+/, (k) => k.toUpperCase()).replace(/\s--mount=\S+/g, '')))
  const lines = body.length > STAGE_BOX.maxLines ? [...body.slice(0, STAGE_BOX.maxLines - 1), `… ${body.length - STAGE_BOX.maxLines + 1} more`] : body
  return { title, subtitle, lines }
}

/** At most this many slimmer sibling tags under an external image (the node's details list all). */
export const MAX_SLIMMER_LINES = 3

/** An external image's second row: its size and which size it is, without a build. */
export function imageSubtitle(n: StageNode): string {
  if (!n.imageSize) return 'external image'
  return n.imageSize.kind === 'engine' ? `${formatBytes(n.imageSize.bytes)} · in the engine` : `${formatBytes(n.imageSize.bytes)} download · registry`
}

/** "node:22-slim 74 MB download": the measured slimmer siblings, in the node's own naming. */
export function slimmerLines(n: StageNode): string[] {
  const sib = n.slimmer?.siblings ?? []
  const slash = n.name.lastIndexOf('/')
  const colon = n.name.lastIndexOf(':')
  const repo = colon > slash ? n.name.slice(0, colon) : n.name.replace(/@.*$/, '')
  // The size is what matters: a long name gives way at its start ("…/base:1-slim 1.73 kB download").
  const lines = sib.slice(0, MAX_SLIMMER_LINES).map((x) => {
    const size = ` ${formatBytes(x.downloadSize)} download`
    const name = `${repo}:${x.tag}`
    const room = 40 - size.length
    return `${name.length > room ? `…${name.slice(-(room - 1))}` : name}${size}`
  })
  if (sib.length > MAX_SLIMMER_LINES) lines.push(`… ${sib.length - MAX_SLIMMER_LINES} more slimmer tags`)
  return lines
}

/** An external image's tooltip: which size it is, exactly. */
export function imageTitle(n: StageNode): string {
  if (n.kind === 'scratch') return 'scratch: the empty image'
  const s = n.imageSize
  const size = s
    ? s.kind === 'engine'
      ? `: ${formatExactBytes(s.bytes)} as docker images shows it (engine inspect)`
      : `: downloads ${formatExactBytes(s.bytes)} (layer blobs + config in ${s.ref}'s manifest)`
    : n.imageSizeNote
      ? ` · ${n.imageSizeNote}`
      : ''
  const sib = n.slimmer?.siblings.length ? ` · slimmer tags: ${n.slimmer.siblings.map((x) => `${x.tag} ${formatBytes(x.downloadSize)}`).join(', ')} download` : ''
  return `External image ${n.name}${size}${sib}`
}

/** The size row under a stage box: what was measured, or why nothing was. */
export function nodeFooter(n: StageNode, building = false): string {
  if (n.kind !== 'stage') return ''
  const target = n.isTarget ? 'target · ' : ''
  if (building) return `${target}building…`
  if (n.buildError) return `${target}build failed${n.buildError.line ? ` at line ${n.buildError.line}` : ''}`
  if (n.measured) {
    const passes = n.passesBytes !== undefined ? ` · passes ${formatBytes(n.passesBytes)}` : ''
    return `${target}${formatBytes(n.measured.size)} · ${n.measured.layers} layers${passes}`
  }
  return n.unused ? 'unused: cannot reach the target' : `${target}not built yet`
}

/** An edge's label: the (first) path copied or mounted, then the bytes once built. */
export function edgeLabel(e: StageEdge): string {
  if (e.kind === 'from') return ''
  const first = e.paths?.[0] ?? ''
  const path = first.length > EDGE_PATH_CHARS ? `…${first.slice(-(EDGE_PATH_CHARS - 1))}` : first
  const more = e.paths && e.paths.length > 1 ? ` +${e.paths.length - 1}` : ''
  return [path + more, e.bytes !== undefined ? formatBytes(e.bytes) : ''].filter(Boolean).join(' · ')
}

/** Label box width at 10.5 px monospace; the layout keeps this much room free. */
export function edgeLabelWidth(label: string): number {
  return label.length * 6.4 + 12
}

/** Footer width at 11 px (bold when measured), for the layout's box widths. */
export function footerWidth(n: StageNode): number {
  return nodeFooter(n).length * 6.9
}

export interface DrawOptions {
  theme: Theme
  /** Prefix for element ids (arrow markers), unique per document. */
  idPrefix?: string
  selected?: string | null
  /** Name of the stage being built right now. */
  building?: string | null
}

export interface StageGraphDrawing {
  width: number
  height: number
  /** Arrow markers, one per edge kind. */
  defs: SvgEl
  /** Boxes first, then edges (arrowheads at a box border stay visible). */
  items: SvgEl[]
}

function markers(t: Theme, prefix: string): SvgEl {
  return el(
    'defs',
    {},
    (Object.keys(EDGE_STYLE) as StageEdge['kind'][]).map((k) =>
      el('marker', { id: `${prefix}arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, [
        el('path', { d: 'M0,0 L10,5 L0,10 z', fill: edgeColor(t, k) })
      ])
    )
  )
}

const txt = (attrs: Record<string, string | number | undefined>, s: string): SvgEl => el('text', attrs, [s])

function nodeEl(n: StageNode, b: LayoutBox, o: Required<Omit<DrawOptions, 'building'>> & { building: boolean }): SvgEl {
  const t = o.theme
  const x = b.x - b.width / 2
  const y = b.y - b.height / 2
  const cls = ['df-node', `df-node-${n.kind}`, n.isTarget ? 'target' : '', n.unused ? 'unused' : '', o.selected === n.id ? 'selected' : '', n.buildError ? 'failed' : '', o.building ? 'building' : '']
    .filter(Boolean)
    .join(' ')
  const group = { class: cls, 'data-node-id': n.id, 'data-testid': 'stage-node', 'data-name': n.name }
  // Unused stages are drawn at half opacity over an opaque backdrop, so what lies behind the box
  // (the app's dot grid, an edge) does not show through.
  const wrap = (kids: (SvgEl | false)[]): SvgEl =>
    n.unused ? el('g', group, [el('rect', { x, y, width: b.width, height: b.height, rx: n.kind === 'stage' ? 8 : b.height / 2, fill: t.panel }), el('g', { opacity: 0.5 }, kids)]) : el('g', group, kids)
  if (n.kind !== 'stage') {
    // A pill while it holds two rows; with slimmer siblings below, a rounded box.
    const top = b.lines.length > 0 ? y + 25 - 1 : b.y - 1
    return wrap([
      el('title', {}, [imageTitle(n)]),
      el('rect', { x, y, width: b.width, height: b.height, rx: b.lines.length > 0 ? 14 : b.height / 2, fill: n.kind === 'scratch' ? t.panel2 : t.accentSoft, stroke: t.faint, 'stroke-dasharray': EXTERNAL_DASH, class: 'df-node-box' }),
      txt({ x: b.x, y: top, 'font-size': 13, 'font-weight': 'bold', 'text-anchor': 'middle', fill: t.text, 'font-family': GRAPH_FONT.sans }, b.title),
      txt(
        { x: b.x, y: top + 16, 'font-size': 10.5, 'text-anchor': 'middle', fill: n.imageSize ? t.text : t.muted, 'font-family': GRAPH_FONT.sans, 'data-testid': n.imageSize ? 'image-size' : undefined, 'data-size-kind': n.imageSize?.kind },
        b.subtitle
      ),
      ...b.lines.map((l, j) =>
        txt({ x: b.x, y: top + 32 + j * STAGE_BOX.lineHeight, 'font-size': 10.5, 'text-anchor': 'middle', fill: t.muted, 'font-family': GRAPH_FONT.mono, 'data-testid': 'slimmer-sibling' }, l)
      )
    ])
  }
  const stroke = n.buildError ? t.deleted : o.building ? t.changed : n.isTarget ? t.accent : t.borderStrong
  const width = n.isTarget ? 2.4 : n.buildError || o.building ? 2 : 1.2
  const footer = nodeFooter(n, o.building)
  const footColor = n.buildError ? t.deleted : o.building ? t.changed : n.measured ? t.text : t.faint
  const fy = y + b.height - 10
  return wrap([
    el('title', {}, [
      `${b.title} · lines ${n.range?.startLine}-${n.range?.endLine}${n.unused ? ' · unused: it cannot reach the target' : ''}${n.buildError ? ` · build failed${n.buildError.line ? ` at line ${n.buildError.line}` : ''}: ${n.buildError.message}` : ''}`
    ]),
    el('rect', { x, y, width: b.width, height: b.height, rx: 8, fill: t.panel, stroke, 'stroke-width': width, 'stroke-dasharray': n.unused ? UNUSED_DASH : undefined, class: 'df-node-box' }),
    txt({ x: x + STAGE_BOX.padX, y: y + 20, 'font-size': 14, 'font-weight': 'bold', fill: t.text, 'font-family': GRAPH_FONT.sans }, b.title),
    txt({ x: x + STAGE_BOX.padX, y: y + 36, 'font-size': 11, fill: t.muted, 'font-family': GRAPH_FONT.mono }, b.subtitle),
    n.isTarget &&
      el('g', { class: 'df-target-badge' }, [
        el('rect', { x: x + b.width - 62, y: y + 8, width: 52, height: 17, rx: 8.5, fill: t.accent }),
        txt({ x: x + b.width - 36, y: y + 20, 'font-size': 10, 'font-weight': 'bold', 'text-anchor': 'middle', fill: t.accentText, 'font-family': GRAPH_FONT.sans, 'letter-spacing': 0.4 }, 'TARGET')
      ]),
    ...b.lines.map((l, j) => txt({ x: x + STAGE_BOX.padX, y: y + STAGE_BOX.headerHeight + 12 + j * STAGE_BOX.lineHeight, 'font-size': 11, fill: t.text, 'font-family': GRAPH_FONT.mono }, l)),
    el('line', { x1: x, x2: x + b.width, y1: fy - 14, y2: fy - 14, stroke: t.border }),
    txt(
      {
        x: x + STAGE_BOX.padX,
        y: fy,
        'font-size': 11,
        'font-weight': n.measured || n.buildError || o.building ? 'bold' : undefined,
        fill: footColor,
        'font-family': GRAPH_FONT.sans,
        'data-testid': n.measured && !o.building ? 'stage-size' : undefined
      },
      footer
    )
  ])
}

function edgeEl(e: StageEdge, i: number, layout: StageGraphLayout, unused: boolean, t: Theme, prefix: string): SvgEl | null {
  const pts = layout.edges[i]?.points ?? []
  if (pts.length < 2) return null
  const color = edgeColor(t, e.kind)
  const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')
  const label = edgeLabel(e)
  const mid = layout.edges[i]?.label ?? pts[Math.floor(pts.length / 2)]!
  const w = edgeLabelWidth(label)
  return el('g', { class: `df-edge df-edge-${e.kind}${unused ? ' unused' : ''}`, 'data-edge-kind': e.kind, opacity: unused ? 0.4 : undefined }, [
    el('title', {}, [`${EDGE_STYLE[e.kind].title} · line ${e.line}${e.bytes !== undefined ? ` · ${formatExactBytes(e.bytes)}` : ''}`]),
    el('path', { d, fill: 'none', stroke: color, 'stroke-width': 1.7, 'stroke-dasharray': EDGE_STYLE[e.kind].dash || undefined, 'marker-end': `url(#${prefix}arrow-${e.kind})` }),
    label &&
      el('g', { class: 'df-edge-label', 'data-testid': e.bytes !== undefined ? 'edge-bytes' : undefined }, [
        el('rect', { x: mid.x - w / 2, y: mid.y - 9, width: w, height: 18, rx: 4, fill: t.panel, stroke: color, 'stroke-width': 0.8 }),
        txt({ x: mid.x, y: mid.y + 4, 'font-size': 10.5, 'text-anchor': 'middle', fill: color, 'font-family': GRAPH_FONT.mono }, label)
      ])
  ])
}

/** The graph's boxes and edges at their layout positions (0,0 is the layout's corner). */
export function drawStageGraph(graph: StageGraph, layout: StageGraphLayout, opts: DrawOptions): StageGraphDrawing {
  const prefix = opts.idPrefix ?? ''
  const base = { theme: opts.theme, idPrefix: prefix, selected: opts.selected ?? null }
  const items: SvgEl[] = []
  for (const n of graph.nodes) {
    const b = layout.nodes[n.id]
    if (b) items.push(nodeEl(n, b, { ...base, building: opts.building != null && n.kind === 'stage' && n.name === opts.building }))
  }
  const unused = new Set(graph.nodes.filter((n) => n.unused).map((n) => n.id))
  graph.edges.forEach((e, i) => {
    const g = edgeEl(e, i, layout, unused.has(e.to), opts.theme, prefix)
    if (g) items.push(g)
  })
  return { width: layout.width, height: layout.height, defs: markers(opts.theme, prefix), items }
}

/** The legend, one row from (x, y = text baseline): edge kinds, then the external-image pill. */
export function drawLegend(t: Theme, x: number, y: number, prefix = ''): { el: SvgEl; width: number } {
  const kids: SvgEl[] = []
  let lx = x
  const label = (s: string, at: number): SvgEl => txt({ x: at, y, 'font-size': 11, fill: t.muted, 'font-family': GRAPH_FONT.sans }, s)
  for (const k of Object.keys(EDGE_STYLE) as StageEdge['kind'][]) {
    const s = EDGE_STYLE[k]
    kids.push(
      el('line', { x1: lx, x2: lx + 30, y1: y - 4, y2: y - 4, stroke: edgeColor(t, k), 'stroke-width': 1.7, 'stroke-dasharray': s.dash || undefined, 'marker-end': `url(#${prefix}arrow-${k})` }),
      label(s.label, lx + 38)
    )
    lx += 38 + s.label.length * 6.6 + 22
  }
  const pill = 'external image / scratch'
  kids.push(el('rect', { x: lx, y: y - 10, width: 24, height: 12, rx: 6, fill: t.accentSoft, stroke: t.faint, 'stroke-dasharray': '3 2' }), label(pill, lx + 30))
  lx += 30 + pill.length * 6.3
  return { el: el('g', { class: 'df-legend-items' }, kids), width: lx - x }
}

/** A stand-alone SVG document: optional title, the graph, the legend below. */
export function stageGraphDocument(graph: StageGraph, layout: StageGraphLayout, opts: DrawOptions & { title?: string }): SvgEl {
  const t = opts.theme
  const prefix = opts.idPrefix ?? ''
  const d = drawStageGraph(graph, layout, opts)
  const legend = drawLegend(t, 16, 0, prefix)
  const titleH = opts.title ? 34 : 0
  const legendH = 30
  const width = Math.ceil(Math.max(d.width, legend.width + 32, opts.title ? opts.title.length * 9.2 + 32 : 0))
  const height = d.height + titleH + legendH
  return el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': GRAPH_FONT.sans }, [
    d.defs,
    el('rect', { width, height, fill: t.panel }),
    opts.title && txt({ x: 16, y: 22, 'font-size': 15, 'font-weight': 'bold', fill: t.text }, opts.title),
    el('g', { transform: `translate(${(width - d.width) / 2},${titleH})` }, d.items),
    el('g', { transform: `translate(0,${height - 12})` }, [legend.el])
  ])
}
