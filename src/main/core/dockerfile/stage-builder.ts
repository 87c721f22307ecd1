// "Build stages": each used stage is built with --target through the engine API, so every
// node gets its real image size, and every COPY --from edge the bytes its layer adds in the
// stage that copies. Nothing is tagged; the images carry labels and are removed afterwards
// (unless asked to keep them), and only images this run created are ever removed.
// BuildKit is used wherever the engine accepts `version=2` on /build (remembered per engine,
// legacy builder otherwise); its log arrives as protobuf trace messages (buildkit-trace.ts).
// The steps: stage-context (what is sent), stage-run (one /build), stage-diagnosis (why it
// failed), stage-measure (figures into the graph), build-cleanup (what we made goes).
import { randomUUID } from 'node:crypto'
import type { StageGraph } from '../../../shared/models/dockerfile'
import type { BuildQuery, EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled, throwIfCancelled } from '../errors'
import { BuilderMemory, isBuildkitUnsupported, type Builder, type BuilderChoice } from './builder-choice'
import { newAncestry, removeRunImages, stepImagesFromEvents } from './build-cleanup'
import { readEngineHistory } from './engine-history'
import { linkLayersToLines } from './layer-lines'
import { stageLabel, type ParsedDockerfile, type ParsedStage } from './parser'
import { prepareStageContext, type StageContext } from './stage-context'
import { diagnoseFailure } from './stage-diagnosis'
import { recordFailure, recordPassedBytes, recordStage } from './stage-measure'
import { stageId, usedStages } from './stage-graph'
import { runStage, stageImageId, type StageRun } from './stage-run'

export { isBuildkitUnsupported } from './builder-choice'
export { nameStagesForTarget } from './stage-context'
export { stepLines } from './stage-diagnosis'
export type { BuilderChoice } from './builder-choice'

export const STAGE_BUILD_LABEL = 'org.layerscope.stage-build'
/** A value unique to one buildStages run: finds every image that run made, even one whose ID never reached us. */
export const STAGE_BUILD_RUN_LABEL = 'org.layerscope.stage-build.run'
/** The stage index within the run: with the run label, names exactly one image per stage. */
export const STAGE_BUILD_STAGE_LABEL = 'org.layerscope.stage-build.stage'

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
  /** What each engine's builder turned out to be (the DockerfileService's); a fresh one if absent. */
  builders?: BuilderMemory
  signal?: AbortSignal
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void
  onProgress?: (p: { done: number; total: number; message: string; stage?: string }) => void
}

/**
 * A stage failed: BUILD_FAILED as before, carrying the graph as far as the run got (the stages
 * built before keep their figures, the failed one its buildError) so the caller can show it.
 */
export class StageBuildFailure extends LayerscopeError {
  constructor(
    message: string,
    detail: NonNullable<LayerscopeError['detail']>,
    readonly graph: StageGraph,
    readonly lineBytes: Map<number, number>
  ) {
    super('BUILD_FAILED', message, detail)
  }
}

export interface StageBuildResult {
  graph: StageGraph
  /** Per Dockerfile line: bytes its layer added in the stage image that contains it. */
  lineBytes: Map<number, number>
  builder: Builder
  /** Images built (removed already unless keepImages). */
  images: { stage: string; imageId: string; removed: boolean }[]
}

