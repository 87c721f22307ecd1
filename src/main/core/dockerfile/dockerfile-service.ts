// The Dockerfile domain: opening a Dockerfile (graph, context, advice), building its stages
// for measured sizes, and linking an image's layers to its lines. It owns the state this
// needs between calls: the last MAX_MEASUREMENTS build measurements (a re-open shows measured
// bytes) and which builder each engine takes. Handlers only call its verbs.
import type { DockerfileAnalysis, LayerLineLink, StageGraph } from '../../../shared/models/dockerfile'
import type { EngineClient } from '../engine/engine-client'
import type { RegistryClient } from '../registry'
import { ExternalImageSizer } from './external-images'
import { LayerscopeError } from '../errors'
import { BuilderMemory } from './builder-choice'
import { openDockerfile, type Measurement } from './dockerfile-analysis'
import { layoutStageGraph } from './graph-layout'
import { readEngineHistory } from './engine-history'
import { linkLayersToLines, type HistoryEntry } from './layer-lines'
import { buildStages, StageBuildFailure } from './stage-builder'
import { targetStage } from './stage-graph'
import { Lru } from '../model/lru'

/** Enough for every Dockerfile a person works on in a session; each holds one small graph. */
export const MAX_MEASUREMENTS = 32

export interface DockerfileRequest {
  path: string
  contextDir?: string
  target?: string
  buildArgs?: Record<string, string>
}

export interface BuildHooks {
  signal?: AbortSignal
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void
  onProgress?: (p: { done: number; total: number; message: string; stage?: string }) => void
}

export interface DockerfileServiceDeps {
  engine: () => EngineClient
  /** Sizes external images the engine lacks from their registry (download size, slimmer siblings). */
  registry?: () => RegistryClient
  /** The history of an open analysis by key (oldest first), if one is open under that key. */
  openHistory?: (key: string) => HistoryEntry[] | undefined
}

/**
 * The last `max` measurements, least recently used forgotten first (Map order is use order).
 * At merge this becomes core/model/lru.ts's Lru (helper C's shared LRU).
 */
/** The last build measurements, by Dockerfile, context, target and args (the house's one LRU). */
export class MeasurementStore extends Lru<string, Measurement> {
  constructor(max = MAX_MEASUREMENTS) {
    super(max)
  }
}

export class DockerfileService {
  private readonly measurements = new MeasurementStore()
  readonly builders = new BuilderMemory()
  private readonly sizer: ExternalImageSizer

  constructor(private readonly deps: DockerfileServiceDeps) {
    this.sizer = new ExternalImageSizer({ engine: deps.engine, registry: deps.registry })
  }

  async open(req: DockerfileRequest, signal?: AbortSignal): Promise<DockerfileAnalysis> {
    const buildArgs = checkArgs(req.buildArgs)
    const first = await openDockerfile({ ...req, buildArgs, signal })
    const m = this.measurements.get(keyOf(req, first.location.dockerfilePath, first.location.contextDir))
    const { analysis } = m ? await openDockerfile({ ...req, buildArgs, signal, measurement: m }) : first
    await this.sizer.sizeGraph(analysis.graph, signal)
    analysis.graph.layout = layoutStageGraph(analysis.graph)
    return analysis
  }

  async build(req: DockerfileRequest & { keepImages?: boolean }, hooks: BuildHooks = {}): Promise<StageGraph> {
    const buildArgs = checkArgs(req.buildArgs)
    const { analysis, parsed, location } = await openDockerfile({ ...req, buildArgs, signal: hooks.signal })
    if (analysis.problems.length > 0) {
      const p = analysis.problems[0]!
      throw new LayerscopeError('DOCKERFILE_SYNTAX', `Line ${p.line}: ${p.message} Fix the Dockerfile before building.`, { line: p.line })
    }
    const key = keyOf(req, location.dockerfilePath, location.contextDir)
    const res = await buildStages(this.deps.engine(), {
      parsed,
      graph: analysis.graph,
      dockerfilePath: location.dockerfilePath,
      contextDir: location.contextDir,
      buildArgs,
      keepImages: req.keepImages,
      builders: this.builders,
      signal: hooks.signal,
      onLog: hooks.onLog,
      onProgress: hooks.onProgress
    }).catch((e: unknown) => {
      // A failed build is the last measurement too: the next open shows the failed stage and
      // what the stages before it measured (the error itself names the stage for the caller).
      if (e instanceof StageBuildFailure) this.measurements.set(key, { graph: e.graph, lineBytes: e.lineBytes })
      throw e
    })
    this.measurements.set(key, { graph: res.graph, lineBytes: res.lineBytes })
    await this.sizer.sizeGraph(res.graph, hooks.signal)
    res.graph.layout = layoutStageGraph(res.graph)
    return res.graph
  }

  /** Each history step of `imageKey` (an open analysis, else a local image) against the Dockerfile's lines. */
  async links(req: { path: string; imageKey: string; target?: string; buildArgs?: Record<string, string> }, signal?: AbortSignal): Promise<LayerLineLink[]> {
    if (!req.imageKey) throw new LayerscopeError('INVALID_INPUT', 'Give the image (analysis key or image reference) to link.')
    const buildArgs = checkArgs(req.buildArgs)
    const { parsed } = await openDockerfile({ path: req.path, buildArgs, signal })
    const stage = targetStage(parsed, req.target)
    if (!stage) throw new LayerscopeError('DOCKERFILE_SYNTAX', 'This Dockerfile has no stage.')
    const history = this.deps.openHistory?.(req.imageKey) ?? (await this.engineHistory(req.imageKey, signal))
    return linkLayersToLines(parsed, stage, history)
  }

  private async engineHistory(ref: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
    try {
      return await readEngineHistory(this.deps.engine(), ref, signal)
    } catch (e) {
      if (e instanceof LayerscopeError && e.code === 'IMAGE_NOT_FOUND') {
        throw new LayerscopeError('NOT_FOUND', `No open analysis or local image "${ref}". Open the image first.`)
      }
      throw e
    }
  }
}

/** One measurement per Dockerfile, context, target and build args. */
function keyOf(r: DockerfileRequest, resolvedPath: string, ctx: string): string {
  return JSON.stringify([resolvedPath, ctx, r.target ?? '', Object.entries(r.buildArgs ?? {}).sort()])
}

function checkArgs(buildArgs: unknown): Record<string, string> | undefined {
  if (buildArgs === undefined) return undefined
  if (typeof buildArgs !== 'object' || buildArgs === null || Object.values(buildArgs).some((v) => typeof v !== 'string')) {
    throw new LayerscopeError('INVALID_INPUT', 'buildArgs must map names to string values.')
  }
  return buildArgs as Record<string, string>
}
