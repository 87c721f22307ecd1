import type { Command } from 'commander'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { imageName, imagePlatform } from '../../../shared/image-source'
import { clip, formatBytes, formatCount, formatExactBytes, formatPercent, groupDigits, shortId } from '../../../shared/format'
import { cliBackend, cliContext, runCli, type CliGlobals } from '../context'
import { terminalProgress } from '../progress'
import { parseSource } from '../source-arg'

/** The readable summary: layers, totals, efficiency, the biggest wasted paths with reasons. */
export function analyzeText(a: ImageAnalysis, top = 10): string {
  const out: string[] = []
  // One name per image, as the app and the reports call it.
  const name = imageName(a)
  out.push(`Image     ${name}  (${shortId(a.image.id)})`)
  if (a.image.repoTags.length > 1) out.push(`Tags      ${a.image.repoTags.join(', ')}`)
  const sizeWhat = a.image.sizeKind === 'engine' ? 'as `docker images` shows it' : 'uncompressed layer content'
  const platform = imagePlatform(a.image)
  if (a.image.platforms && a.image.platforms.length > 1) {
    out.push(`Platform  ${platform} (the archive holds ${a.image.platforms.join(', ')}; pick another with --platform)`)
  } else if (platform) out.push(`Platform  ${platform}`)
  out.push(`Size      ${formatBytes(a.image.size)} (${formatExactBytes(a.image.size)}, ${sizeWhat})`)
  if (a.image.downloadSize !== undefined) {
    out.push(`Download  ${formatBytes(a.image.downloadSize)} (${formatExactBytes(a.image.downloadSize)}: layer blobs + config, what a pull transfers)`)
  } else if (a.image.compressedSize !== undefined) out.push(`Download  ${formatBytes(a.image.compressedSize)} compressed`)
  const basePart = a.base ? `; ${a.base.layers} from base ${a.base.ref}` : ''
  const cachePart = a.cachedLayers > 0 ? `; ${a.cachedLayers} from cache` : ''
  out.push(`Layers    ${a.layers.length}${basePart}${cachePart}`)
  out.push('')
  const width = Math.max(40, (process.stdout.columns ?? 120) - 52)
  // Download bytes beside content bytes when the source knows them (registry, OCI archives).
  const dl = a.layers.some((l) => l.compressedBytes !== undefined)
  const dlCell = (l?: { compressedBytes?: number }): string => (dl ? `${(l ? (l.compressedBytes !== undefined ? formatBytes(l.compressedBytes) : '–') : 'DOWNLOAD').padStart(9)}  ` : '')
  out.push(`  ${'#'.padStart(3)}  ${dlCell()}${'CONTENT'.padStart(9)}  ${'FILES'.padStart(7)}  ${'+ADD'.padStart(6)} ${'~CHG'.padStart(6)} ${'-DEL'.padStart(6)}  INSTRUCTION`)
  for (const l of a.layers) {
    const ins = (l.isBase ? '[base] ' : '') + l.createdBy.replace(/\s+/g, ' ')
    out.push(
      `  ${String(l.index).padStart(3)}  ${dlCell(l)}${formatBytes(l.contentBytes).padStart(9)}  ${groupDigits(l.files).padStart(7)}  ${String(l.added).padStart(6)} ${String(l.changed).padStart(6)} ${String(l.deleted).padStart(6)}  ${clip(ins, width)}`
    )
  }
  const empty = a.history.filter((h) => h.emptyLayer).length
  if (empty > 0) out.push(`  (${empty} more history steps made no layer: ENV, CMD, LABEL, ...)`)
  out.push('')
  out.push(`Layers    ${formatBytes(a.layerBytes)} of file content in all layers`)
  out.push(`Final     ${formatBytes(a.final.bytes)} in ${groupDigits(a.final.files)} files (${groupDigits(a.final.entries)} paths) visible in the image`)
  out.push(`Wasted    ${formatBytes(a.waste.bytes)} shipped but hidden (efficiency ${formatPercent(a.waste.efficiency)})`)
  out.push(
    `dive      score ${formatPercent(a.waste.dive.score)}, wasted ${formatBytes(a.waste.dive.wastedBytes)}, user wasted ${formatPercent(a.waste.dive.userWastedPercent)} (dive also counts the kept copy)`
  )
  if (a.waste.paths.length > 0) {
    out.push('')
    out.push(`Top wasted paths (${groupDigits(a.waste.pathCount)} in all)`)
    for (const p of a.waste.paths.slice(0, top)) {
      const why = p.reason === 'deleted' ? `deleted in layer ${p.byLayerIndex}` : p.reason === 'overwritten' ? `overwritten in layer ${p.byLayerIndex}` : `copied again in layer ${p.byLayerIndex} for a metadata-only change (chmod/chown)`
      out.push(`  ${formatBytes(p.bytes).padStart(9)}  ${p.path}  — ${why}; shipped by layer ${p.layerIndex}`)
    }
  }
  const dup = a.duplicates
  if (dup && dup.groupCount > 0) {
    out.push('')
    out.push(`Duplicates ${formatBytes(dup.bytes)} a dedup would save: ${groupDigits(dup.files)} files hold ${groupDigits(dup.groupCount)} contents more than once (same sha256; apart from waste)`)
    for (const g of dup.groups.slice(0, top)) out.push(`  ${formatBytes(g.bytes).padStart(9)}  ${g.copies} x ${formatBytes(g.size)}  ${g.paths.slice(0, 3).join(', ')}${g.copies > 3 ? ', ...' : ''}`)
  }
  const sv = a.savings
  if (sv && sv.candidates.length > 0) {
    out.push('')
    out.push(`Could save ${formatBytes(sv.bytes)} (${formatExactBytes(sv.bytes)}) in ${formatCount(sv.files, 'file')}; ≈ ${formatBytes(sv.afterBytes)} of content after (estimate)`)
    for (const c of sv.candidates.slice(0, top)) {
      const by = c.layers
        .slice(0, 3)
        .map((l) => `layer ${l.layerIndex}`)
        .join(', ')
      out.push(`  ${formatBytes(c.bytes).padStart(9)}  ${c.title} — ${c.id === 'hidden' ? formatCount(c.files, 'hidden copy', 'hidden copies') : formatCount(c.files, 'file')}, added by ${by}${c.layers.length > 3 ? ', ...' : ''}`)
      out.push(`  ${' '.repeat(9)}  ${c.fix}`)
    }
  }
  return `${out.join('\n')}\n`
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Analyse an image (engine reference or archive path): layers, sizes, waste, efficiency.')
    .argument('<image>', 'engine reference (repo:tag, ID), archive path (docker save tar or .tar.gz, OCI layout tar or folder) or registry://HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option('--json', 'print JSON (fields in docs/analyze-json.md)')
    .option('--no-cache', 'do not use or write the layer cache')
    .option('--platform <os/arch>', 'pick one image from a multi-platform archive, e.g. linux/arm64')
    .option('--top <n>', 'wasted paths and savings candidates to list in the summary', '10')
    .action((image: string, opts: { json?: boolean; cache: boolean; platform?: string; top: string }) =>
      runCli(async (signal) => {
        const backend = cliBackend(program.opts<CliGlobals>())
        const progress = terminalProgress()
        try {
          const a = await backend.dispatcher.invoke(
            'analysis:open',
            { jobId: 'cli-analyze', source: parseSource(image), options: { noCache: !opts.cache, platform: opts.platform } },
            cliContext(signal, progress.emit)
          )
          progress.clear()
          process.stdout.write(opts.json ? `${JSON.stringify(a, null, 2)}\n` : analyzeText(a, Math.max(0, Number(opts.top) || 10)))
        } finally {
          progress.clear()
        }
      }, 'analyze')
    )

  const cache = program.command('cache').description('The layer cache (per-layer results, keyed by layer digest).')
  cache
    .command('info')
    .description('Where the cache is and how big it is.')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      runCli(async (signal) => {
        const r = await cliBackend(program.opts<CliGlobals>()).dispatcher.invoke('cache:info', {}, cliContext(signal))
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.dir}\n${groupDigits(r.entries)} cached layers, ${formatBytes(r.bytes)} on disk\n`)
      }, 'cache info')
    )
  cache
    .command('clear')
    .description('Remove every cached layer (images are re-read on their next analysis).')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      runCli(async (signal) => {
        const r = await cliBackend(program.opts<CliGlobals>()).dispatcher.invoke('cache:clear', {}, cliContext(signal))
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `Removed ${groupDigits(r.removedEntries)} cached layers (${formatBytes(r.removedBytes)}).\n`)
      }, 'cache clear')
    )
}