/** Builds `stage` with the builder remembered for the engine, falling back to legacy once when BuildKit is refused. */
async function buildOneStage(
  engine: EngineClient,
  o: { ctx: StageContext; contextDir: string; query: BuildQuery; buildid: string; choice: BuilderChoice; builders: BuilderMemory; signal?: AbortSignal },
  hooks: Parameters<typeof runStage>[5]
): Promise<{ run: StageRun; builder: Builder }> {
  const key = engine.endpoint.url
  let builder = o.builders.first(key, o.choice)
  const attempt = (b: Builder): Promise<StageRun> =>
    runStage(engine, o.ctx, o.contextDir, b === 'buildkit' ? { ...o.query, version: '2', buildid: o.buildid } : o.query, o.signal, hooks)
  let run: StageRun
  try {
    run = await attempt(builder)
  } catch (e) {
    if (isCancelled(e) || o.signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
    if (!(builder === 'buildkit' && o.choice === 'auto' && isBuildkitUnsupported(e))) throw e
    const cause = (e as { cause?: { json?: { message?: string }; message?: string } }).cause
    const why = cause?.json?.message ?? cause?.message ?? (e as Error).message
    hooks.onLine?.(`The engine does not run BuildKit builds through its API (${why.trim()}); using the legacy builder.`, 'stderr')
    builder = 'legacy'
    o.builders.remember(key, 'legacy')
    try {
      run = await attempt('legacy')
    } catch (e2) {
      if (isCancelled(e2) || o.signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
      throw e2
    }
  }
  if (builder === 'buildkit' && !run.sawTrace) {
    // The engine took version=2 but built the old way (Podman ignores the parameter).
    builder = 'legacy'
    if (o.choice === 'auto') o.builders.remember(key, 'legacy')
  } else if (builder === 'buildkit' && o.choice === 'auto') {
    o.builders.remember(key, 'buildkit')
  }
  return { run, builder }
}

function checkBuildable(parsed: ParsedDockerfile, stages: ParsedStage[]): void {
  if (stages.length === 0) throw new LayerscopeError('INVALID_INPUT', 'This Dockerfile has no stage to build.')
  if (parsed.problems.length > 0) {
    const p = parsed.problems[0]!
    throw new LayerscopeError('DOCKERFILE_SYNTAX', `Line ${p.line}: ${p.message} Fix the Dockerfile before building.`, { line: p.line })
  }
}

export async function buildStages(engine: EngineClient, opts: StageBuildOptions): Promise<StageBuildResult> {
  const { parsed, signal } = opts
  const graph: StageGraph = structuredClone(opts.graph)
  const stages = usedStages(parsed, graph).filter((s) => s.base !== '')
  checkBuildable(parsed, stages)
  const ctx = await prepareStageContext({ parsed, stages, dockerfilePath: opts.dockerfilePath, contextDir: opts.contextDir, signal })
  const choice = opts.builder ?? 'auto'
  const builders = opts.builders ?? new BuilderMemory()
  let builder: Builder = builders.first(engine.endpoint.url, choice)
  const runId = randomUUID()
  const started = Date.now()

  // Every image that existed before: none of them is ever removed.
  const before = new Set((await engine.listImageEntries({ all: true, signal })).map((i) => i.Id))
  const built: StageBuildResult['images'] = []
  const lineBytes = new Map<number, number>()
  const total = stages.length
  let failed = true
  try {
    for (const [i, stage] of stages.entries()) {
      throwIfCancelled(signal)
      const label = stageLabel(stage)
      const stageMessage = `Building stage ${label} (${i + 1} of ${total})`
      opts.onProgress?.({ done: i, total, message: stageMessage, stage: label })
      opts.onLog?.(`── stage ${label} (${i + 1}/${total}) ──`, 'stdout')
      const labels = { [STAGE_BUILD_LABEL]: '1', [STAGE_BUILD_RUN_LABEL]: runId, [STAGE_BUILD_STAGE_LABEL]: String(stage.index) }
      const query: BuildQuery = { dockerfile: ctx.dockerfileRel, target: ctx.targets.get(stage.index), labels, networkmode: 'none', rm: true, forcerm: true, buildargs: opts.buildArgs }
      const done = await buildOneStage(
        engine,
        { ctx, contextDir: opts.contextDir, query, buildid: `layerscope-${runId}-${i}`, choice, builders, signal },
        {
          onLine: opts.onLog,
          onStep: (step) => opts.onProgress?.({ done: i, total, stage: label, message: `${stageMessage}: ${step.stage ? `[${step.stage} ${step.step}/${step.of}]` : `[${step.step}/${step.of}]`} ${step.text}` })
        }
      )
      builder = done.builder
      const imageId = done.run.error ? undefined : await stageImageId(engine, done.run, { [STAGE_BUILD_RUN_LABEL]: runId, [STAGE_BUILD_STAGE_LABEL]: String(stage.index) }, signal)
      if (done.run.error || !imageId) {
        const failure = diagnoseFailure(parsed, stage, done.run)
        recordFailure(graph, stage.index, failure)
        const { line, message } = failure
        recordPassedBytes(graph)
        graph.builder = builder
        const detail = { stage: label, stageId: stageId(stage.index), ...(line ? { line } : {}) }
        throw new StageBuildFailure(`Building stage ${label} failed${line ? ` at line ${line}` : ''}: ${message}`, detail, graph, lineBytes)
      }
      const info = await engine.inspectImage(imageId, signal)
      if (!before.has(info.Id)) built.push({ stage: label, imageId: info.Id, removed: false })
      const layers = info.RootFS?.Layers?.length ?? 0
      const history = await readEngineHistory(engine, info.Id, signal)
      recordStage(graph, lineBytes, { stageIndex: stage.index, label, imageId: info.Id, size: info.Size, layers, links: linkLayersToLines(parsed, stage, history) })
    }
    opts.onProgress?.({ done: total, total, message: 'All stages built' })
    failed = false
  } finally {
    await cleanUp(engine, { built, before, runId, keep: opts.keepImages === true && !failed, failed, started })
  }
  recordPassedBytes(graph)
  graph.builder = builder
  return { graph, lineBytes, builder, images: built }
}

/**
 * Removes what this run made: the stage images (unless kept) with the parents only this run
 * made; images that carry the run label (one exported as the build was cancelled never told
 * us its ID); after a failed legacy build, the step images its containers were made from.
 */
async function cleanUp(
  engine: EngineClient,
  o: { built: StageBuildResult['images']; before: Set<string>; runId: string; keep: boolean; failed: boolean; started: number }
): Promise<void> {
  try {
    const candidates: string[] = []
    if (!o.keep) {
      for (const b of [...o.built].reverse()) candidates.push(...(await newAncestry(engine, b.imageId, o.before)))
    }
    const labelled = (await engine.listImageEntries({ all: true, filters: { label: [`${STAGE_BUILD_RUN_LABEL}=${o.runId}`] } })).map((i) => i.Id)
    const kept = new Set(o.keep ? o.built.map((b) => b.imageId) : [])
    for (const id of labelled) if (!kept.has(id)) candidates.push(...(await newAncestry(engine, id, o.before)))
    if (o.failed) candidates.push(...(await stepImagesFromEvents(engine, o.started, o.before)))
    const removed = await removeRunImages(engine, [...new Set(candidates)].filter((id) => !kept.has(id)), o.before)
    for (const b of o.built) if (removed.has(b.imageId)) b.removed = true
  } catch {
    /* the engine went away: nothing more we can clean */
  }
}
