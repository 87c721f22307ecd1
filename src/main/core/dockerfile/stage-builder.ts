// "Build stages": each used stage is built with --target through the engine API, so every
// node gets its real image size, and every COPY --from edge the bytes its layer adds in the
// stage that copies. Nothing is tagged; the images carry a label and are removed afterwards
// (unless asked to keep them), and only images this run created are ever removed.
// BuildKit is used wherever the engine accepts `version=2` on /build (probed once per engine,
// legacy builder otherwise); its log arrives as protobuf trace messages (buildkit-trace.ts).
import type Docker from 'dockerode'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { readFile } from 'node:fs/promises'
import { basename, relative, sep } from 'node:path'
import type { StageGraph } from '../../../shared/models/dockerfile'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled, throwIfCancelled } from '../errors'
import { BuildkitTrace, vertexLine } from './buildkit-trace'
import { contextTar } from './context-tar'
import { ContextFilter, listContext, readDockerignore, type ContextEntry } from './context-walk'
import { historyFromEngine, linkLayersToLines } from './layer-lines'
import { stageLabel, type ParsedDockerfile, type ParsedStage } from './parser'
import { stageId, usedStages } from './stage-graph'

export const STAGE_BUILD_LABEL = 'org.layerscope.stage-build'
/** A value unique to one buildStages run: finds every image that run made, even one whose ID never reached us. */
export const STAGE_BUILD_RUN_LABEL = 'org.layerscope.stage-build.run'

export type BuilderChoice = 'auto' | 'buildkit' | 'legacy'

export interface StageBuildOptions {
  parsed: ParsedDockerfile
  graph: StageGraph
  dockerfilePath: string
  contextDir: string
  buildArgs?: Record<string, string>
  /** Keep the stage images (only when every stage built: a failed run leaves nothing behind). */
  keepImages?: boolean
  /** auto (default): BuildKit where the engine accepts it, else the legacy builder. */
  builder?: BuilderChoice
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
  id?: string
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  /** { ID } for the image; a base64 StatusResponse for id "moby.buildkit.trace". */
  aux?: { ID?: string } | string
}

/** What each engine answered to `version=2`, so the probe happens once per engine. */
const engineBuilder = new Map<string, 'buildkit' | 'legacy'>()

/** An engine's refusal of `version=2` itself (not of this Dockerfile): use the legacy builder. */
export function isBuildkitUnsupported(e: unknown): boolean {
  const err = e as { statusCode?: number; json?: { message?: string }; message?: string }
  if (err.statusCode === undefined || err.statusCode < 400) return false
  const msg = err.json?.message ?? err.message ?? ''
  return /buildkit|invalid version|session|not (?:supported|implemented|enabled)/i.test(msg)
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

type BuildQuery = Docker.ImageBuildOptions & { version?: '1' | '2'; buildid?: string }

/**
 * POST /build straight through the modem: dockerode's buildImage opens a gRPC session for
 * version 2, which a build whose context is the tar body does not need.
 */
async function sendBuild(
  docker: Docker,
  entries: ContextEntry[],
  contextDir: string,
  query: BuildQuery,
  signal: AbortSignal | undefined,
  onMessage: (m: BuildMessage) => void
): Promise<void> {
  throwIfCancelled(signal)
  const tar = contextTar(contextDir, entries)
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    docker.modem.dial(
      // the modem deletes from `options` what it puts elsewhere: give it a copy
      { path: '/build?', method: 'POST', file: tar, options: { ...query }, abortSignal: signal, isStream: true, statusCodes: { 200: true, 500: 'server error' } } as never,
      (err, r) => (err ? reject(err as Error) : resolve(r as IncomingMessage))
    )
  })
  // Closing the connection cancels a BuildKit build too; the explicit cancel makes sure it stops.
  const buildid = query.version === '2' ? query.buildid : undefined
  const cancelBuild = (): void => void (buildid && cancelBuildkit(docker, buildid))
  signal?.addEventListener('abort', cancelBuild, { once: true })
  try {
    await readMessages(res, signal, onMessage)
  } finally {
    signal?.removeEventListener('abort', cancelBuild)
  }
}

