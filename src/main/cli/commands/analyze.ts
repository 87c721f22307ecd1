import type { Command } from 'commander'
import type { ImageAnalysis, JobProgress } from '../../../shared/models/analysis'
import { formatBytes, formatExactBytes, formatPercent, groupDigits, shortId } from '../../../shared/format'
import { cliBackend, cliContext, type CliGlobals } from '../context'
import { parseSource } from './compare'

const PHASES: Record<string, string> = { export: 'Exporting from the engine', read: 'Reading the archive', cache: 'Loading cached layers', analyse: 'Analysing' }

function progressLine(p: JobProgress): string {
  const what = PHASES[p.phase] ?? p.phase
  if (!p.bytesTotal) return p.bytesDone > 0 ? `${what}: ${formatBytes(p.bytesDone)}` : `${what}...`
  const pct = Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100))
  return `${what}: ${formatBytes(p.bytesDone)} of about ${formatBytes(p.bytesTotal)} (${pct}%)`
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n)
}

/** The readable summary: layers, totals, efficiency, the biggest wasted paths with reasons. */
export function analyzeText(a: ImageAnalysis, top = 10): string {
  const out: string[] = []
  const name = a.image.repoTags[0] ?? (a.source.kind === 'archive' ? a.source.path : a.source.ref)
  out.push(`Image     ${name}  (${shortId(a.image.id)})`)
  if (a.image.repoTags.length > 1) out.push(`Tags      ${a.image.repoTags.join(', ')}`)
  const sizeWhat = a.image.sizeKind === 'engine' ? 'as `docker images` shows it' : 'uncompressed layer content'
  out.push(`Size      ${formatBytes(a.image.size)} (${formatExactBytes(a.image.size)}, ${sizeWhat})`)
  if (a.image.compressedSize !== undefined) out.push(`Download  ${formatBytes(a.image.compressedSize)} compressed`)
  const basePart = a.base ? `; ${a.base.layers} from base ${a.base.ref}` : ''
  const cachePart = a.cachedLayers > 0 ? `; ${a.cachedLayers} from cache` : ''
  out.push(`Layers    ${a.layers.length}${basePart}${cachePart}`)
  out.push('')
  const width = Math.max(40, (process.stdout.columns ?? 120) - 52)
  out.push(`  ${pad('#', 3, true)}  ${pad('CONTENT', 9, true)}  ${pad('FILES', 7, true)}  ${pad('+ADD', 6, true)} ${pad('~CHG', 6, true)} ${pad('-DEL', 6, true)}  INSTRUCTION`)
  for (const l of a.layers) {
    const ins = (l.isBase ? '[base] ' : '') + l.createdBy.replace(/\s+/g, ' ')
    out.push(
      `  ${pad(String(l.index), 3, true)}  ${pad(formatBytes(l.contentBytes), 9, true)}  ${pad(groupDigits(l.files), 7, true)}  ${pad(String(l.added), 6, true)} ${pad(String(l.changed), 6, true)} ${pad(String(l.deleted), 6, true)}  ${ins.length > width ? `${ins.slice(0, width - 1)}…` : ins}`
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
      out.push(`  ${pad(formatBytes(p.bytes), 9, true)}  ${p.path}  — ${why}; shipped by layer ${p.layerIndex}`)
    }
  }
  return `${out.join('\n')}\n`
}

function fail(cmd: string, e: unknown, tty: boolean): void {
  if (tty) process.stderr.write('\r\x1b[2K')
  const err = e as { code?: string; message?: string }
  process.stderr.write(`layerscope ${cmd}: ${err.message ?? String(e)}${err.code ? ` [${err.code}]` : ''}\n`)
  process.exitCode = err.code === 'CANCELLED' ? 130 : 2
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Analyse an image (engine reference or archive path): layers, sizes, waste, efficiency.')
    .argument('<image>', 'engine reference (repo:tag, ID) or archive path (docker save tar or .tar.gz, OCI layout tar or folder)')
    .option('--json', 'print JSON (fields in docs/analyze-json.md)')
    .option('--no-cache', 'do not use or write the layer cache')
    .option('--platform <os/arch>', 'pick one image from a multi-platform archive, e.g. linux/arm64')
    .option('--top <n>', 'wasted paths to list in the summary', '10')
    .action(async (image: string, opts: { json?: boolean; cache: boolean; platform?: string; top: string }) => {
      const backend = cliBackend(program.opts<CliGlobals>())
      const ac = new AbortController()
      const onSigint = (): void => ac.abort()
      process.once('SIGINT', onSigint)
      const tty = process.stderr.isTTY === true
      let last = 0
      const ctx = cliContext(ac.signal, (event, payload) => {
        if (event !== 'job:progress' || !tty) return
        const now = Date.now()
        if (now - last < 200) return
        last = now
        process.stderr.write(`\r\x1b[2K${progressLine(payload as JobProgress).slice(0, (process.stderr.columns ?? 80) - 1)}`)
      })
      try {
        const a = await backend.dispatcher.invoke(
          'analysis:open',
          { jobId: 'cli-analyze', source: parseSource(image), options: { noCache: !opts.cache, platform: opts.platform } },
          ctx
        )
        if (tty) process.stderr.write('\r\x1b[2K')
        process.stdout.write(opts.json ? `${JSON.stringify(a, null, 2)}\n` : analyzeText(a, Math.max(0, Number(opts.top) || 10)))
      } catch (e) {
        fail('analyze', e, tty)
      } finally {
        process.off('SIGINT', onSigint)
      }
    })

  const cache = program.command('cache').description('The layer cache (per-layer results, keyed by layer digest).')
  cache
    .command('info')
    .description('Where the cache is and how big it is.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      try {
        const r = await cliBackend(program.opts<CliGlobals>()).dispatcher.invoke('cache:info', {}, cliContext(new AbortController().signal))
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.dir}\n${groupDigits(r.entries)} cached layers, ${formatBytes(r.bytes)} on disk\n`)
      } catch (e) {
        fail('cache info', e, false)
      }
    })
  cache
    .command('clear')
    .description('Remove every cached layer (images are re-read on their next analysis).')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      try {
        const r = await cliBackend(program.opts<CliGlobals>()).dispatcher.invoke('cache:clear', {}, cliContext(new AbortController().signal))
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `Removed ${groupDigits(r.removedEntries)} cached layers (${formatBytes(r.removedBytes)}).\n`)
      } catch (e) {
        fail('cache clear', e, false)
      }
    })
}
