// One stage built through the engine: the /build messages read into a log, BuildKit's trace
// decoded, the error kept. The image ID is taken only from what the engine itself says
// (aux.ID, and the run's labels on the image), never from log text: a RUN can print
// "Successfully built <id>" or " ---> <id>" but cannot set aux or label an image.
import type { EngineClient, BuildMessage, BuildQuery } from '../engine/engine-client'
import { LayerscopeError } from '../errors'
import { BuildkitTrace, type StepName } from './buildkit-trace'
import { contextTar } from './context-tar'
import type { StageContext } from './stage-context'

export interface StageRunHooks {
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  onStep?: (step: StepName) => void
}

export interface StageRun {
  /** aux.ID of the engine's last image message. */
  auxImageId?: string
  error?: string
  log: string[]
  /** BuildKit progress arrived (the engine really built with BuildKit). */
  sawTrace: boolean
  /** The BuildKit vertex that failed, by name. */
  failedVertex?: string
}

/** Reads one message into the run; exported for unit tests of what is and is not trusted. */
export function takeMessage(run: StageRun, trace: BuildkitTrace, m: BuildMessage, hooks: StageRunHooks): void {
  if (m.id === 'moby.buildkit.trace' && typeof m.aux === 'string') {
    run.sawTrace = true
    try {
      trace.pushAux(m.aux)
    } catch (e) {
      hooks.onLine?.(`(unreadable BuildKit progress: ${(e as Error).message})`, 'stderr')
    }
    return
  }
  if (m.stream) {
    for (const l of m.stream.split('\n')) {
      const t = l.replace(/\s+$/, '')
      if (!t) continue
      run.log.push(t)
      hooks.onLine?.(t, 'stdout')
    }
  }
  if (m.status) hooks.onLine?.(m.status, 'stdout')
  if (typeof m.aux === 'object' && m.aux !== null && typeof m.aux.ID === 'string') run.auxImageId = m.aux.ID
  if (m.error) {
    run.error = m.errorDetail?.message ?? m.error
    if (!run.sawTrace || !trace.failed) hooks.onLine?.(run.error, 'stderr')
  }
}

/** POST /build for one stage; resolves when the engine ends the stream (failed or not). */
export async function runStage(engine: EngineClient, ctx: StageContext, contextDir: string, query: BuildQuery, signal: AbortSignal | undefined, hooks: StageRunHooks): Promise<StageRun> {
  const run: StageRun = { log: [], sawTrace: false }
  const trace = new BuildkitTrace({
    onLine: (l, stream) => {
      run.log.push(l)
      hooks.onLine?.(l, stream)
    },
    onStep: (s) => hooks.onStep?.(s)
  })
  // Closing the connection cancels a BuildKit build too; the explicit cancel makes sure it stops.
  const buildid = query.version === '2' ? query.buildid : undefined
  const cancel = (): void => void (buildid && engine.cancelBuild(buildid))
  signal?.addEventListener('abort', cancel, { once: true })
  try {
    for await (const m of engine.build(contextTar(contextDir, ctx.entries), query, signal)) takeMessage(run, trace, m, hooks)
  } finally {
    signal?.removeEventListener('abort', cancel)
  }
  if (signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
  trace.end()
  if (trace.failed) run.failedVertex = trace.failed.name
  return run
}

/**
 * The stage's image: the one image carrying this run's and this stage's labels (the engine put
 * them there), else the engine's aux.ID. Both are the engine's word; log text never is.
 */
export async function stageImageId(engine: EngineClient, run: StageRun, labels: Record<string, string>, signal?: AbortSignal): Promise<string | undefined> {
  const labelled = await engine.listImageEntries({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) }, signal })
  if (labelled.length === 1) return labelled[0]!.Id
  if (run.auxImageId && (labelled.length === 0 || labelled.some((i) => i.Id === run.auxImageId))) return run.auxImageId
  return undefined
}
