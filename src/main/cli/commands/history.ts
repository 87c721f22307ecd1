// `layerscope history REF`: a repository's tags as one series, the biggest jumps explained,
// optionally drawn as a trend report (PNG/SVG).
import type { Command } from 'commander'
import { extname, join } from 'node:path'
import { LayerscopeError } from '../../core/errors'
import { historyText } from '../../core/history/history-text'
import { checkWritable, writeFileAtomic } from '../../core/report/atomic-write'
import { renderHistoryPng, renderHistorySvg } from '../../core/report/history-svg'
import { appRoot, cliBackend, cliContext, runCli, themeFlag, VERSION, type CliGlobals } from '../context'
import { terminalProgress } from '../progress'

interface HistoryOpts {
  last?: string
  order: string
  json?: boolean
  output?: string
  jumps: string
  theme: string
}

function whole(name: string, v: string, min: number): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new LayerscopeError('INVALID_INPUT', `${name} must be a whole number of at least ${min} (got "${v}").`)
  return n
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .argument('<repository>', 'registry://HOST[:PORT]/REPO, or a local repository name (all its tags in the engine)')
    .description("A repository's tags as one series: download / unpacked size and layers per tag, the shared base, and the biggest jumps with their cause.")
    .option('--last <n>', 'only the last N tags of the order')
    .option('--order <order>', 'created (the config time) or semver', 'created')
    .option('--jumps <n>', 'how many of the biggest steps to explain with a compare (reads their layers; 0: none)', '3')
    .option('--json', 'print JSON: { series, jumps }')
    .option('-o, --output <file>', 'also write the trend report: chart.png or chart.svg')
    .option('--theme <theme>', 'light or dark (the report)', 'light')
    .addHelpText('after', '\nExamples:\n  layerscope history registry://127.0.0.1:5000/myapp --last 20\n  layerscope history myapp -o trend.png\n')
    .action((repository: string, opts: HistoryOpts) =>
      runCli(async (signal) => {
        if (opts.order !== 'created' && opts.order !== 'semver') throw new LayerscopeError('INVALID_INPUT', `--order must be created or semver (got "${opts.order}").`)
        const theme = themeFlag(opts.theme)
        const format = opts.output ? extname(opts.output).toLowerCase() : undefined
        if (opts.output && format !== '.png' && format !== '.svg') throw new LayerscopeError('INVALID_INPUT', `Cannot tell the report format from "${opts.output}": name it .png or .svg.`)
        if (opts.output) checkWritable(opts.output)
        const jumps = whole('--jumps', opts.jumps, 0)
        const req = { repository, order: opts.order, ...(opts.last !== undefined ? { last: whole('--last', opts.last, 2) } : {}) } as const
        const backend = cliBackend(program.opts<CliGlobals>())
        const progress = terminalProgress()
        try {
          const c = cliContext(signal, progress.emit)
          const series = await backend.dispatcher.invoke('history:series', { ...req, jobId: 'cli-history' }, c)
          const j = jumps > 0 && series.tags.length > 1 ? await backend.dispatcher.invoke('history:jumps', { ...req, limit: jumps, jobId: 'cli-history-jumps' }, c) : undefined
          progress.clear()
          if (opts.output) {
            const o = { theme, generator: `Layerscope ${VERSION}` } as const
            await writeFileAtomic(opts.output, format === '.png' ? renderHistoryPng(series, j?.jumps ?? [], { ...o, fontsDir: join(appRoot(), 'resources', 'fonts') }) : renderHistorySvg(series, j?.jumps ?? [], o))
            process.stderr.write(`Wrote ${opts.output}.\n`)
          }
          process.stdout.write(opts.json ? `${JSON.stringify({ series, jumps: j ?? null }, null, 2)}\n` : historyText(series, j))
        } finally {
          progress.clear()
          backend.services.history().close()
        }
      }, 'history')
    )
}
