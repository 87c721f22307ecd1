// The report model drawn as one self-contained SVG, laid out for 1200 px: header, figure
// cards, the layer chart with a legend, biggest directories (or what makes the difference),
// waste, advice and the stage graph. Text is measured with the shipped fonts' metrics, numbers
// are right-aligned (DejaVu digits are tabular), every string is escaped.
import type { ReportTheme } from '../../../shared/models/report'
import { formatBytes, formatCount, formatDelta, formatDockerSize, formatPercent, groupDigits, shortId } from '../../../shared/format'
import type { LayerKind, ReportImage, ReportModel } from './report-model'
import { PALETTES, type Palette } from './report-theme'
import { esc, oneLine, r, rect, text, wrap } from './svg-text'
import { textWidth, truncateEnd, truncateMiddle } from './text-width'
import { layoutStageGraph } from '../dockerfile/graph-layout'
import { boxContent, drawLegend, drawStageGraph } from '../../../shared/stage-graph-drawing'
import { svgMarkup } from '../../../shared/svg'

export const REPORT_WIDTH = 1200
const PAD = 32
const GAP = 16
const INNER = REPORT_WIDTH - 2 * PAD
const PANEL_PAD = 20

export interface SvgOptions {
  theme?: ReportTheme
  /** Output width in px; the layout is always 1200 units wide and scales. */
  width?: number
}

interface Block {
  svg: string
  height: number
}

function panel(p: Palette, x: number, y: number, w: number, h: number): string {
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" rx="10" fill="${p.panel}" stroke="${p.border}"/>`
}

function sectionTitle(p: Palette, x: number, y: number, title: string, sub?: string): string {
  let s = text(x, y, title, { size: 16, face: 'bold', fill: p.text })
  if (sub) s += text(x + textWidth(title, 16, 'bold') + 10, y, sub, { size: 12, fill: p.muted })
  return s
}

function swatch(p: Palette, x: number, y: number, color: string, label: string, dashed = false): { svg: string; width: number } {
  const box = dashed
    ? `<rect x="${r(x)}" y="${r(y - 9)}" width="10" height="10" rx="2" fill="none" stroke="${color}" stroke-dasharray="2 2"/>`
    : `<rect x="${r(x)}" y="${r(y - 9)}" width="10" height="10" rx="2" fill="${color}"/>`
  return { svg: box + text(x + 15, y, label, { size: 12, fill: p.muted }), width: 15 + textWidth(label, 12) + 16 }
}

/** Legend items laid out right to left, ending at xRight. */
function legend(p: Palette, xRight: number, y: number, items: { color: string; label: string }[]): string {
  const widths = items.map((i) => 15 + textWidth(i.label, 12) + 16)
  let x = xRight - widths.reduce((a, b) => a + b, 0) + 16
  let s = ''
  for (const it of items) {
    const sw = swatch(p, x, y, it.color, it.label)
    s += sw.svg
    x += sw.width
  }
  return s
}

function layerColor(p: Palette, kind: LayerKind): string {
  switch (kind) {
    case 'base':
    case 'shared':
      return p.base
    case 'own':
      return p.accent
    case 'onlyA':
      return p.onlyA
    case 'onlyB':
      return p.onlyB
    case 'more':
      return p.muted
  }
}

function sizeDetail(img: ReportImage): string {
  const what = img.sizeKind === 'engine' ? 'docker images' : 'layer contents'
  return img.sizeKind === 'engine' ? `${groupDigits(img.size)} bytes` : `${groupDigits(img.size)} bytes · ${what}`
}

/** The full title when it fits; for a comparison of long names, A → B's distinguishing label. */
function fitTitle(m: ReportModel, width: number, size: number): string {
  const full = oneLine(m.title)
  if (textWidth(full, size, 'bold') <= width || m.kind !== 'compare' || !m.labels) return truncateEnd(full, width, size, 'bold')
  const short = `${m.images[0]!.name} → ${m.labels.b}`
  return textWidth(short, size, 'bold') <= width ? short : truncateMiddle(full, width, size, 'bold')
}

