// The readable text summary of `layerscope compare` (no colours: it is read in CI logs too).
import type { Comparison, ComparedSide, LayerRef } from '../../../shared/models/compare'
import { clip, formatBytes, formatDelta, formatDockerSize, formatPercent, formatRatio, groupDigits, shortId } from '../../../shared/format'
import { splitByBytes } from './contributors'
import { sourceName } from '../../../shared/image-source'

/** Moves listed in the text summary; the JSON has them all. */
const MOVES_SHOWN = 20

function sideLine(letter: string, label: string, s: ComparedSide): string {
  const name = sourceName(s.source)
  const size = s.image.sizeKind === 'engine' ? `${formatDockerSize(s.image.size)} (docker images)` : `${formatBytes(s.image.size)} (layer content)`
  return `${letter}  ${label === name ? name : `${label} = ${name}`}  ${shortId(s.image.id)}  ${size}, ${groupDigits(s.image.size)} bytes, ${s.layers.length} layers`
}

function layerCell(l: LayerRef | undefined): string {
  if (!l) return ''
  return `${formatBytes(l.contentBytes).padStart(9)}  ${clip(l.createdBy.replace(/\s+/g, ' '), 44)}`
}

export function compareText(c: Comparison): string {
  const la = c.labels?.a ?? 'A'
  const lb = c.labels?.b ?? 'B'
  const out: string[] = []
  out.push(sideLine('A', la, c.a), sideLine('B', lb, c.b), '')
  out.push(c.sentence, '')
  const basis = c.delta.basis === 'content' ? ' (layer content bytes)' : ''
  out.push(`Size       ${formatDelta(c.delta.bytes)}${basis}  ratio A/B ${formatRatio(c.delta.ratio)}  (${groupDigits(c.delta.bytes)} bytes)`)
  const sharedBytes = c.sharedLayers.reduce((n, l) => n + l.contentBytes, 0)
  out.push(`Layers     ${c.sharedLayers.length} shared (${formatBytes(sharedBytes)}), ${c.onlyA.length} only in A, ${c.onlyB.length} only in B`)
  out.push(
    `Files      ${groupDigits(c.files.added.count)} added (${formatDelta(c.files.added.bytes)}), ` +
      `${groupDigits(c.files.removed.count)} removed (${formatDelta(-c.files.removed.bytes)}), ` +
      `${groupDigits(c.files.changed.count)} changed (${formatDelta(c.files.changed.bytes)})` +
      (c.files.changed.sameSize ? `, of which ${groupDigits(c.files.changed.sameSize)} at the same size` : '') +
      (c.files.moved?.count ? `, ${groupDigits(c.files.moved.count)} moved (${formatBytes(c.files.moved.bytes)})` : '') +
      (c.files.metadata?.count ? `, ${groupDigits(c.files.metadata.count)} mode/owner only` : '')
  )
  out.push(
    `Waste      A ${formatBytes(c.a.waste.bytes)} (efficiency ${formatPercent(c.a.waste.efficiency)}), ` +
      `B ${formatBytes(c.b.waste.bytes)} (efficiency ${formatPercent(c.b.waste.efficiency)})`
  )
  const { withBytes, zeroByte } = splitByBytes(c.contributors)
  if (withBytes.length > 0) {
    out.push('', `${'Where the difference comes from'.padEnd(48)}${'A'.padStart(10)}${'B'.padStart(10)}${'delta'.padStart(11)}`)
    for (const r of withBytes) {
      out.push(`${clip(r.path, 46).padEnd(48)}${formatBytes(r.bytesA).padStart(10)}${formatBytes(r.bytesB).padStart(10)}${formatDelta(r.delta).padStart(11)}`)
    }
  }
  if (zeroByte > 0) out.push(`(${zeroByte} more path${zeroByte === 1 ? '' : 's'} differ without bytes: links, empty files, directories)`)
  const moves = c.files.moved?.paths ?? []
  if (moves.length > 0) {
    out.push('', 'Moved (same content, other path)')
    for (const m of moves.slice(0, MOVES_SHOWN)) out.push(`${formatBytes(m.bytes).padStart(9)}  ${m.from} -> ${m.to}`)
    const more = (c.files.moved?.count ?? moves.length) - Math.min(moves.length, MOVES_SHOWN)
    if (more > 0) out.push(`(${groupDigits(more)} more moved; compare --json lists them)`)
  }
  out.push('', 'Layers side by side (content bytes)')
  c.sharedLayers.forEach((l, i) => out.push(`${String(i).padStart(3)}  shared  ${layerCell(l)}`))
  const n = Math.max(c.onlyA.length, c.onlyB.length)
  for (let i = 0; i < n; i++) {
    const a = c.onlyA[i]
    const b = c.onlyB[i]
    const left = a ? `A ${layerCell(a).padEnd(55)}` : ' '.repeat(57)
    out.push(`${String(c.sharedLayers.length + i).padStart(3)}  ${left}${b ? `  B ${layerCell(b)}` : ''}`.trimEnd())
  }
  if (c.notes.length > 0) out.push('', ...c.notes.map((x) => `Note: ${x}`))
  return out.join('\n') + '\n'
}
