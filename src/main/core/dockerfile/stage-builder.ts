// "Build stages": each used stage is built with --target through the engine API, so every
// node gets its real image size, and every COPY --from edge the bytes its layer adds in the
// stage that copies. Nothing is tagged; the images carry a label and are removed afterwards
// (unless asked to keep them), and only images this run created are ever removed.
import type Docker from 'dockerode'
import { readFile } from 'node:fs/promises'
import { basename, relative, sep } from 'node:path'
import type { StageGraph } from '../../../shared/models/dockerfile'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled, throwIfCancelled } from '../errors'
import { contextTar } from './context-tar'
import { ContextFilter, listContext, readDockerignore, type ContextEntry } from './context-walk'
import { historyFromEngine, linkLayersToLines } from './layer-lines'
import { stageLabel, type ParsedDockerfile, type ParsedStage } from './parser'
import { stageId, usedStages } from './stage-graph'

export const STAGE_BUILD_LABEL = 'org.layerscope.stage-build'

export interface StageBuildOptions {
  parsed: ParsedDockerfile
  graph: StageGraph
  dockerfilePath: string
  contextDir: string
  buildArgs?: Record<string, string>
  keepImages?: boolean
  signal?: AbortSignal
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void
  onProgress?: (p: { done: number; total: number; message: string }) => void
}

export interface StageBuildResult {
  graph: StageGraph
  /** Per Dockerfile line: bytes its layer added in the stage image that contains it. */
  lineBytes: Map<number, number>
  builder: 'buildkit' | 'legacy'
  /** Images built (removed already unless keepImages). */
  images: { stage: string; imageId: string; removed: boolean }[]
}

interface BuildMessage {
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  aux?: { ID?: string }
}

/** Which Dockerfile line the legacy builder's "Step N/M" is: global ARGs and every instruction count. */
export function stepLines(parsed: ParsedDockerfile, targetIndex: number): number[] {
  const lines = [...new Set(parsed.globalArgs.map((a) => a.line))]
  for (const s of parsed.stages.slice(0, targetIndex + 1)) {
    lines.push(s.from.range.startLine, ...s.instructions.map((i) => i.range.startLine))
  }
  return lines
}

/**
 * The legacy builder can only target stages by name: unnamed stages we must target get a name
 * appended to their FROM line (same line numbers, so history and errors still line up).
 */
export function nameStagesForTarget(parsed: ParsedDockerfile, stages: ParsedStage[]): { text: string; targets: Map<number, string | undefined> } {
  const lines = parsed.text.split('\n')
  const last = parsed.stages.length - 1
  const targets = new Map<number, string | undefined>()
  for (const s of stages) {
    if (s.name) targets.set(s.index, s.name)
    else if (s.index === last) targets.set(s.index, undefined)
    else {
      const name = `layerscope-stage-${s.index}`
      const li = s.from.range.endLine - 1
      lines[li] = `${lines[li]!.replace(/\s+$/, '')} AS ${name}`
      targets.set(s.index, name)
    }
  }
  return { text: lines.join('\n'), targets }
}

/** The last "Step N/M" seen -> its line, for BUILD_FAILED. */
function failingLine(log: string[], steps: number[]): number | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const m = /^Step (\d+)\/\d+ :/.exec(log[i]!)
    if (m) return steps[Number(m[1]) - 1]
  }
  return undefined
}

