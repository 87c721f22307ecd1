// The report as GitHub-flavoured Markdown for a pull-request comment: a summary line, a table
// of the figures, then layers, directories, waste and advice; the same numbers as the SVG.
import { formatBytes, formatDelta, formatDockerSize, formatPercent, groupDigits, shortId } from '../../../shared/format'
import type { LayerKind, ReportModel } from './report-model'

/** Table cells and inline text: no pipes, no newlines, no HTML, no markdown links or emphasis. */
export function mdCell(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters in names are data to neutralise
    .replace(/[\u0000-\u001F]/g, '\uFFFD')
    .replace(/([\\`*_[\]<>|#~!])/g, '\\$1')
    .replace(/&/g, '&amp;')
}

function code(text: string): string {
  // Inline code cannot hold a backtick-free escape; pick a fence longer than any run inside.
  const clean = text.replace(/[\r\n\t]+/g, ' ').replace(/\|/g, '\\|')
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((m) => m.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${longest > 0 ? ' ' : ''}${clean}${longest > 0 ? ' ' : ''}${fence}`
}

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)
  ]
}

export function renderReportMarkdown(m: ReportModel): string {
  const out: string[] = []
  if (m.kind === 'compare' && m.comparison) {
    const [a, b] = m.images as [(typeof m.images)[0], (typeof m.images)[0]]
    const c = m.comparison
    out.push(`### Image size: ${mdCell(a.name)} → ${mdCell(b.name)}`, '')
    out.push(`**${mdCell(c.headline)}** (${formatDelta(c.deltaBytes)}, ${groupDigits(c.deltaBytes)} bytes)`, '')
    out.push(
      ...table(
        ['', 'A', 'B', 'B − A'],
        ['l', 'r', 'r', 'r'],
        [
          ['Image', mdCell(a.name), mdCell(b.name), ''],
          ['Size (docker images)', formatDockerSize(a.size), formatDockerSize(b.size), formatDelta(b.size - a.size)],
          ['Size, exact bytes', groupDigits(a.size), groupDigits(b.size), groupDigits(b.size - a.size)],
          ...(c.downloadDelta !== undefined && a.downloadSize !== undefined && b.downloadSize !== undefined
            ? [['Download (pull)', formatBytes(a.downloadSize), formatBytes(b.downloadSize), formatDelta(c.downloadDelta)]]
            : []),
          ['Layers', String(a.layers), String(b.layers), `${b.layers - a.layers >= 0 ? '+' : ''}${b.layers - a.layers}`],
          ['Files in final filesystem', groupDigits(a.files), groupDigits(b.files), groupDigits(b.files - a.files)],
          ['Wasted', formatBytes(a.wastedBytes), formatBytes(b.wastedBytes), formatDelta(b.wastedBytes - a.wastedBytes)],
          ['Efficiency', formatPercent(a.efficiency), formatPercent(b.efficiency), ''],
          ['Image ID', shortId(a.id), shortId(b.id), '']
        ]
      ),
      ''
    )
    out.push(mdCell(c.sentence), '')
    out.push(`${c.sharedLayers} shared layer${c.sharedLayers === 1 ? '' : 's'} (${formatBytes(c.sharedBytes)}).`, '')
    if (m.directories.length > 0) {
      out.push('<details><summary>Where the difference comes from</summary>', '')
      out.push(
        ...table(
          ['Path', 'A', 'B', 'B − A'],
          ['l', 'r', 'r', 'r'],
          m.directories.map((d) => [code(d.path), d.bytesA ? formatBytes(d.bytesA) : '–', d.bytesB ? formatBytes(d.bytesB) : '–', formatDelta(d.delta ?? 0)])
        ),
        '',
        '</details>',
        ''
      )
    }
  } else {
    const i = m.images[0]!
    const w = m.waste[0]!
    out.push(`### Image size: ${mdCell(i.name)}`, '')
    out.push(
      `**${formatDockerSize(i.size)}** (${groupDigits(i.size)} bytes, ${i.sizeKind === 'engine' ? 'as `docker images` shows it' : 'sum of layer contents'}) · ${i.layers} layers · ${formatBytes(w.bytes)} wasted (${formatPercent(w.efficiency)} efficient)`,
      ''
    )
    out.push(
      ...table(
        ['Figure', 'Value'],
        ['l', 'r'],
        [
          ['Size (docker images)', formatDockerSize(i.size)],
          ['Size, exact bytes', groupDigits(i.size)],
          ...(i.compressedSize !== undefined ? [['Compressed (pull)', formatBytes(i.compressedSize)]] : []),
          ...(i.downloadSize !== undefined ? [['Download (layers + config)', `${formatBytes(i.downloadSize)} (${groupDigits(i.downloadSize)} bytes)`]] : []),
          ['Final filesystem', `${formatBytes(i.finalBytes)} in ${groupDigits(i.files)} files`],
          ['All layers (content)', formatBytes(i.layerBytes)],
          ['Layers', `${i.layers}${i.baseRef ? ` (${i.baseLayers} from ${mdCell(i.baseRef)})` : ''}`],
          ['Wasted', `${formatBytes(w.bytes)} in ${groupDigits(w.pathCount)} paths`],
          ['Efficiency', formatPercent(w.efficiency)],
          ['dive efficiency / wasted / user wasted', `${formatPercent(w.dive.score)} / ${formatBytes(w.dive.wastedBytes)} / ${formatPercent(w.dive.userWastedPercent)}`],
          ['Image ID', shortId(i.id)]
        ]
      ),
      ''
    )
    if (m.directories.length > 0) {
      out.push('<details><summary>Biggest directories</summary>', '')
      out.push(...table(['Path', 'Size', 'Share'], ['l', 'r', 'r'], m.directories.map((d) => [code(d.path), formatBytes(d.bytes), formatPercent(d.share ?? 0)])), '', '</details>', '')
    }
  }
  out.push('<details><summary>Layers</summary>', '')
  const kindWords: Record<LayerKind, string> = { base: ' (base image)', own: '', shared: ' (shared)', onlyA: ' (only A)', onlyB: ' (only B)', more: '' }
  const clip = (t: string): string => (t.length > 120 ? `${t.slice(0, 119)}…` : t)
  out.push(
    ...table(['Layer', 'Size', 'Created by'], ['l', 'r', 'l'], m.layers.map((l) => [mdCell(l.label) + kindWords[l.kind], formatBytes(l.bytes), l.createdBy.trim() ? code(clip(l.createdBy)) : '–'])),
    '',
    '</details>',
    ''
  )
  const wasteRows = m.waste.flatMap((w) => w.top.map((t) => [w.label ? w.label : '', code(t.path), mdCell(t.why), formatBytes(t.bytes)]))
  if (wasteRows.length > 0) {
    out.push('<details><summary>Top wasted paths</summary>', '')
    const multi = m.waste.length > 1
    out.push(...table(multi ? ['Image', 'Path', 'Why', 'Bytes'] : ['Path', 'Why', 'Bytes'], multi ? ['l', 'l', 'l', 'r'] : ['l', 'l', 'r'], wasteRows.map((r) => (multi ? r : r.slice(1)))), '', '</details>', '')
  }
  if (m.advice.length > 0) {
    out.push('**Advice**', '')
    for (const a of m.advice) {
      const bytes = a.bytes !== undefined ? ` — ${formatBytes(a.bytes)}${a.bytesKind === 'estimated' ? ' (estimated)' : ''}` : ''
      const lines = a.lines.length > 0 ? ` (line ${a.lines.join(', ')})` : ''
      out.push(`- **${mdCell(a.title)}**${bytes}${lines}: ${mdCell(a.fix)}`)
    }
    out.push('')
  }
  if (m.advice.length === 0 && m.savings && m.savings.top.length > 0) {
    const sv = m.savings
    out.push(`**Could save ${formatBytes(sv.bytes)}** (≈ ${formatBytes(sv.afterBytes)} of file content after, an estimate; measured in this image)`, '')
    for (const c of sv.top) {
      const where = `${c.layers.length > 1 ? 'layers' : 'layer'} ${c.layers.join(', ')}`
      out.push(`- **${mdCell(c.title)}** — ${formatBytes(c.bytes)} in ${groupDigits(c.files)} ${c.files === 1 ? 'file' : 'files'} (${where}): ${mdCell(c.fix)}`)
    }
    const alt = sv.baseAlternatives
    if (alt && alt.siblings.length > 0) {
      const list = alt.siblings.map((s) => `${code(s.tag)} ${formatBytes(s.downloadSize)}`).join(', ')
      out.push(`- **Slimmer base** — ${code(alt.base)} downloads ${formatBytes(alt.downloadSize)}; measured siblings: ${list}`)
    }
    out.push('')
  }
  for (const n of m.notes) out.push(`> ${mdCell(n)}`, '')
  out.push(`<sub>Sizes in decimal units as docker prints them (1 MB = 1,000,000 bytes). ${mdCell(m.generator)}.</sub>`, '')
  return out.join('\n')
}
