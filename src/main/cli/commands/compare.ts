import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ImageSource, JobProgress } from '../../../shared/models/analysis'
import { formatBytes } from '../../../shared/format'
import { toCompareJson } from '../../core/compare/compare-json'
import { compareText } from '../../core/compare/compare-text'
import { cliBackend, cliContext, type CliGlobals } from '../context'

/** An existing file or directory is an archive (docker save output or OCI layout); anything else an engine reference. */
export function parseSource(arg: string): ImageSource {
  if (arg.startsWith('archive:')) return { kind: 'archive', path: resolve(arg.slice('archive:'.length)) }
  if (arg.startsWith('docker:')) return { kind: 'engine', ref: arg.slice('docker:'.length) }
  if (existsSync(arg)) return { kind: 'archive', path: resolve(arg) }
  return { kind: 'engine', ref: arg }
}

function progressLine(p: JobProgress): string {
  const side = p.side ? `${p.side.toUpperCase()}: ` : ''
  const bytes = p.bytesTotal ? `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` : p.bytesDone > 0 ? formatBytes(p.bytesDone) : ''
  return `${side}${p.phase} ${bytes} ${p.message ?? ''}`.trim()
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Compare two images (engine references or archive paths): shared layers, the size delta and where it comes from.')
    .argument('<a>', 'image A: engine reference (repo:tag, ID) or archive path (docker save tar, OCI layout)')
    .argument('<b>', 'image B: the same kinds')
    .option('--json', 'print JSON (see docs/compare-json.md)')
    .option('--no-cache', 'do not use or write the layer cache')
    .option('--platform <os/arch>', 'pick one image from a multi-platform archive, e.g. linux/amd64')
    .action(async (a: string, b: string, opts: { json?: boolean; cache: boolean; platform?: string }) => {
      const globals = program.opts<CliGlobals>()
      const backend = cliBackend(globals)
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
        const c = await backend.dispatcher.invoke(
          'compare:open',
          { jobId: 'cli-compare', a: parseSource(a), b: parseSource(b), options: { noCache: !opts.cache, platform: opts.platform } },
          ctx
        )
        if (tty) process.stderr.write('\r\x1b[2K')
        process.stdout.write(opts.json ? `${JSON.stringify(toCompareJson(c), null, 2)}\n` : compareText(c))
      } catch (e) {
        if (tty) process.stderr.write('\r\x1b[2K')
        const err = e as { code?: string; message?: string }
        process.stderr.write(`layerscope compare: ${err.message ?? String(e)}${err.code ? ` [${err.code}]` : ''}\n`)
        process.exitCode = err.code === 'CANCELLED' ? 130 : 2
      } finally {
        process.off('SIGINT', onSigint)
      }
    })
}