async function sendBuild(
  docker: Docker,
  entries: ContextEntry[],
  contextDir: string,
  opts: Docker.ImageBuildOptions,
  signal: AbortSignal | undefined,
  onMessage: (m: BuildMessage) => void
): Promise<void> {
  const tar = contextTar(contextDir, entries)
  const res = (await docker.buildImage(tar, { ...opts, abortSignal: signal })) as NodeJS.ReadableStream
  await new Promise<void>((resolve, reject) => {
    let buf = ''
    const onAbort = (): void => {
      ;(res as unknown as { destroy?: () => void }).destroy?.()
      reject(new LayerscopeError('CANCELLED', 'Cancelled.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    res.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8')
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim()
        buf = buf.slice(nl + 1)
        if (!line) continue
        try {
          onMessage(JSON.parse(line) as BuildMessage)
        } catch {
          onMessage({ stream: line })
        }
      }
    })
    res.on('end', () => {
      signal?.removeEventListener('abort', onAbort)
      if (buf.trim()) {
        try {
          onMessage(JSON.parse(buf) as BuildMessage)
        } catch {
          onMessage({ stream: buf })
        }
      }
      resolve()
    })
    res.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort)
      reject(e)
    })
  })
}

export async function buildStages(engine: EngineClient, opts: StageBuildOptions): Promise<StageBuildResult> {
  const { parsed, signal } = opts
  const docker = engine.docker
  const graph: StageGraph = structuredClone(opts.graph)
  const stages = usedStages(parsed, graph).filter((s) => s.base !== '')
  if (stages.length === 0) throw new LayerscopeError('INVALID_INPUT', 'This Dockerfile has no stage to build.')
  if (parsed.problems.length > 0) {
    const p = parsed.problems[0]!
    throw new LayerscopeError('DOCKERFILE_SYNTAX', `Line ${p.line}: ${p.message} Fix the Dockerfile before building.`, { line: p.line })
  }

  // The context exactly as `docker build` would send it.
  const all = await listContext(opts.contextDir, signal)
  const rel = relative(opts.contextDir, opts.dockerfilePath)
  const inside = !rel.startsWith('..') && !rel.startsWith(sep) && rel !== ''
  const dockerfileRel = inside ? rel.split(sep).join('/') : `.layerscope-dockerfile-${basename(opts.dockerfilePath)}`
  const sent = new ContextFilter((await readDockerignore(opts.contextDir)) ?? [], dockerfileRel).select(all)
  const named = nameStagesForTarget(parsed, stages)
  const original = await readFile(opts.dockerfilePath)
  if (named.text !== parsed.text || !inside) {
    const content = named.text === parsed.text ? original : Buffer.from(named.text)
    const i = sent.findIndex((e) => e.rel === dockerfileRel)
    const entry: ContextEntry = { rel: dockerfileRel, type: 'file', size: content.length, mode: 0o644, mtimeMs: Date.now(), content }
    if (i >= 0) sent[i] = entry
    else sent.push(entry)
  }

  // BuildKit only where the engine says it is its builder; otherwise (and on failure) legacy.
  let builder: 'buildkit' | 'legacy' = 'legacy'
  try {
    const ping = await engine.ping()
    if (ping.builderVersion === '2') builder = 'buildkit'
  } catch (e) {
    throw engine.explain(e)
  }

  const before = new Set((await docker.listImages({ all: true, filters: { label: [`${STAGE_BUILD_LABEL}=1`] } })).map((i) => i.Id))
  const built: StageBuildResult['images'] = []
  const lineBytes = new Map<number, number>()
  const total = stages.length
  try {
    for (const [i, stage] of stages.entries()) {
      throwIfCancelled(signal)
      const label = stageLabel(stage)
      opts.onProgress?.({ done: i, total, message: `Building stage ${label} (${i + 1} of ${total})` })
      opts.onLog?.(`── stage ${label} (${i + 1}/${total}) ──`, 'stdout')
      const log: string[] = []
      let imageIdOut: string | undefined
      let error: string | undefined
      const buildOpts: Docker.ImageBuildOptions = {
        dockerfile: dockerfileRel,
        target: named.targets.get(stage.index),
        labels: { [STAGE_BUILD_LABEL]: '1' },
        networkmode: 'none',
        rm: true,
        forcerm: true,
        buildargs: opts.buildArgs,
        ...(builder === 'buildkit' ? { version: '2' as const } : {})
      }
      const onMessage = (m: BuildMessage): void => {
        if (m.stream) {
          for (const l of m.stream.split('\n')) {
            const t = l.replace(/\s+$/, '')
            if (!t) continue
            log.push(t)
            opts.onLog?.(t, 'stdout')
            const built = /^Successfully built ([0-9a-f]+)/.exec(t)
            if (built && !imageIdOut) imageIdOut = built[1]
          }
        }
        if (m.status) opts.onLog?.(m.status, 'stdout')
        if (m.aux?.ID) imageIdOut = m.aux.ID
        if (m.error) {
          error = m.errorDetail?.message ?? m.error
          opts.onLog?.(error, 'stderr')
        }
      }
      try {
        await sendBuild(docker, sent, opts.contextDir, buildOpts, signal, onMessage)
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
        if (builder === 'buildkit') {
          // The engine advertised BuildKit but refused a session-less build: use the legacy builder.
          opts.onLog?.(`BuildKit build failed (${(e as Error).message}); retrying with the legacy builder.`, 'stderr')
          builder = 'legacy'
          delete buildOpts.version
          await sendBuild(docker, sent, opts.contextDir, buildOpts, signal, onMessage)
        } else {
          throw engine.explain(e)
        }
      }
      if (error || !imageIdOut) {
        const line = failingLine(log, stepLines(parsed, stage.index))
        let message = error ?? 'The engine finished the build without an image ID.'
        if (/pull access denied|manifest unknown|dial tcp|no such host|failed to resolve|i\/o timeout|TLS handshake/i.test(message)) {
          message += ' (the engine could not pull an image this stage needs: pull or build it locally first)'
        }
        const node = graph.nodes.find((n) => n.id === stageId(stage.index))
        if (node) node.buildError = { message, line }
        throw new LayerscopeError(
          'BUILD_FAILED',
          `Building stage ${label} failed${line ? ` at line ${line}` : ''}: ${message}`,
          line ? { line, stage: label } : { stage: label }
        )
      }
      const image = docker.getImage(imageIdOut)
      const info = await image.inspect()
      if (!before.has(info.Id)) built.push({ stage: label, imageId: info.Id, removed: false })
      const apiHistory = (await image.history()) as { CreatedBy: string; Size: number }[]
      const history = historyFromEngine(apiHistory, info.RootFS?.Layers?.length ?? 0)
      const links = linkLayersToLines(parsed, stage, history)
      const node = graph.nodes.find((n) => n.id === stageId(stage.index))!
      node.measured = { imageId: info.Id, size: info.Size, layers: info.RootFS?.Layers?.length ?? 0 }
      for (const l of links) {
        if (l.line === undefined || l.stage !== label || l.confidence === 'none') continue
        lineBytes.set(l.line, (lineBytes.get(l.line) ?? 0) + (l.size ?? 0))
      }
      for (const ins of node.instructions) {
        const b = lineBytes.get(ins.range.startLine)
        if (b !== undefined && ins.keyword !== 'FROM') ins.measuredBytes = b
      }
      for (const e of graph.edges) {
        if (e.to === node.id && e.kind === 'copy') e.bytes = lineBytes.get(e.line)
      }
    }
    opts.onProgress?.({ done: total, total, message: 'All stages built' })
  } finally {
    if (!opts.keepImages) {
      // Newest first, so each removal can prune the untagged parents only our builds made.
      for (const b of [...built].reverse()) {
        try {
          await docker.getImage(b.imageId).remove({ noprune: false })
          b.removed = true
        } catch {
          /* still in use (a later build reused it, or a container): leave it, it is labelled */
        }
      }
    }
  }
  for (const n of graph.nodes) {
    const out = graph.edges.filter((e) => e.from === n.id && e.kind === 'copy' && e.bytes !== undefined)
    const to = new Set(graph.nodes.filter((x) => !x.unused).map((x) => x.id))
    if (out.length > 0) n.passesBytes = out.filter((e) => to.has(e.to)).reduce((s, e) => s + (e.bytes ?? 0), 0)
  }
  graph.builder = builder
  return { graph, lineBytes, builder, images: built }
}
