import type { Command } from 'commander'
import type { ImageSource } from '../../../shared/models/analysis'
import { toCompareJson } from '../../core/compare/compare-json'
import { compareText } from '../../core/compare/compare-text'
import { cliBackend, cliContext, runCli, type CliGlobals } from '../context'
import { terminalProgress } from '../progress'
import { parseSource } from '../source-arg'

function withPlatform(s: ImageSource, platform: string | undefined): ImageSource {
  return platform ? { ...s, platform } : s
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Compare two images (engine references or archive paths): shared layers, the size delta and where it comes from.')
    .argument('<a>', 'image A: engine reference (repo:tag, ID), archive path (docker save tar, OCI layout) or registry://HOST[:PORT]/REPO[:TAG]')
    .argument('<b>', 'image B: the same kinds')
    .option('--json', 'print JSON (see docs/compare-json.md)')
    .option('--no-cache', 'do not use or write the layer cache')
    .option('--platform <os/arch>', 'pick one image from a multi-platform archive, e.g. linux/amd64')
    .option('--platform-a <os/arch>', 'the platform of side A only (e.g. one archive\'s linux/amd64 against its linux/arm64)')
    .option('--platform-b <os/arch>', 'the platform of side B only')
    .action((a: string, b: string, opts: { json?: boolean; cache: boolean; platform?: string; platformA?: string; platformB?: string }) =>
      runCli(async (signal) => {
        const backend = cliBackend(program.opts<CliGlobals>())
        const progress = terminalProgress()
        try {
          const c = await backend.dispatcher.invoke(
            'compare:open',
            { jobId: 'cli-compare', a: withPlatform(parseSource(a), opts.platformA), b: withPlatform(parseSource(b), opts.platformB), options: { noCache: !opts.cache, platform: opts.platform } },
            cliContext(signal, progress.emit)
          )
          progress.clear()
          process.stdout.write(opts.json ? `${JSON.stringify(toCompareJson(c), null, 2)}\n` : compareText(c))
        } finally {
          progress.clear()
        }
      }, 'compare')
    )
}