function header(p: Palette, m: ReportModel, y0: number): Block {
  let s = text(PAD, y0 + 14, m.kind === 'compare' ? 'LAYERSCOPE · SIZE COMPARISON' : 'LAYERSCOPE · SIZE REPORT', {
    size: 12,
    face: 'bold',
    fill: p.accent,
    spacing: 1.5
  })
  s += text(PAD, y0 + 50, fitTitle(m, INNER, 28), { size: 28, face: 'bold', fill: p.text })
  const sub =
    m.kind === 'compare'
      ? m.images.map((i) => `${i.label} ${shortId(i.id)}${i.platform ? ' ' + i.platform : ''}`).join('   ·   ')
      : (() => {
          const i = m.images[0]!
          const parts = [shortId(i.id)]
          if (i.platform) parts.push(i.platform)
          parts.push(`${formatCount(i.layers, 'layer')}${i.baseRef ? ` (${i.baseLayers} from ${i.baseRef})` : ''}`)
          if (i.created) parts.push(`created ${i.created.slice(0, 10)}`)
          return parts.join('   ·   ')
        })()
  s += text(PAD, y0 + 76, truncateEnd(oneLine(sub), INNER, 14), { size: 14, fill: p.muted })
  return { svg: s, height: 92 }
}

interface Card {
  label: string
  value: string
  valueColor?: string
  lines: string[]
}

function cards(p: Palette, list: Card[], y0: number): Block {
  const h = 112
  const w = (INNER - GAP * (list.length - 1)) / list.length
  let s = ''
  list.forEach((c, i) => {
    const x = PAD + i * (w + GAP)
    s += panel(p, x, y0, w, h)
    s += text(x + PANEL_PAD, y0 + 28, truncateEnd(c.label.toUpperCase(), w - 2 * PANEL_PAD, 11, 'bold'), {
      size: 11,
      face: 'bold',
      fill: p.muted,
      spacing: 0.8
    })
    s += text(x + PANEL_PAD, y0 + 62, truncateEnd(c.value, w - 2 * PANEL_PAD, 28, 'bold'), {
      size: 28,
      face: 'bold',
      fill: c.valueColor ?? p.text
    })
    c.lines.slice(0, 2).forEach((line, j) => {
      s += text(x + PANEL_PAD, y0 + 84 + j * 16, truncateEnd(oneLine(line), w - 2 * PANEL_PAD, 12), { size: 12, fill: p.muted })
    })
  })
  return { svg: s, height: h }
}

function deltaColor(p: Palette, delta: number): string {
  return delta > 0 ? p.deleted : delta < 0 ? p.added : p.text
}

/** What a pull transfers (layer blobs + config, compressed), only when the source knows it: engine images have no such figure. */
function downloadCard(i: ReportImage): Card[] {
  if (i.downloadSize === undefined) return []
  return [{ label: 'Download · compressed', value: formatBytes(i.downloadSize), lines: [`${groupDigits(i.downloadSize)} bytes`, 'layer blobs + config'] }]
}

/** The download difference, only when both sides know their download size. */
function downloadDeltaCard(p: Palette, m: ReportModel): Card[] {
  const [a, b] = m.images as [ReportImage, ReportImage]
  const d = m.comparison?.downloadDelta
  if (d === undefined || a.downloadSize === undefined || b.downloadSize === undefined) return []
  return [
    {
      label: 'Download B − A',
      value: formatDelta(d),
      valueColor: deltaColor(p, d),
      lines: [`A ${formatBytes(a.downloadSize)} · B ${formatBytes(b.downloadSize)}`, `${groupDigits(d)} bytes`]
    }
  ]
}

