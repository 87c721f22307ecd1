// `layerscope files IMAGE [PATH] [--layer N] [--json]`: every entry of the final filesystem (or
// of one layer's changes) with type, mode, owner, size, the layer that last wrote it, link
// target and sha256: `tar -tv` with digests, for scripts (docs/files-json.md).
import type { Command } from 'commander'
import { LayerscopeError } from '../../core/errors'
import { fileLine, fileRows, type FileRow } from '../../core/content/file-listing'
import { cliBackend, runCli, type CliGlobals } from '../context'
import { terminalProgress } from '../progress'
import { parseSource } from '../source-arg'

/** Writes rows as they come, waiting for the pipe to drain, so memory stays flat. */
async function writeRows(rows: Iterable<FileRow>, json: boolean, out: NodeJS.WritableStream): Promise<void> {
  let buf = json ? '[' : ''
  let first = true
  const flush = async (): Promise<void> => {
    if (buf.length === 0) return
    const ok = out.write(buf)
    buf = ''
    if (!ok) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  for (const r of rows) {
    buf += json ? `${first ? '\n  ' : ',\n  '}${JSON.stringify(r)}` : `${fileLine(r)}\n`
    first = false
    if (buf.length > 64 * 1024) await flush()
  }
  if (json) buf += first ? ']\n' : '\n]\n'
  await flush()
}

export function registerFiles(program: Command): void {
  program
    .command('files')
    .description('List the entries of the final filesystem (or of one layer) with mode, owner, size, layer and sha256, like `tar -tv` with digests.')
    .argument('<image>', 'engine reference (repo:tag, ID) or archive path')
    .argument('[path]', 'only this path and what is below it, e.g. /usr/lib')
    .option('--layer <n>', "one layer's own entries (its changes, whiteouts included) instead of the final filesystem")
    .option('--json', 'print a JSON array (fields in docs/files-json.md)')
    .option('--no-cache', 'do not use or write the layer cache')
    .option('--platform <os/arch>', 'pick one image from a multi-platform archive')
    .action((image: string, path: string | undefined, opts: { layer?: string; json?: boolean; cache: boolean; platform?: string }) =>
      runCli(async (signal) => {
        let layer: number | undefined
        if (opts.layer !== undefined) {
          layer = Number(opts.layer)
          if (!/^\d+$/.test(opts.layer)) throw new LayerscopeError('INVALID_INPUT', `--layer wants a layer index (0 = the bottom layer), not "${opts.layer}".`)
        }
        const backend = cliBackend(program.opts<CliGlobals>())
        const progress = terminalProgress()
        let img
        try {
          img = await backend.services.analysis().open(parseSource(image), {
            noCache: !opts.cache,
            platform: opts.platform,
            signal,
            onProgress: (p) => progress.emit('job:progress', { ...p, jobId: 'cli-files' })
          })
        } finally {
          progress.clear()
        }
        await writeRows(fileRows(img, { path, layer }), !!opts.json, process.stdout)
        await backend.services.analysis().flush()
      }, 'files')
    )
}
