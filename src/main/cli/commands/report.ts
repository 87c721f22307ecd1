// `layerscope report A [B] -o out.png|svg|json|md` and `layerscope ci IMAGE [--baseline B]`.
// Exit codes: 0 done / gate passed, 1 gate failed, 2 error (bad input, missing image, I/O).
import type { Command, CommanderError } from 'commander'
import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import type { ReportFormat } from '../../../shared/models/report'
import { formatBytes } from '../../../shared/format'
import type { Backend } from '../../api'
import { isCancelled, LayerscopeError } from '../../core/errors'
import { checkWritable, writeFileAtomic } from '../../core/report/atomic-write'
import { evaluateGate, checkBaselineNeeded, formatGateTable } from '../../core/report/ci-gate'
import { gateJunit } from '../../core/report/junit'
import { DEFAULT_RULE_FILES, DEFAULT_RULES, hasRules, parseRules, type CiRules } from '../../core/report/rules'
import { growthCause, medianBaseline } from '../../core/history/growth-baseline'
import { cliBackend, cliContext, type CliGlobals } from '../context'
import { parseSource } from '../source-arg'
import { reportFormat, reportOptions } from '../../../shared/schemas/report'

const EXTENSIONS: Record<string, ReportFormat> = { '.png': 'png', '.svg': 'svg', '.json': 'json', '.md': 'md', '.markdown': 'md' }

export function formatFor(output: string, explicit?: string): ReportFormat {
  if (explicit !== undefined) {
    const f = reportFormat.safeParse(explicit)
    if (!f.success) throw new LayerscopeError('INVALID_INPUT', f.error.issues[0]!.message)
    return f.data
  }
  const ext = extname(output).toLowerCase()
  const f = EXTENSIONS[ext]
  if (!f) {
    throw new LayerscopeError(
      'INVALID_INPUT',
      `Cannot tell the report format from "${output}"${ext ? ` (unknown extension ${ext})` : ' (no extension)'}: name it .png, .svg, .json or .md, or pass --format.`
    )
  }
  return f
}

function fail(e: unknown): void {
  const msg = e instanceof LayerscopeError || e instanceof Error ? e.message : String(e)
  process.stderr.write(`layerscope: ${msg}\n`)
  // Ctrl-C is 130 by convention; every other error is 2.
  process.exitCode = isCancelled(e) ? 130 : 2
}

/** Ctrl-C cancels the running job (no half-written file); a second Ctrl-C quits at once. */
function interruptSignal(): AbortSignal {
  const ctl = new AbortController()
  process.on('SIGINT', () => {
    if (ctl.signal.aborted) process.exit(130)
    ctl.abort()
  })
  return ctl.signal
}

