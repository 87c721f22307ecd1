import type { Command } from 'commander'
import { statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DockerfileAnalysis, StageGraph } from '../../../shared/models/dockerfile'
import { formatBytes, formatCount, formatExactBytes, groupDigits } from '../../../shared/format'
import { stageGraphBackground, stageGraphSvg } from '../../core/dockerfile/graph-svg'
import { svgToPng } from '../../core/report/svg-to-png'
import { appRoot, cliBackend, cliContext, collect, runCli, themeFlag, type CliGlobals } from '../context'

interface DockerfileOptions {
  file?: string
  context?: string
  target?: string
  build?: boolean
  buildArg: string[]
  keepImages?: boolean
  log?: boolean
  json?: boolean
}

interface GraphOptions extends DockerfileOptions {
  output: string
  width?: string
  theme: string
}

/** `docker build`-like PATH/--file/--context -> the Dockerfile and its context. */
export function resolvePaths(path: string, opts: { file?: string; context?: string }): { path: string; contextDir?: string } {
  let isDir = false
  try {
    isDir = statSync(path).isDirectory()
  } catch {
    /* let the backend say the file is missing */
  }
  if (isDir) {
    return { path: resolve(opts.file ?? join(path, 'Dockerfile')), contextDir: resolve(opts.context ?? path) }
  }
  if (opts.file) throw new Error('--file goes with a context folder as PATH (like docker build -f); PATH is a file here.')
  return { path: resolve(path), contextDir: opts.context ? resolve(opts.context) : undefined }
}

export function parseBuildArgs(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined
  const out: Record<string, string> = {}
  for (const p of pairs) {
    const i = p.indexOf('=')
    if (i <= 0) {
      const fromEnv = process.env[p]
      if (fromEnv === undefined) throw new Error(`--build-arg takes NAME=value (or NAME set in the environment), not "${p}".`)
      out[p] = fromEnv
    } else out[p.slice(0, i)] = p.slice(i + 1)
  }
  return out
}

function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <Dockerfile>', 'Dockerfile path when PATH is the context folder (like docker build -f)')
    .option('--context <dir>', 'build context folder (default: PATH if a folder, else the Dockerfile\'s folder)')
    .option('--target <stage>', 'target stage (default: the last one)')
    .option('--build-arg <NAME=value>', 'build argument (repeatable)', collect, [])
    .option('--build', 'build each used stage through the engine to measure sizes')
    .option('--keep-images', 'keep the stage images (labelled org.layerscope.stage-build=1) after --build')
    .option('--log', 'print the build log on stderr during --build')
}

async function analyse(program: Command, path: string, opts: DockerfileOptions, signal: AbortSignal): Promise<DockerfileAnalysis> {
  const backend = cliBackend(program.opts<CliGlobals>())
  const req = { ...resolvePaths(path, opts), target: opts.target, buildArgs: parseBuildArgs(opts.buildArg) }
  if (opts.build) {
    const tty = process.stderr.isTTY
    await backend.dispatcher.invoke(
      'dockerfile:build',
      { ...req, jobId: 'cli-build', keepImages: opts.keepImages },
      cliContext(signal, (event, payload) => {
        if (event === 'job:log' && opts.log) process.stderr.write(`${(payload as { line: string }).line}\n`)
        if (event === 'job:progress' && (tty || !opts.log)) {
          const p = payload as { message?: string }
          if (p.message) process.stderr.write(`${p.message}\n`)
        }
      })
    )
  }
  return backend.dispatcher.invoke('dockerfile:open', req, cliContext(signal))
}

export function registerDockerfile(program: Command): void {
  withCommonOptions(
    program
      .command('dockerfile')
      .argument('<PATH>', 'a Dockerfile, or a build context folder holding one')
      .description('Stage graph, stage sizes (--build), build context with and without .dockerignore, and advice ranked by bytes.')
      .option('--json', 'print the whole analysis as JSON')
      .addHelpText('after', '\nExamples:\n  layerscope dockerfile .\n  layerscope dockerfile . -f docker/Dockerfile.prod --build\n  layerscope dockerfile ./Dockerfile --target build --json\n')
  ).action(async (path: string, opts: DockerfileOptions) =>
    runCli(async (signal) => {
      const a = await analyse(program, path, opts, signal)
      if (opts.json) {
        const { layout: _layout, ...graph } = a.graph
        void _layout
        process.stdout.write(`${JSON.stringify({ ...a, graph }, null, 2)}\n`)
      } else process.stdout.write(formatAnalysis(a))
    }, 'dockerfile')
  )

  withCommonOptions(
    program
      .command('graph')
      .argument('<PATH>', 'a Dockerfile, or a build context folder holding one')
      .description('Draw the stage graph to an SVG or PNG file (FROM solid, COPY --from dashed, RUN --mount dotted).')
      .requiredOption('-o, --output <file>', 'graph.svg or graph.png')
      .option('--width <px>', 'PNG width in pixels (default: 2x the drawing)')
      .option('--theme <theme>', 'light or dark, the app\'s colours', 'light')
      .addHelpText('after', '\nExamples:\n  layerscope graph . -o stages.svg\n  layerscope graph ./Dockerfile --build --theme dark -o stages.png\n')
  ).action(async (path: string, opts: GraphOptions) =>
    runCli(async (signal) => {
      const out = resolve(opts.output)
      const kind = /\.png$/i.test(out) ? 'png' : /\.svg$/i.test(out) ? 'svg' : null
      if (!kind) throw new Error(`-o must end in .svg or .png, not "${opts.output}".`)
      const theme = themeFlag(opts.theme)
      const a = await analyse(program, path, opts, signal)
      const svg = stageGraphSvg(a.graph, { title: a.path, theme })
      if (kind === 'svg') writeFileSync(out, svg)
      else {
        const width = opts.width ? Number(opts.width) : undefined
        if (width !== undefined && !(width > 0 && width <= 16384)) throw new Error('--width must be a number of pixels between 1 and 16384.')
        const natural = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 800)
        writeFileSync(out, svgToPng(svg, { width: width ?? Math.round(natural * 2), fontsDir: join(appRoot(), 'resources', 'fonts'), background: stageGraphBackground(theme) }))
      }
      process.stdout.write(`${out}\n`)
    }, 'graph')
  )
}

