// The trend report: a repository's tags as one bar chart (the size the series measures first,
// the shared base as a band at the foot of each bar, the other size as a line where known, the
// layer count under each bar) and the biggest jumps with their one-line causes. Same panels,
// fonts, palette and text measurement as the size report (report-svg.ts); PNG through resvg.
import type { ReportTheme } from '../../../shared/models/report'
import type { HistoryJump, TagSeries } from '../../../shared/models/history'
import { formatBytes, formatDelta } from '../../../shared/format'
import { PALETTES, type Palette } from './report-theme'
import { r, rect, text } from './svg-text'
import { textWidth, truncateEnd, truncateMiddle } from './text-width'
import { REPORT_WIDTH } from './report-svg'
import { svgToPng } from './svg-to-png'

const PAD = 32
const INNER = REPORT_WIDTH - 2 * PAD
const CHART_H = 300
const AXIS_W = 80

export interface HistorySvgOptions {
  theme?: ReportTheme
  width?: number
  generator?: string
}

function panel(p: Palette, x: number, y: number, w: number, h: number): string {
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" rx="10" fill="${p.panel}" stroke="${p.border}"/>`
}

/** Round axis steps (1, 2, 5 x 10^n bytes) so gridlines read as whole sizes. */
export function axisStep(max: number, lines = 4): number {
  if (max <= 0) return 1
  const raw = max / lines
  const mag = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag
  return 10 * mag
}

/** What the chart measures per tag: download for registry series, unpacked for engine ones. */
export function seriesFigures(s: TagSeries): Array<{ tag: string; primary: number; secondary?: number; base?: number; layers: number }> {
  return s.tags.map((t) => {
    const primary = (s.kind === 'registry' ? t.downloadBytes : t.unpackedBytes) ?? 0
    const secondary = s.kind === 'registry' ? t.unpackedBytes : undefined
    return { tag: t.tag, primary, ...(secondary !== undefined ? { secondary } : {}), ...(t.baseBytes !== undefined ? { base: t.baseBytes } : {}), layers: t.layers }
  })
}