function figureCards(p: Palette, m: ReportModel): Card[] {
  if (m.kind === 'compare' && m.comparison) {
    const [a, b] = m.images as [ReportImage, ReportImage]
    const c = m.comparison
    return [
      { label: `A · size (${a.sizeKind === 'engine' ? 'docker images' : 'layer content'})`, value: formatDockerSize(a.size), lines: [a.name, sizeDetail(a)] },
      { label: `B · size (${b.sizeKind === 'engine' ? 'docker images' : 'layer content'})`, value: formatDockerSize(b.size), lines: [b.name, sizeDetail(b)] },
      {
        label: 'Difference B − A',
        value: formatDelta(c.deltaBytes),
        valueColor: deltaColor(p, c.deltaBytes),
        lines: [c.headlineAB, `${groupDigits(c.deltaBytes)} bytes${c.basis === 'content' ? ' of layer content' : ''}`]
      },
      {
        label: 'Shared layers',
        value: String(c.sharedLayers),
        lines: [`${formatBytes(c.sharedBytes)} in common`, `A ${formatCount(a.layers, 'layer')} · B ${formatCount(b.layers, 'layer')}`]
      },
      ...downloadDeltaCard(p, m)
    ]
  }
  const i = m.images[0]!
  const w = m.waste[0]!
  return [
    {
      label: i.sizeKind === 'engine' ? 'Size · docker images' : 'Size · layer content',
      value: formatDockerSize(i.size),
      lines: [sizeDetail(i), i.compressedSize !== undefined ? `${formatBytes(i.compressedSize)} compressed (pull)` : i.sizeKind === 'engine' ? 'inspect .Size, uncompressed' : 'as docker would show it after load']
    },
    ...downloadCard(i),
    {
      label: 'Final filesystem',
      value: formatBytes(i.finalBytes),
      lines: [`${groupDigits(i.files)} files visible`, `${formatBytes(i.layerBytes)} in all layers`]
    },
    {
      label: 'Layers',
      value: String(i.layers),
      lines: i.baseRef ? [`${formatCount(i.baseLayers, 'layer')} from the base image`, i.baseRef] : ['no local base image found']
    },
    {
      label: 'Wasted',
      value: formatBytes(w.bytes),
      valueColor: w.bytes > 0 && w.efficiency < 0.95 ? p.changed : p.text,
      lines: [`${formatPercent(w.efficiency)} efficient`, formatCount(w.pathCount, 'wasted path')]
    }
  ]
}

function comparisonLine(p: Palette, m: ReportModel, y0: number): Block {
  const c = m.comparison!
  const lines = wrap(c.sentence, INNER - 2 * PANEL_PAD, 14, 'sans', 2)
  const h = 70 + lines.length * 20
  let s = panel(p, PAD, y0, INNER, h)
  s += text(PAD + PANEL_PAD, y0 + 32, truncateEnd(oneLine(c.headline), INNER - 2 * PANEL_PAD, 18, 'bold'), {
    size: 18,
    face: 'bold',
    fill: p.text
  })
  lines.forEach((l, j) => (s += text(PAD + PANEL_PAD, y0 + 56 + j * 20, l, { size: 14, fill: p.muted })))
  const f = c.files
  const counts = `files: +${groupDigits(f.added.count)} added (${formatDelta(f.added.bytes)}) · −${groupDigits(f.removed.count)} removed (${formatDelta(-f.removed.bytes)}) · ${groupDigits(f.changed.count)} changed`
  s += text(PAD + PANEL_PAD, y0 + 56 + lines.length * 20, truncateEnd(counts, INNER - 2 * PANEL_PAD, 12), { size: 12, fill: p.muted })
  return { svg: s, height: h }
}