function progressPrinter(): ReturnType<typeof cliContext>['emit'] | undefined {
  if (!process.stderr.isTTY) return undefined
  return (_event, payload) => {
    const p = payload as { phase?: string; message?: string; bytesDone?: number }
    const line = p.message ?? `${p.phase ?? ''} ${p.bytesDone ? formatBytes(p.bytesDone) : ''}`
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 80) - 1)}`)
  }
}

/** Opens an image through the backend's analysis service (cached layers are not re-read). */
async function openImage(backend: Backend, arg: string, signal: AbortSignal, what: string): Promise<ImageAnalysis> {
  const emit = progressPrinter()
  try {
    const img = await backend.services.analysis().open(parseSource(arg), {
      signal,
      onProgress: (p) => emit?.('job:progress', { ...p, jobId: `cli-${what}` })
    })
    return img.analysis
  } catch (e) {
    if (e instanceof LayerscopeError) throw new LayerscopeError(e.code, `${what} (${arg}): ${e.message}`)
    throw e
  } finally {
    if (emit) process.stderr.write('\r\x1b[2K')
  }
}

interface ReportOpts {
  output: string
  format?: string
  theme: string
  width?: string
  dockerfile?: string
}

async function runReport(a: string, b: string | undefined, opts: ReportOpts, globals: CliGlobals): Promise<void> {
  const format = formatFor(opts.output, opts.format)
  const width = opts.width !== undefined ? Number(opts.width) : undefined
  // The report channel's own schema, before any image is opened: the same words as the app.
  const checked = reportOptions.safeParse({ format, theme: opts.theme, width })
  if (!checked.success) throw new LayerscopeError('INVALID_INPUT', checked.error.issues[0]!.message)
  checkWritable(opts.output)
  if (opts.dockerfile && !existsSync(opts.dockerfile)) throw new LayerscopeError('NOT_FOUND', `Dockerfile ${opts.dockerfile} does not exist.`)
  const backend = cliBackend(globals)
  const signal = interruptSignal()
  const imgA = await openImage(backend, a, signal, b ? 'A' : 'Image')
  const imgB = b ? await openImage(backend, b, signal, 'B') : undefined
  const out = await backend.dispatcher.invoke(
    'report:render',
    {
      a: imgA.key,
      ...(imgB ? { b: imgB.key } : {}),
      ...(opts.dockerfile ? { dockerfile: resolve(opts.dockerfile) } : {}),
      format,
      theme: checked.data.theme,
      ...(width !== undefined ? { width } : {})
    },
    cliContext(signal)
  )
  await writeFileAtomic(opts.output, out.encoding === 'base64' ? Buffer.from(out.data, 'base64') : out.data)
  process.stderr.write(`Wrote ${opts.output} (${format}${format === 'png' || format === 'svg' ? `, ${opts.theme}` : ''}).\n`)
}

interface CiOpts {
  baseline?: string
  rules?: string
  junit?: string
  json?: boolean
  maxSize?: string
  minEfficiency?: string
  maxGrowth?: string
  maxGrowthSinceTags?: string
}

/** Rules from --rules, else the first default file in the working directory, else dive's defaults. */
export function loadRules(path: string | undefined, cwd = process.cwd()): { rules: CiRules; from: string } {
  const file = path ?? DEFAULT_RULE_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f))
  if (!file) return { rules: DEFAULT_RULES, from: "dive's defaults (no rules file found)" }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new LayerscopeError('NOT_FOUND', `Cannot read the rules file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}.`)
  }
  const rules = parseRules(text, path ?? file)
  if (!hasRules(rules)) throw new LayerscopeError('INVALID_INPUT', `${path ?? file}: no rules in the file (every rule is disabled or missing).`)
  return { rules, from: path ?? file }
}

async function runCi(image: string, opts: CiOpts, globals: CliGlobals): Promise<void> {
  const started = Date.now()
  const { rules: fileRules, from } = loadRules(opts.rules)
  const rules: CiRules = { ...fileRules }
  // Command-line limits override the file's (quick gates without a file).
  if (opts.maxSize !== undefined) Object.assign(rules, parseRules(`maxSize: ${opts.maxSize}`, '--max-size'))
  if (opts.minEfficiency !== undefined) Object.assign(rules, parseRules(`minEfficiency: ${opts.minEfficiency}`, '--min-efficiency'))
  if (opts.maxGrowth !== undefined) Object.assign(rules, parseRules(`maxGrowth: ${opts.maxGrowth}`, '--max-growth'))
  if (opts.maxGrowthSinceTags !== undefined) Object.assign(rules, parseRules(`maxGrowthSinceTags: ${opts.maxGrowthSinceTags}`, '--max-growth-since-tags'))
  const sinceTags = rules.maxGrowthSinceTags
  if (sinceTags !== undefined && opts.baseline !== undefined) throw new LayerscopeError('INVALID_INPUT', 'Give --baseline or --max-growth-since-tags, not both: each names what growth is measured against.')
  if (sinceTags !== undefined && rules.maxGrowthBytes === undefined && rules.maxGrowthPercent === undefined) {
    throw new LayerscopeError('INVALID_INPUT', 'maxGrowthSinceTags needs a growth limit: add --max-growth 10% (or 20MB), or maxGrowth in the rules file.')
  }
  checkBaselineNeeded(rules, opts.baseline !== undefined || sinceTags !== undefined)
  if (opts.junit) checkWritable(opts.junit)
  const backend = cliBackend(globals)
  const signal = interruptSignal()
  const img = await openImage(backend, image, signal, 'Image')
  let base = opts.baseline ? await openImage(backend, opts.baseline, signal, 'Baseline') : undefined
  let since: { repository: string; tags: string[]; median: string; medianBytes: number; cause: string } | undefined
  if (sinceTags !== undefined) {
    // The baseline is the median of the last N other tags; the cause comes from their compare.
    const mb = await medianBaseline(backend.services.history(), image, sinceTags, img.image.id, signal)
    base = await openImage(backend, mb.median.ref, signal, 'Baseline')
    const cause = await growthCause(backend.services.compare(), mb, image, parseSource(image), signal)
    since = { repository: mb.repository, tags: mb.tags.map((t) => t.tag), median: mb.median.tag, medianBytes: mb.medianBytes, cause: cause.line }
  }
  const result = evaluateGate(rules, img, base)
  if (opts.junit) await writeFileAtomic(opts.junit, gateJunit(result, Date.now() - started))
  if (opts.json) process.stdout.write(JSON.stringify({ ...result, rulesFrom: from, ...(since ? { sinceTags: since } : {}) }, null, 2) + '\n')
  else {
    const sinceText = since ? `Median of the last ${since.tags.length} tags of ${since.repository} (${since.tags.join(', ')}): ${since.median}\nCause:    ${since.cause}\n` : ''
    process.stdout.write(`Rules:    ${from}\n${sinceText}${formatGateTable(result)}`)
  }
  process.exitCode = result.passed ? 0 : 1
}

/** Usage mistakes (missing -o, unknown option) exit 2 like every other error: 1 means "gate failed". */
function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2)
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write a size report of an image, or of a comparison A -> B, as PNG, SVG, JSON or Markdown.')
    .argument('<a>', 'image reference (engine), archive path (docker save / OCI layout) or registry://HOST/REPO[:TAG]')
    .argument('[b]', 'second image: the report compares A -> B')
    .requiredOption('-o, --output <file>', 'where to write: report.png, report.svg, report.json or report.md')
    .option('--format <format>', 'png, svg, json or md (default: from the output file extension)')
    .option('--theme <theme>', 'light or dark (PNG and SVG)', 'light')
    .option('--width <px>', 'pixel width of the PNG/SVG (layout is 1200 wide and scales)')
    .option('--dockerfile <path>', 'Dockerfile the image was built from: adds the stage graph and advice')
    .addHelpText('after', '\nExit codes: 0 written, 2 error (unknown format, unwritable path, missing image).')
    .exitOverride(usageExit)
    .action(async (a: string, b: string | undefined, opts: ReportOpts) => {
      try {
        await runReport(a, b, opts, program.opts<CliGlobals>())
      } catch (e) {
        fail(e)
      }
    })

  program
    .command('ci')
    .description("Gate a build on image size and waste rules (also reads dive's .dive-ci). Exit 0 pass, 1 fail, 2 error.")
    .argument('<image>', 'image reference (engine), archive path or registry://HOST/REPO[:TAG]')
    .option('--baseline <image>', 'image to measure growth against (maxGrowth rules)')
    .option('--rules <file>', `rules file (default: ${DEFAULT_RULE_FILES.join(', ')} in the working directory)`)
    .option('--max-size <size>', 'shortcut rule: maximum size, e.g. 200MB')
    .option('--min-efficiency <ratio>', 'shortcut rule: minimum efficiency, e.g. 0.95 or 95%')
    .option('--max-growth <limit>', 'shortcut rule: maximum growth against the baseline, e.g. 10% or 20MB')
    .option('--max-growth-since-tags <n>', 'measure growth against the median of the last N other tags of the image\'s repository (by created time) instead of --baseline')
    .option('--junit <file>', 'also write the result as JUnit XML')
    .option('--json', 'print the result as JSON instead of a table')
    .addHelpText('after', '\nRules file format: see docs/ci.md.')
    .exitOverride(usageExit)
    .action(async (image: string, opts: CiOpts) => {
      try {
        await runCi(image, opts, program.opts<CliGlobals>())
      } catch (e) {
        fail(e)
      }
    })
}