const files = (n: number): string => formatCount(n, 'file')

function stageRows(g: StageGraph): string[] {
  const rows: string[] = []
  const stages = g.nodes.filter((n) => n.kind === 'stage')
  const w = Math.max(8, ...stages.map((s) => s.name.length + 2))
  for (const n of stages) {
    const base = n.baseRef ?? ''
    const size = n.measured
      ? `${formatBytes(n.measured.size)} (${groupDigits(n.measured.size)} B), ${n.measured.layers} layers`
      : n.unused
        ? 'unused: cannot reach the target'
        : 'not built (use --build)'
    const passes = n.passesBytes !== undefined ? `, passes ${formatBytes(n.passesBytes)} on` : ''
    rows.push(`  ${(n.name + (n.isTarget ? ' *' : '')).padEnd(w)} lines ${`${n.range?.startLine}-${n.range?.endLine}`.padEnd(7)} FROM ${base.padEnd(28)} ${size}${passes}`)
  }
  return rows
}

export function formatAnalysis(a: DockerfileAnalysis): string {
  const L: string[] = []
  L.push(`Dockerfile ${a.path}`, `Context    ${a.contextDir}`, '')
  if (a.problems.length > 0) {
    L.push('Problems')
    for (const p of a.problems) L.push(`  line ${p.line}: ${p.message}`)
    L.push('')
  }
  const target = a.graph.nodes.find((n) => n.isTarget)
  L.push(`Stages (target ${target?.name ?? '-'} marked *${a.graph.builder ? `, measured with the ${a.graph.builder} builder` : ''})`, ...stageRows(a.graph), '')
  const copies = a.graph.edges.filter((e) => e.kind !== 'from')
  if (copies.length > 0) {
    L.push('Passed between stages')
    const name = (id: string): string => a.graph.nodes.find((n) => n.id === id)?.name ?? id
    for (const e of copies) {
      const bytes = e.bytes !== undefined ? formatBytes(e.bytes) : e.kind === 'copy' ? 'not measured' : 'mounted, not copied'
      L.push(`  ${`${name(e.from)} -> ${name(e.to)}`.padEnd(24)} line ${String(e.line).padEnd(4)} ${(e.kind === 'copy' ? 'COPY --from' : 'RUN --mount').padEnd(12)} ${(e.paths ?? []).join(' ').padEnd(30)} ${bytes}`)
    }
    L.push('')
  }
  const c = a.context
  L.push('Build context (regular files)')
  L.push(`  everything in the folder      ${formatBytes(c.all.bytes).padEnd(9)} ${files(c.all.files)}`)
  L.push(`  sent ${c.hasDockerignore ? 'with your .dockerignore ' : '(no .dockerignore)      '} ${formatBytes(c.sent.bytes).padEnd(9)} ${files(c.sent.files)}  (${formatExactBytes(c.sent.bytes)})`)
  if (c.suggestedSent) L.push(`  with the suggested one        ${formatBytes(c.suggestedSent.bytes).padEnd(9)} ${files(c.suggestedSent.files)}`)
  if (c.largest.length > 0) {
    L.push('  largest sent:')
    for (const p of c.largest.slice(0, 8)) L.push(`    ${formatBytes(p.bytes).padEnd(9)} ${p.path.padEnd(36)} ${files(p.files)}`)
  }
  if (c.secrets.length > 0) {
    L.push('  secrets that would be sent:')
    for (const s of c.secrets) L.push(`    ${s.path.padEnd(30)} ${s.reason}`)
  }
  L.push('')
  L.push('Advice (ranked by bytes)')
  if (a.advice.length === 0) L.push('  nothing to suggest')
  a.advice.forEach((x, i) => {
    const bytes =
      x.bytes !== undefined
        ? `${x.bytesKind === 'estimated' ? '~' : ''}${formatBytes(x.bytes)} ${x.bytesKind ?? ''}${x.basis ? ` (${x.basis})` : ''}`
        : (x.basis?.replace(/\.$/, '') ?? 'no byte cost to measure')
    const lines = x.lines.length > 0 ? `line${x.lines.length > 1 ? 's' : ''} ${x.lines.join(', ')}` : 'whole build'
    L.push(`  ${i + 1}. [${x.severity}] ${x.title}`, `     ${bytes}; ${lines}`, `     ${x.fix}`)
  })
  return `${L.join('\n')}\n`
}
