// The series and its jumps as the terminal shows them: one row per tag, then the jump lines
// and what the series cost.
import type { HistoryJumps, TagSeries } from '../../../shared/models/history'
import { formatBytes } from '../../../shared/format'

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)))
  return cells.map((row) => row.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n')
}

export function historyText(s: TagSeries, j?: HistoryJumps): string {
  const head = `${s.repository}: ${s.tags.length} tag${s.tags.length === 1 ? '' : 's'} by ${s.order === 'semver' ? 'version' : 'created time'} (${s.kind}); every tag starts with ${s.baseLayers} shared base layer${s.baseLayers === 1 ? '' : 's'}`
  const rows = [
    ['TAG', 'CREATED', 'DOWNLOAD', 'UNPACKED', 'LAYERS', 'SHARED'],
    ...s.tags.map((t) => [
      t.tag,
      t.created ? t.created.replace(/\.\d+/, '').replace('T', ' ') : '-',
      t.downloadBytes !== undefined ? formatBytes(t.downloadBytes) : '-',
      t.unpackedBytes !== undefined ? formatBytes(t.unpackedBytes) : '-',
      String(t.layers),
      t.sharedWithPrevious > 0 ? `${t.sharedWithPrevious} of ${t.layers}` : '-'
    ])
  ]
  const out = [head, '', pad(rows)]
  if (s.skipped.length > 0) out.push('', `Left out: ${s.skipped.map((x) => `${x.tag} (${x.reason})`).join(', ')}`)
  if (j && j.jumps.length > 0) out.push('', 'Biggest jumps:', ...j.jumps.map((x) => `  ${x.line}`))
  const r = s.requests
  out.push('', s.kind === 'registry' ? `Read: ${r.tags} tags page${r.tags === 1 ? '' : 's'}, ${r.manifests} manifests, ${r.blobs} config blobs; no layer for the series.` : `Read: ${r.inspects} engine inspect/history calls; no export for the series.`)
  return `${out.join('\n')}\n`
}