function layersPanel(p: Palette, m: ReportModel, y0: number): Block {
  const rowH = 26
  const top = 50
  const rows = m.layers
  const h = top + Math.max(1, rows.length) * rowH + 14
  const x0 = PAD + PANEL_PAD
  let s = panel(p, PAD, y0, INNER, h)
  s += sectionTitle(p, x0, y0 + 32, 'Layers', 'uncompressed content bytes per layer, bottom first')
  const items =
    m.kind === 'compare'
      ? [
          { color: p.base, label: 'shared by A and B' },
          { color: p.onlyA, label: 'only in A' },
          { color: p.onlyB, label: 'only in B' }
        ]
      : [
          { color: p.base, label: 'base image' },
          { color: p.accent, label: 'added by this image' }
        ]
  s += legend(p, REPORT_WIDTH - PAD - PANEL_PAD, y0 + 32, items)
  const labelRight = x0 + 44
  const barX = x0 + 56
  const barW = 360
  const sizeRight = barX + barW + 96
  const cmdX = sizeRight + 20
  const cmdW = REPORT_WIDTH - PAD - PANEL_PAD - cmdX
  const max = Math.max(1, ...rows.map((l) => l.bytes))
  if (rows.length === 0) s += text(x0, y0 + top + 16, 'This image has no layers.', { size: 13, fill: p.muted })
  rows.forEach((l, i) => {
    const y = y0 + top + i * rowH
    const base = y + 17
    if (i % 2 === 1) s += rect(PAD + 1, y, INNER - 2, rowH, p.track, 'opacity="0.45"')
    s += text(labelRight, base, l.label, { size: 12, face: 'mono', fill: p.muted, anchor: 'end' })
    s += rect(barX, y + 6, barW, 14, p.track, 'rx="3"')
    const w = l.bytes > 0 ? Math.max(2, (l.bytes / max) * barW) : 0
    s += rect(barX, y + 6, w, 14, layerColor(p, l.kind), 'rx="3"')
    s += text(sizeRight, base, formatBytes(l.bytes), { size: 13, fill: p.text, anchor: 'end' })
    const cmd = oneLine(l.createdBy).trim()
    s += cmd
      ? text(cmdX, base, truncateEnd(cmd, cmdW, 12, 'mono'), { size: 12, face: 'mono', fill: l.kind === 'more' ? p.muted : p.text })
      : text(cmdX, base, '(no command recorded)', { size: 12, fill: p.muted })
  })
  return { svg: s, height: h }
}

const COL_W = (INNER - GAP) / 2

