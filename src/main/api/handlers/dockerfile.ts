import type { LayerLineLink } from '../../../shared/models/dockerfile'
import { LayerscopeError } from '../../core/errors'
import { openDockerfile, type Measurement } from '../../core/dockerfile/dockerfile-analysis'
import { layoutStageGraph } from '../../core/dockerfile/graph-layout'
import { historyFromEngine, linkLayersToLines, type HistoryEntry } from '../../core/dockerfile/layer-lines'
import { buildStages } from '../../core/dockerfile/stage-builder'
import { targetStage } from '../../core/dockerfile/stage-graph'
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

/** The last stage build per Dockerfile/context/target/args, so a re-open shows measured bytes. */
const measurements = new Map<string, Measurement>()
const keyOf = (r: { path: string; contextDir?: string; target?: string; buildArgs?: Record<string, string> }, resolvedPath: string, ctx: string): string =>
  JSON.stringify([resolvedPath, ctx, r.target ?? '', Object.entries(r.buildArgs ?? {}).sort()])

function checkArgs(buildArgs: unknown): Record<string, string> | undefined {
  if (buildArgs === undefined) return undefined
  if (typeof buildArgs !== 'object' || buildArgs === null || Object.values(buildArgs).some((v) => typeof v !== 'string')) {
    throw new LayerscopeError('INVALID_INPUT', 'buildArgs must map names to string values.')
  }
  return buildArgs as Record<string, string>
}

export function dockerfileHandlers(s: Services): HandlerGroup<'dockerfile:open' | 'dockerfile:build' | 'dockerfile:links'> {
  return {
    'dockerfile:open': async (req, ctx) => {
      const buildArgs = checkArgs(req.buildArgs)
      const first = await openDockerfile({ ...req, buildArgs, signal: ctx.signal })
      const m = measurements.get(keyOf(req, first.location.dockerfilePath, first.location.contextDir))
      const { analysis } = m ? await openDockerfile({ ...req, buildArgs, signal: ctx.signal, measurement: m }) : first
      analysis.graph.layout = layoutStageGraph(analysis.graph)
      return analysis
    },

    'dockerfile:build': async (req, ctx) => {
      const buildArgs = checkArgs(req.buildArgs)
      const { analysis, parsed, location } = await openDockerfile({ ...req, buildArgs, signal: ctx.signal })
      if (analysis.problems.length > 0) {
        const p = analysis.problems[0]!
        throw new LayerscopeError('DOCKERFILE_SYNTAX', `Line ${p.line}: ${p.message} Fix the Dockerfile before building.`, { line: p.line })
      }
      const jobId = ctx.jobId ?? 'dockerfile-build'
      const res = await buildStages(s.engine(), {
        parsed,
        graph: analysis.graph,
        dockerfilePath: location.dockerfilePath,
        contextDir: location.contextDir,
        buildArgs,
        keepImages: req.keepImages,
        signal: ctx.signal,
        onLog: (line, stream) => ctx.emit('job:log', { jobId, line, stream }),
        onProgress: (p) => ctx.emit('job:progress', { jobId, phase: 'build', bytesDone: p.done, bytesTotal: p.total, message: p.message })
      })
      measurements.set(keyOf(req, location.dockerfilePath, location.contextDir), { graph: res.graph, lineBytes: res.lineBytes })
      res.graph.layout = layoutStageGraph(res.graph)
      return res.graph
    },

    'dockerfile:links': async (req, ctx) => {
      if (!req.imageKey) throw new LayerscopeError('INVALID_INPUT', 'Give the image (analysis key or image reference) to link.')
      const buildArgs = checkArgs(req.buildArgs)
      const { parsed } = await openDockerfile({ path: req.path, buildArgs, signal: ctx.signal })
      const stage = targetStage(parsed, req.target)
      if (!stage) throw new LayerscopeError('DOCKERFILE_SYNTAX', 'This Dockerfile has no stage.')
      let history: HistoryEntry[] | undefined
      try {
        const a = s.analysis().get(req.imageKey).analysis
        history = a.history.map((h) => ({ createdBy: h.createdByRaw, size: h.engineSize ?? 0, emptyLayer: h.emptyLayer, layerIndex: h.layerIndex }))
      } catch {
        // Not an open analysis: read the engine's history of that image reference.
        try {
          const img = s.engine().docker.getImage(req.imageKey)
          const info = await img.inspect()
          history = historyFromEngine((await img.history()) as { CreatedBy: string; Size: number }[], info.RootFS?.Layers?.length ?? 0)
        } catch (e) {
          if ((e as { statusCode?: number }).statusCode === 404) {
            throw new LayerscopeError('NOT_FOUND', `No open analysis or local image "${req.imageKey}". Open the image first.`)
          }
          throw s.engine().explain(e)
        }
      }
      const links: LayerLineLink[] = linkLayersToLines(parsed, stage, history)
      return links
    }
  }
}