/** The build's JSON lines, until the engine ends the stream or the signal fires. */
function readMessages(res: IncomingMessage, signal: AbortSignal | undefined, onMessage: (m: BuildMessage) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buf = ''
    const onAbort = (): void => {
      res.destroy()
      reject(new LayerscopeError('CANCELLED', 'Cancelled.'))
    }
    if (signal?.aborted) return onAbort()
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
      if (signal?.aborted) return reject(new LayerscopeError('CANCELLED', 'Cancelled.'))
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
      reject(signal?.aborted ? new LayerscopeError('CANCELLED', 'Cancelled.') : e)
    })
  })
}

/** POST /build/cancel (API 1.32+): stops a BuildKit build by its buildid. Best effort. */
async function cancelBuildkit(docker: Docker, buildid: string): Promise<void> {
  await new Promise<void>((resolve) => {
    docker.modem.dial({ path: '/build/cancel?', method: 'POST', options: { id: buildid }, statusCodes: { 200: true, 204: true } } as never, () => resolve())
  })
}

/**
 * A cancelled legacy build keeps its step container for a moment after the connection closes
 * (409 "in use" until the engine removes it): retry for a few seconds before giving up.
 */
async function removeWhenFree(docker: Docker, id: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await docker.getImage(id).remove({ noprune: false })
      return
    } catch (e) {
      const err = e as { statusCode?: number; message?: string }
      // "has dependent child images" will not change by waiting; a container going away will.
      if (err.statusCode !== 409 || !/container/i.test(err.message ?? '')) return
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

/** Which Dockerfile line a build error names ("dockerfile parse error line 3: ..."). */
function lineInMessage(message: string): number | undefined {
  const m = /(?:parse error|error on) line (\d+)/i.exec(message) ?? /\bline (\d+):/.exec(message)
  return m ? Number(m[1]) : undefined
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

  // BuildKit wherever the engine takes `version=2` (asked once per engine), legacy otherwise.
  const engineKey = engine.endpoint.url
  const choice = opts.builder ?? 'auto'
  let builder: 'buildkit' | 'legacy' = choice === 'auto' ? (engineBuilder.get(engineKey) ?? 'buildkit') : choice
  const runId = randomUUID()
  const runImages = async (): Promise<string[]> =>
    (await docker.listImages({ all: true, filters: { label: [`${STAGE_BUILD_RUN_LABEL}=${runId}`] } })).map((i) => i.Id)

  // Every image that existed before: the legacy builder's step images we may remove are the
  // ones its log names that were not here yet.
  let before: Set<string>
  try {
    before = new Set((await docker.listImages({ all: true })).map((i) => i.Id))
  } catch (e) {
    throw engine.explain(e)
  }
  const stepImages: string[] = []
  const built: StageBuildResult['images'] = []
  const lineBytes = new Map<number, number>()
  const total = stages.length
  let failed = true
  try {
    for (const [i, stage] of stages.entries()) {
      throwIfCancelled(signal)
      const label = stageLabel(stage)
      const stageMessage = `Building stage ${label} (${i + 1} of ${total})`
      opts.onProgress?.({ done: i, total, message: stageMessage })
      opts.onLog?.(`── stage ${label} (${i + 1}/${total}) ──`, 'stdout')
      const log: string[] = []
      let imageIdOut: string | undefined
      let error: string | undefined
      let sawTrace = false
      const trace = new BuildkitTrace({
        onLine: (l, stream) => {
          log.push(l)
          opts.onLog?.(l, stream)
        },
        onStep: (step) => opts.onProgress?.({ done: i, total, message: `${stageMessage}: ${step.stage ? `[${step.stage} ${step.step}/${step.of}]` : `[${step.step}/${step.of}]`} ${step.text}` })
      })
      const query: BuildQuery = {
        dockerfile: dockerfileRel,
        target: named.targets.get(stage.index),
        labels: { [STAGE_BUILD_LABEL]: '1', [STAGE_BUILD_RUN_LABEL]: runId },
        networkmode: 'none',
        rm: true,
        forcerm: true,
        buildargs: opts.buildArgs
      }
      const onMessage = (m: BuildMessage): void => {
        if (m.id === 'moby.buildkit.trace' && typeof m.aux === 'string') {
          sawTrace = true
          try {
            trace.pushAux(m.aux)
          } catch (e) {
            opts.onLog?.(`(unreadable BuildKit progress: ${(e as Error).message})`, 'stderr')
          }
          return
        }
        if (m.stream) {
          for (const l of m.stream.split('\n')) {
            const t = l.replace(/\s+$/, '')
            if (!t) continue
            log.push(t)
            opts.onLog?.(t, 'stdout')
            const ok = /^Successfully built ([0-9a-f]+)/.exec(t)
            if (ok && !imageIdOut) imageIdOut = ok[1]
            const step = /^ ?---> ([0-9a-f]{12,})$/.exec(t)
            if (step) stepImages.push(step[1]!)
          }
        }
        if (m.status) opts.onLog?.(m.status, 'stdout')
        if (typeof m.aux === 'object' && m.aux.ID) imageIdOut = m.aux.ID
        if (m.error) {
          error = m.errorDetail?.message ?? m.error
          if (!sawTrace || !trace.failed) opts.onLog?.(error, 'stderr')
        }
      }
      const attempt = (b: 'buildkit' | 'legacy'): Promise<void> =>
        sendBuild(docker, sent, opts.contextDir, b === 'buildkit' ? { ...query, version: '2', buildid: `layerscope-${runId}-${i}` } : query, signal, onMessage)
      try {
        await attempt(builder)
      } catch (e) {
        if (isCancelled(e) || signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
        if (builder === 'buildkit' && choice === 'auto' && isBuildkitUnsupported(e)) {
          const why = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message
          opts.onLog?.(`The engine does not run BuildKit builds through its API (${why.trim()}); using the legacy builder.`, 'stderr')
          builder = 'legacy'
          engineBuilder.set(engineKey, 'legacy')
          try {
            await attempt('legacy')
          } catch (e2) {
            if (isCancelled(e2) || signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
            throw engine.explain(e2)
          }
        } else {
          throw engine.explain(e)
        }
      }
      trace.end()
      if (builder === 'buildkit' && !sawTrace) {
        // The engine took version=2 but built the old way (Podman ignores the parameter).
        builder = 'legacy'
        if (choice === 'auto') engineBuilder.set(engineKey, 'legacy')
      } else if (builder === 'buildkit' && choice === 'auto') {
        engineBuilder.set(engineKey, 'buildkit')
      }
      if (error || !imageIdOut) {
        const line = sawTrace
          ? (trace.failed ? vertexLine(parsed, trace.failed.name, stage) : undefined) ?? lineInMessage(error ?? '')
          : (failingLine(log, stepLines(parsed, stage.index)) ?? lineInMessage(error ?? ''))
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
    failed = false
  } finally {
    // Newest first, so each removal can prune the untagged parents only our builds made.
    const remove = opts.keepImages && !failed ? [] : [...built].reverse()
    for (const b of remove) {
      try {
        await docker.getImage(b.imageId).remove({ noprune: false })
        b.removed = true
      } catch {
        /* still in use (a later build reused it, or a container): leave it, it is labelled */
      }
    }
    // An image exported just as the build was cancelled or failed never told us its ID: the run
    // label finds it. Only this run's images carry that label.
    try {
      const known = new Set(built.map((b) => b.imageId))
      for (const id of await runImages()) {
        if (known.has(id) && opts.keepImages && !failed) continue
        await docker
          .getImage(id)
          .remove({ noprune: false })
          .catch(() => undefined)
      }
      // A failed or cancelled legacy build leaves the images of the steps it committed.
      if (failed) {
        for (const short of [...stepImages].reverse()) {
          const img = await docker
            .getImage(short)
            .inspect()
            .catch(() => undefined)
          if (!img || before.has(img.Id) || (img.RepoTags ?? []).length > 0) continue
          await removeWhenFree(docker, img.Id)
        }
      }
    } catch {
      /* the engine went away: nothing more we can clean */
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