function directoriesColumn(p: Palette, m: ReportModel, x: number, y0: number): Block {
  const x0 = x + PANEL_PAD
  const right = x + COL_W - PANEL_PAD
  const rowH = 24
  let s = ''
  if (m.kind === 'compare') {
    s += sectionTitle(p, x0, y0 + 32, 'Where the difference comes from')
    const colA = right - 200
    const colB = right - 100
    const pathW = colA - 80 - x0
    const hy = y0 + 58
    if (m.directories.length > 0) {
      s += text(x0, hy, 'PATH', { size: 11, face: 'bold', fill: p.muted, spacing: 0.6 })
      s += text(colA, hy, 'A', { size: 11, face: 'bold', fill: p.muted, anchor: 'end' })
      s += text(colB, hy, 'B', { size: 11, face: 'bold', fill: p.muted, anchor: 'end' })
      s += text(right, hy, 'B − A', { size: 11, face: 'bold', fill: p.muted, anchor: 'end' })
    }
    m.directories.forEach((d, i) => {
      const base = y0 + 84 + i * rowH
      const mark = d.status === 'onlyA' ? p.onlyA : d.status === 'onlyB' ? p.onlyB : p.changed
      s += rect(x0, base - 10, 3, 12, mark, 'rx="1"')
      s += text(x0 + 10, base, truncateMiddle(oneLine(d.path), pathW - 10, 12, 'mono'), { size: 12, face: 'mono', fill: p.text })
      s += text(colA, base, d.bytesA ? formatBytes(d.bytesA) : '–', { size: 13, fill: p.muted, anchor: 'end' })
      s += text(colB, base, d.bytesB ? formatBytes(d.bytesB) : '–', { size: 13, fill: p.muted, anchor: 'end' })
      s += text(right, base, formatDelta(d.delta ?? 0), { size: 13, face: 'bold', fill: deltaColor(p, d.delta ?? 0), anchor: 'end' })
    })
    if (m.directories.length === 0) s += text(x0, y0 + 62, 'The final filesystems hold the same files.', { size: 13, fill: p.muted })
    return { svg: s, height: 84 + Math.max(1, m.directories.length) * rowH }
  }
  s += sectionTitle(p, x0, y0 + 32, 'Biggest directories', 'final filesystem')
  const sizeRight = right
  const pctRight = right - 90
  const barW = 70
  const barX = pctRight - 56 - barW
  const pathW = barX - 12 - x0
  m.directories.forEach((d, i) => {
    const base = y0 + 62 + i * rowH
    s += text(x0, base, truncateMiddle(oneLine(d.path), pathW, 12, 'mono'), { size: 12, face: 'mono', fill: p.text })
    s += rect(barX, base - 10, barW, 10, p.track, 'rx="2"')
    s += rect(barX, base - 10, Math.max(1, (d.share ?? 0) * barW), 10, p.accent, 'rx="2"')
    const share = d.share ?? 0
    s += text(pctRight, base, formatPercent(share), { size: 12, fill: p.muted, anchor: 'end' })
    s += text(sizeRight, base, formatBytes(d.bytes), { size: 13, fill: p.text, anchor: 'end' })
  })
  if (m.directories.length === 0) s += text(x0, y0 + 62, 'No files in the final filesystem.', { size: 13, fill: p.muted })
  return { svg: s, height: 62 + Math.max(1, m.directories.length) * rowH - 8 }
}

function wasteColumn(p: Palette, m: ReportModel, x: number, y0: number): Block {
  const x0 = x + PANEL_PAD
  const right = x + COL_W - PANEL_PAD
  let s = sectionTitle(p, x0, y0 + 32, 'Waste', 'bytes shipped but hidden by a later layer')
  let y = y0 + 60
  for (const w of m.waste) {
    const who = w.label ? `${w.label}: ` : ''
    const line = `${who}${formatBytes(w.bytes)} wasted · ${formatPercent(w.efficiency)} efficient`
    s += text(x0, y, truncateEnd(line, right - x0, 14, 'bold'), { size: 14, face: 'bold', fill: w.efficiency < 0.95 ? p.changed : p.text })
    y += 18
    const dive = `dive: ${formatPercent(w.dive.score)} efficiency, ${formatBytes(w.dive.wastedBytes)} wasted, ${formatPercent(w.dive.userWastedPercent)} user wasted`
    s += text(x0, y, truncateEnd(dive, right - x0, 12), { size: 12, fill: p.muted })
    y += 24
  }
  // In a comparison, B's paths (the new image) unless B wastes nothing.
  const shown = [...m.waste].reverse().find((w) => w.top.length > 0)
  if (!shown) {
    s += text(x0, y + 4, 'No wasted paths: every byte shipped is visible.', { size: 13, fill: p.muted })
    return { svg: s, height: y + 12 - y0 }
  }
  s += text(x0, y + 4, shown.label ? `TOP WASTED PATHS IN ${shown.label}` : 'TOP WASTED PATHS', { size: 11, face: 'bold', fill: p.muted, spacing: 0.6 })
  y += 28
  const whyW = 160
  const whyX = right - 80 - whyW
  shown.top.forEach((t) => {
    s += text(x0, y, truncateMiddle(oneLine(t.path), whyX - 12 - x0, 12, 'mono'), { size: 12, face: 'mono', fill: p.text })
    s += text(whyX, y, truncateEnd(t.why, whyW, 12), { size: 12, fill: t.reason === 'deleted' ? p.deleted : p.changed })
    s += text(right, y, formatBytes(t.bytes), { size: 13, fill: p.text, anchor: 'end' })
    y += 24
  })
  return { svg: s, height: y - 16 - y0 }
}