export function renderHistorySvg(series: TagSeries, jumps: readonly HistoryJump[], o: HistorySvgOptions = {}): string {
  const p = PALETTES[o.theme ?? 'light']
  const figs = seriesFigures(series)
  const primaryName = series.kind === 'registry' ? 'download size' : 'unpacked size (docker images)'
  let y = PAD
  let body = ''
  body += text(PAD, y + 22, truncateMiddle(`Size over time: ${series.repository}`, INNER, 24, 'bold'), { size: 24, face: 'bold', fill: p.text })
  y += 34
  const first = figs[0]
  const last = figs[figs.length - 1]
  const sub = first && last ? `${figs.length} tags by ${series.order === 'semver' ? 'version' : 'created time'}, ${first.tag} → ${last.tag}: ${formatBytes(first.primary)} → ${formatBytes(last.primary)} (${formatDelta(last.primary - first.primary)}) ${primaryName}` : 'no tags'
  body += text(PAD, y + 14, truncateEnd(sub, INNER, 14), { size: 14, fill: p.muted })
  y += 32

  // Chart panel.
  const chartTop = y
  const panelH = CHART_H + 110
  body += panel(p, PAD, chartTop, INNER, panelH)
  const plotX = PAD + AXIS_W
  const plotW = INNER - AXIS_W - 20
  const plotY = chartTop + 48
  const max = Math.max(1, ...figs.map((f) => Math.max(f.primary, f.secondary ?? 0)))
  const step = axisStep(max)
  const top = Math.ceil(max / step) * step
  const yOf = (b: number): number => plotY + CHART_H - (b / top) * CHART_H
  body += text(PAD + 20, chartTop + 24, 'Size per tag', { size: 16, face: 'bold', fill: p.text })
  const legendItems = [
    { color: p.accent, label: primaryName },
    { color: p.base, label: `shared base (${series.baseLayers} layer${series.baseLayers === 1 ? '' : 's'})` },
    ...(figs.some((f) => f.secondary !== undefined) ? [{ color: p.changed, label: 'unpacked size' }] : [])
  ]
  let lx = PAD + INNER - 20 - legendItems.reduce((a, i) => a + 31 + textWidth(i.label, 12), 0)
  for (const it of legendItems) {
    body += rect(lx, chartTop + 15, 10, 10, it.color, 'rx="2"') + text(lx + 15, chartTop + 24, it.label, { size: 12, fill: p.muted })
    lx += 31 + textWidth(it.label, 12)
  }
  for (let v = 0; v <= top; v += step) {
    const gy = yOf(v)
    body += `<line x1="${r(plotX)}" y1="${r(gy)}" x2="${r(plotX + plotW)}" y2="${r(gy)}" stroke="${p.track}"/>`
    body += text(plotX - 8, gy + 4, formatBytes(v), { size: 11, fill: p.muted, anchor: 'end' })
  }
  const slot = figs.length > 0 ? plotW / figs.length : plotW
  const barW = Math.max(2, Math.min(56, slot * 0.6))
  const labelSize = slot < 40 ? 9 : 11
  const points: string[] = []
  figs.forEach((f, i) => {
    const cx = plotX + slot * (i + 0.5)
    body += rect(cx - barW / 2, yOf(f.primary), barW, yOf(0) - yOf(f.primary), p.accent, 'rx="2"')
    if (f.base !== undefined && f.base > 0) body += rect(cx - barW / 2, yOf(Math.min(f.base, f.primary)), barW, yOf(0) - yOf(Math.min(f.base, f.primary)), p.base)
    if (f.secondary !== undefined) points.push(`${r(cx)},${r(yOf(f.secondary))}`)
    if (slot >= 24 || i % Math.ceil(24 / slot) === 0) {
      body += text(cx, plotY + CHART_H + 18, truncateEnd(f.tag, Math.max(slot - 4, 30), labelSize), { size: labelSize, fill: p.text, anchor: 'middle' })
      body += text(cx, plotY + CHART_H + 34, `${f.layers} layers`, { size: 10, fill: p.muted, anchor: 'middle' })
    }
  })
  if (points.length > 1) body += `<polyline points="${points.join(' ')}" fill="none" stroke="${p.changed}" stroke-width="2"/>`
  y = chartTop + panelH + 16

  // Jumps.
  const rows = jumps.length
  const jumpsH = 44 + Math.max(1, rows) * 24
  body += panel(p, PAD, y, INNER, jumpsH)
  body += text(PAD + 20, y + 26, 'Biggest jumps', { size: 16, face: 'bold', fill: p.text })
  if (rows === 0) body += text(PAD + 20, y + 52, 'No step was explained (fewer than two tags, or --jumps 0).', { size: 13, fill: p.muted })
  jumps.forEach((j, i) => {
    const ly = y + 52 + i * 24
    const color = j.bytes > 0 ? p.deleted : j.bytes < 0 ? p.added : p.muted
    body += rect(PAD + 20, ly - 10, 8, 12, color, 'rx="2"')
    body += text(PAD + 36, ly, truncateEnd(j.line, INNER - 60, 13), { size: 13, fill: p.text })
  })
  y += jumpsH + 16
  if (o.generator) {
    body += text(PAD, y + 12, o.generator, { size: 11, fill: p.muted })
    y += 20
  }
  const height = y + PAD - 16
  const w = o.width ?? REPORT_WIDTH
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${r(w)}" height="${r((height * w) / REPORT_WIDTH)}" viewBox="0 0 ${REPORT_WIDTH} ${r(height)}">\n${rect(0, 0, REPORT_WIDTH, height, p.bg)}\n${body}\n</svg>\n`
}

export function renderHistoryPng(series: TagSeries, jumps: readonly HistoryJump[], o: HistorySvgOptions & { fontsDir: string }): Buffer {
  const width = o.width ?? REPORT_WIDTH
  return svgToPng(renderHistorySvg(series, jumps, o), { width, fontsDir: o.fontsDir })
}
