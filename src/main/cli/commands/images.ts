import type { Command } from 'commander'
import type { ImageSummary } from '../../../shared/models/images'
import { formatDockerSize, shortId } from '../../../shared/format'
import { cliBackend, cliContext, collect, runCli, type CliGlobals } from '../context'

interface ImagesOptions {
  json?: boolean
  all?: boolean
  filter: string[]
  format?: string
  /** commander turns --no-trunc into trunc: false. */
  trunc?: boolean
  quiet?: boolean
}

export function registerImages(program: Command): void {
  program
    .command('images')
    .description('List the engine\'s images like `docker images` (SIZE is inspect .Size, rounded the way docker rounds it).')
    .option('--json', 'print JSON: id, repoTags, repoDigests, size (exact bytes), created, layers (same as --format json)')
    .option('-a, --all', 'show all images (also intermediate ones)')
    .option('-f, --filter <key=value>', 'filter like docker: reference=myapp:*, dangling=true, label=k=v, before=IMG, since=IMG (repeatable)', collect, [])
    .option('--format <format>', 'table or json', 'table')
    .option('--no-trunc', 'do not truncate image IDs')
    .option('-q, --quiet', 'only show image IDs')
    .addHelpText('after', '\nExamples:\n  layerscope images\n  layerscope images --filter reference=\'myapp:*\' --json\n')
    .action(async (opts: ImagesOptions) =>
      runCli(async (signal) => {
        const format = opts.json ? 'json' : (opts.format ?? 'table')
        if (format !== 'table' && format !== 'json') throw new Error(`--format must be "table" or "json", not "${format}".`)
        const backend = cliBackend(program.opts<CliGlobals>())
        const images = await backend.dispatcher.invoke('images:list', { all: opts.all === true, filters: parseFilters(opts.filter) }, cliContext(signal))
        const noTrunc = opts.trunc === false
        if (opts.quiet) {
          const ids = [...new Set(images.map((i) => (noTrunc ? i.id : shortId(i.id))))]
          process.stdout.write(ids.map((i) => `${i}\n`).join(''))
        } else if (format === 'json') {
          process.stdout.write(`${JSON.stringify(images, null, 2)}\n`)
        } else {
          process.stdout.write(imagesTable(images, { noTrunc, now: Date.now() }))
        }
      }, 'images')
    )
}

/** `key=value` strings -> the engine's filter map. */
export function parseFilters(pairs: string[]): Record<string, string[]> | undefined {
  if (pairs.length === 0) return undefined
  const out: Record<string, string[]> = {}
  for (const p of pairs) {
    const i = p.indexOf('=')
    if (i <= 0) throw new Error(`--filter takes key=value (e.g. reference=myapp:*), not "${p}".`)
    const key = p.slice(0, i).trim().toLowerCase()
    ;(out[key] ??= []).push(p.slice(i + 1))
  }
  return out
}

/** One row per repo:tag like `docker images` (an image with two tags shows twice; dangling shows <none>). */
export function imagesTable(images: ImageSummary[], opts: { noTrunc: boolean; now: number }): string {
  const rows: string[][] = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']]
  for (const img of images) {
    const id = opts.noTrunc ? img.id : shortId(img.id)
    const created = `${humanDuration(opts.now - Date.parse(img.created))} ago`
    const size = formatDockerSize(img.size)
    const refs = img.repoTags.length > 0 ? img.repoTags.map(splitRepoTag) : [['<none>', '<none>'] as const]
    for (const [repo, tag] of refs) rows.push([repo, tag, id, created, size])
  }
  // docker's tabwriter: minimum cell width 10, padding 3.
  const widths = rows[0]!.map((_, c) => Math.max(10, Math.max(...rows.map((r) => r[c]!.length)) + 3))
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('')).join('\n') + '\n'
}

function splitRepoTag(ref: string): readonly [string, string] {
  const at = ref.lastIndexOf(':')
  // A colon before the last slash is a registry port, not a tag.
  if (at < 0 || ref.indexOf('/', at) >= 0) return [ref, '<none>']
  return [ref.slice(0, at), ref.slice(at + 1)]
}

/** go-units HumanDuration, which `docker images` uses for CREATED. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.floor(seconds / 60)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.round(ms / 3_600_000)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`
}