function twoColumns(p: Palette, m: ReportModel, y0: number): Block {
  const left = directoriesColumn(p, m, PAD, y0)
  const right = wasteColumn(p, m, PAD + COL_W + GAP, y0)
  const h = Math.max(left.height, right.height) + 20
  return {
    svg: panel(p, PAD, y0, COL_W, h) + panel(p, PAD + COL_W + GAP, y0, COL_W, h) + left.svg + right.svg,
    height: h
  }
}

interface AdviceRow {
  title: string
  fix: string
  bytes: string
  /** Right-hand note under the bytes ("lines 3, 7", "layers 1, 3"). */
  where: string
  color: string
}

/** Rows of advice (a Dockerfile's) or of savings (the image's own), one look for both. */
function adviceRowsPanel(p: Palette, y0: number, title: string, subtitle: string | undefined, rows: AdviceRow[]): Block {
  const rowH = 44
  const h = 52 + rows.length * rowH
  const x0 = PAD + PANEL_PAD
  const right = REPORT_WIDTH - PAD - PANEL_PAD
  let s = panel(p, PAD, y0, INNER, h)
  s += sectionTitle(p, x0, y0 + 32, title, subtitle)
  rows.forEach((a, i) => {
    const y = y0 + 62 + i * rowH
    s += `<circle cx="${r(x0 + 5)}" cy="${r(y - 5)}" r="5" fill="${a.color}"/>`
    s += text(right, y, a.bytes, { size: 13, face: 'bold', fill: p.text, anchor: 'end' })
    const titleW = right - 140 - (x0 + 18)
    s += text(x0 + 18, y, truncateEnd(oneLine(a.title), titleW, 14, 'bold'), { size: 14, face: 'bold', fill: p.text })
    s += text(right, y + 18, a.where, { size: 12, fill: p.muted, anchor: 'end' })
    s += text(x0 + 18, y + 18, truncateEnd(oneLine(a.fix), titleW, 12), { size: 12, fill: p.muted })
  })
  return { svg: s, height: h }
}

function advicePanel(p: Palette, m: ReportModel, y0: number): Block {
  const rows = m.advice.map((a) => ({
    title: a.title,
    fix: a.fix,
    bytes: a.bytes !== undefined ? `${formatBytes(a.bytes)}${a.bytesKind === 'estimated' ? ' (est.)' : ''}` : '',
    where: a.lines.length > 0 ? `line${a.lines.length > 1 ? 's' : ''} ${a.lines.join(', ')}` : '',
    color: a.severity === 'high' ? p.deleted : a.severity === 'medium' ? p.changed : p.muted
  }))
  return adviceRowsPanel(p, y0, 'Advice', m.dockerfilePath ? `from ${m.dockerfilePath}` : undefined, rows)
}

function savingsPanel(p: Palette, m: ReportModel, y0: number): Block {
  const sv = m.savings!
  const rows = sv.top.map((c) => ({
    title: c.title,
    fix: c.fix,
    bytes: formatBytes(c.bytes),
    where: `${c.layers.length > 1 ? 'layers' : 'layer'} ${c.layers.slice(0, 4).join(', ')}${c.layers.length > 4 ? ', …' : ''}`,
    color: c.id === 'hidden' ? p.changed : p.added
  }))
  return adviceRowsPanel(p, y0, `Could save ${formatBytes(sv.bytes)}`, `≈ ${formatBytes(sv.afterBytes)} of file content after (estimate) · measured in this image${sv.count > sv.top.length ? ` · top ${sv.top.length} of ${sv.count}` : ''}`, rows)
}

/** The tallest the stage graph may be drawn; wider or taller graphs are scaled down to fit. */
const GRAPH_MAX_H = 640

