// One entry point for "open this Dockerfile": resolve the paths like `docker build -f`, parse,
// graph, scan the context, advise; and merge a stage build's measurements in when there is one.
import { readFile, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { DockerfileAnalysis, StageGraph } from '../../../shared/models/dockerfile'
import { LayerscopeError, throwIfCancelled } from '../errors'
import { buildAdvice } from './advice'
import { scanBuildContext } from './build-context'
import { contextUses } from './context-sources'
import { copySourcesAndDest, parseDockerfile, type ParsedDockerfile } from './parser'
import { buildStageGraph } from './stage-graph'

export interface DockerfileLocation {
  dockerfilePath: string
  contextDir: string
  /** Dockerfile path inside the context (slash-separated), when it is inside. */
  dockerfileRel?: string
}

/** `path` is the Dockerfile, or a folder holding one (then it is also the default context). */
export async function locateDockerfile(path: string, contextDir?: string): Promise<DockerfileLocation> {
  if (!path || typeof path !== 'string') throw new LayerscopeError('INVALID_INPUT', 'Give the path of a Dockerfile (or of a folder with one).')
  let dockerfilePath = resolve(path)
  let st
  try {
    st = await stat(dockerfilePath)
  } catch {
    throw new LayerscopeError('NOT_FOUND', `There is no file at ${dockerfilePath}. Check the path of the Dockerfile.`)
  }
  if (st.isDirectory()) {
    const dir = dockerfilePath
    dockerfilePath = join(dir, 'Dockerfile')
    try {
      await stat(dockerfilePath)
    } catch {
      throw new LayerscopeError('NOT_FOUND', `${dir} is a folder without a Dockerfile. Give the Dockerfile's path (or use --file).`)
    }
  }
  const ctx = resolve(contextDir ?? dirname(dockerfilePath))
  const rel = relative(ctx, dockerfilePath)
  const inside = rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep)
  return { dockerfilePath, contextDir: ctx, dockerfileRel: inside ? rel.split(sep).join('/') : undefined }
}

export async function readDockerfileText(path: string): Promise<string> {
  try {
    const buf = await readFile(path)
    if (buf.length > 1_000_000) throw new LayerscopeError('INVALID_INPUT', `${path} is ${buf.length} bytes: that is not a Dockerfile.`)
    if (buf.includes(0)) throw new LayerscopeError('INVALID_INPUT', `${path} is a binary file, not a Dockerfile.`)
    return buf.toString('utf8').replace(/^\uFEFF/, '')
  } catch (e) {
    if (e instanceof LayerscopeError) throw e
    throw new LayerscopeError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`)
  }
}

export interface Measurement {
  graph: StageGraph
  lineBytes: Map<number, number>
}

/** Copies a build's measurements onto a fresh graph of the same Dockerfile. */
export function mergeMeasurement(graph: StageGraph, m: Measurement): StageGraph {
  const byId = new Map(m.graph.nodes.map((n) => [n.id, n]))
  const nodes = graph.nodes.map((n) => {
    const b = byId.get(n.id)
    return {
      ...n,
      measured: b?.measured,
      passesBytes: b?.passesBytes,
      buildError: stillFailing(n, b?.buildError),
      instructions: n.instructions.map((i) => {
        const v = m.lineBytes.get(i.range.startLine)
        return v !== undefined && i.keyword !== 'FROM' ? { ...i, measuredBytes: v } : i
      })
    }
  })
  const edges = graph.edges.map((e) => {
    const b = m.graph.edges.find((x) => x.from === e.from && x.to === e.to && x.line === e.line && x.kind === e.kind)
    return b?.bytes !== undefined ? { ...e, bytes: b.bytes } : e
  })
  return { ...graph, nodes, edges, builder: m.graph.builder }
}

/** A failure mark holds while the failing line still reads as it did when the build failed. */
function stillFailing(n: StageGraph['nodes'][number], e: StageGraph['nodes'][number]['buildError']): StageGraph['nodes'][number]['buildError'] {
  if (!e) return undefined
  if (e.line === undefined || e.instruction === undefined) return e
  const now = n.instructions.find((i) => i.range.startLine === e.line || (i.range.startLine <= e.line! && e.line! <= i.range.endLine))
  return now?.text === e.instruction ? e : undefined
}

export interface OpenOptions {
  path: string
  contextDir?: string
  target?: string
  buildArgs?: Record<string, string>
  signal?: AbortSignal
  measurement?: Measurement
}

export async function openDockerfile(opts: OpenOptions): Promise<{ analysis: DockerfileAnalysis; parsed: ParsedDockerfile; location: DockerfileLocation }> {
  const location = await locateDockerfile(opts.path, opts.contextDir)
  const text = await readDockerfileText(location.dockerfilePath)
  const parsed = parseDockerfile(text, { buildArgs: opts.buildArgs })
  const built = buildStageGraph(parsed, opts.target)
  const problems = [...parsed.problems, ...built.problems].sort((a, b) => a.line - b.line)
  throwIfCancelled(opts.signal)
  // Sources COPY/ADD name from the context: a suggested .dockerignore must keep them.
  const copySources = parsed.stages.flatMap((st) =>
    st.instructions.filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from')).flatMap((i) => copySourcesAndDest(i).sources)
  )
  const context = await scanBuildContext(location.contextDir, { dockerfileRel: location.dockerfileRel, signal: opts.signal, copySources, uses: contextUses(parsed) })
  const graph = opts.measurement ? mergeMeasurement(built.graph, opts.measurement) : built.graph
  const advice = buildAdvice({ parsed, graph, context, target: opts.target, lineBytes: opts.measurement?.lineBytes })
  return {
    parsed,
    location,
    analysis: {
      path: location.dockerfilePath,
      contextDir: location.contextDir,
      text,
      problems,
      directives: parsed.directives,
      args: parsed.globalArgs,
      graph,
      context: context.report,
      advice
    }
  }
}