function stageGraphPanel(p: Palette, m: ReportModel, y0: number): Block {
  const g = m.stageGraph!
  const x0 = PAD + PANEL_PAD
  const areaW = INNER - 2 * PANEL_PAD
  // The app's layout and drawing (dagre, top to bottom), scaled to the panel.
  const layout = g.layout ?? layoutStageGraph(g)
  const drawing = drawStageGraph(g, layout, { theme: p.theme, idPrefix: 'sg-' })
  const k = Math.min(1, areaW / Math.max(1, drawing.width), GRAPH_MAX_H / Math.max(1, drawing.height))
  const top = 48
  const h = top + drawing.height * k + 12
  let s = panel(p, PAD, y0, INNER, h)
  const target = g.nodes.find((n) => n.id === g.target)
  s += sectionTitle(p, x0, y0 + 32, 'Stage graph', `${g.nodes.filter((n) => n.kind === 'stage').length} stages · target ${target ? boxContent(target).title : g.target}`)
  // The legend, right-aligned in the panel head: dockerfilegraph's edge styles.
  const legend = drawLegend(p.theme, 0, 0, 'sg-')
  const lx = REPORT_WIDTH - PAD - PANEL_PAD - legend.width
  s += svgMarkup(drawing.defs)
  s += `<g transform="translate(${r(lx)},${r(y0 + 32)})">${svgMarkup(legend.el)}</g>`
  const ox = x0 + (areaW - drawing.width * k) / 2
  s += `<g transform="translate(${r(ox)},${r(y0 + top)}) scale(${Math.round(k * 1000) / 1000})">${drawing.items.map(svgMarkup).join('\n')}</g>`
  return { svg: s, height: h }
}

function footer(p: Palette, m: ReportModel, y0: number): Block {
  const note = 'Sizes in decimal units as docker prints them (1 MB = 1,000,000 bytes). Layer and directory figures are uncompressed content bytes.'
  let s = text(PAD, y0 + 16, truncateEnd(note, INNER - 200, 11), { size: 11, fill: p.muted })
  s += text(REPORT_WIDTH - PAD, y0 + 16, m.generator, { size: 11, face: 'bold', fill: p.muted, anchor: 'end' })
  m.notes.slice(0, 3).forEach((n, i) => {
    s += text(PAD, y0 + 34 + i * 16, truncateEnd(`Note: ${oneLine(n)}`, INNER, 11), { size: 11, fill: p.changed })
  })
  return { svg: s, height: 24 + Math.min(3, m.notes.length) * 16 }
}

export function renderReportSvg(m: ReportModel, opts: SvgOptions = {}): string {
  const p = PALETTES[opts.theme ?? 'light']
  const parts: string[] = []
  let y = PAD - 4
  const add = (b: Block, gap = GAP): void => {
    parts.push(b.svg)
    y += b.height + gap
  }
  add(header(p, m, y), 12)
  add(cards(p, figureCards(p, m), y))
  if (m.kind === 'compare' && m.comparison) add(comparisonLine(p, m, y))
  add(layersPanel(p, m, y))
  add(twoColumns(p, m, y))
  if (m.advice.length > 0) add(advicePanel(p, m, y))
  else if (m.savings && m.savings.top.length > 0) add(savingsPanel(p, m, y))
  if (m.stageGraph) add(stageGraphPanel(p, m, y))
  add(footer(p, m, y), 0)
  const height = Math.ceil(y + PAD - 8)
  const width = opts.width ?? REPORT_WIDTH
  const scaledH = Math.round((height * width) / REPORT_WIDTH)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${scaledH}" viewBox="0 0 ${REPORT_WIDTH} ${height}" font-family="DejaVu Sans, Inter, Segoe UI, sans-serif">`,
    `<title>${esc(m.title)}</title>`,
    rect(0, 0, REPORT_WIDTH, height, p.bg),
    ...parts,
    '</svg>'
  ].join('\n')
}
