import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { JobProgress } from '../../../shared/models/analysis'
import type { DockerfileAnalysis, LayerLineLink, StageGraph } from '../../../shared/models/dockerfile'
import { call, toApiError } from '../lib/call'
import { loadJson, saveJson } from '../lib/persist'
import type { AppState } from './index'
import { cancelJob, runJob } from './job'

export interface DockerfileInput {
  path: string
  contextDir: string
  target: string
}

/** The stage a running build is at, from the structured progress (never parsed from its message). */
export function buildingStage(b: StageBuildJob | null): string | null {
  return b?.running ? (b.progress?.stage ?? null) : null
}

/** A dockerfile:build in flight or finished: streamed log, stage progress, Cancel, the error. */
export interface StageBuildJob {
  jobId: string
  startedAt: number
  running: boolean
  progress: JobProgress | null
  log: { line: string; stream: 'stdout' | 'stderr' }[]
  cancelling: boolean
  error: ApiError | null
  finishedAt?: number
}

export interface DockerfileSlice {
  dfInput: DockerfileInput
  dfAnalysis: DockerfileAnalysis | null
  dfLoading: boolean
  dfError: ApiError | null
  /** Selected node of the stage graph (its lines show in the side panel). */
  dfSelected: string | null
  /** A line to point at (clicked advice, a failed build's line). */
  dfFocusLine: number | null
  dfBuild: StageBuildJob | null
  /** Layer <-> line links for an image built from this Dockerfile. */
  dfLinks: { imageKey: string; links: LayerLineLink[] | null; loading: boolean; error: ApiError | null } | null
  linkImage: (imageKey: string) => Promise<void>
  setDockerfileInput: (patch: Partial<DockerfileInput>) => void
  openDockerfile: (input?: Partial<DockerfileInput>) => Promise<void>
  buildStages: () => Promise<void>
  cancelStageBuild: () => Promise<void>
  selectStageNode: (id: string | null) => void
  focusDockerfileLine: (line: number | null) => void
}

const MAX_LOG = 4000

function isInput(v: unknown): v is DockerfileInput {
  const o = v as DockerfileInput
  return typeof o === 'object' && o !== null && typeof o.path === 'string' && typeof o.contextDir === 'string' && typeof o.target === 'string'
}

/** The stage that holds a line (for advice and failed-build lines). */
export function stageOfLine(graph: StageGraph, line: number): string | null {
  const n = graph.nodes.find((x) => x.range && x.range.startLine <= line && line <= x.range.endLine)
  return n?.id ?? null
}

function request(i: DockerfileInput): { path: string; contextDir?: string; target?: string } {
  return { path: i.path.trim(), ...(i.contextDir.trim() ? { contextDir: i.contextDir.trim() } : {}), ...(i.target ? { target: i.target } : {}) }
}

export const createDockerfileSlice: StateCreator<AppState, [], [], DockerfileSlice> = (set, get) => ({
  dfInput: loadJson<DockerfileInput>('dockerfile-input', { path: '', contextDir: '', target: '' }, isInput),
  dfAnalysis: null,
  dfLoading: false,
  dfError: null,
  dfSelected: null,
  dfFocusLine: null,
  dfBuild: null,
  dfLinks: null,

  linkImage: async (imageKey) => {
    const key = imageKey.trim()
    const i = get().dfInput
    if (!key) {
      set({ dfLinks: { imageKey: key, links: null, loading: false, error: { code: 'INVALID_INPUT', message: 'Enter an image reference (e.g. myapp:latest) built from this Dockerfile.' } } })
      return
    }
    set({ dfLinks: { imageKey: key, links: null, loading: true, error: null } })
    try {
      const links = await call('dockerfile:links', { path: i.path.trim(), imageKey: key, ...(i.target ? { target: i.target } : {}) })
      set((s) => (s.dfLinks?.imageKey === key ? { dfLinks: { imageKey: key, links, loading: false, error: null } } : s))
    } catch (e) {
      set((s) => (s.dfLinks?.imageKey === key ? { dfLinks: { imageKey: key, links: null, loading: false, error: toApiError(e) } } : s))
    }
  },

  setDockerfileInput: (patch) =>
    set((s) => {
      const dfInput = { ...s.dfInput, ...patch }
      saveJson('dockerfile-input', dfInput)
      return { dfInput }
    }),

  openDockerfile: async (input) => {
    if (input) get().setDockerfileInput(input)
    const i = get().dfInput
    if (!i.path.trim()) {
      set({ dfError: { code: 'INVALID_INPUT', message: 'Enter the path of a Dockerfile (or of a folder with one).' } })
      return
    }
    set({ dfLoading: true, dfError: null })
    try {
      const analysis = await call('dockerfile:open', request(i))
      const keepSelection = get().dfAnalysis?.path === analysis.path
      set((s) => ({
        dfAnalysis: analysis,
        dfLoading: false,
        dfSelected: keepSelection && analysis.graph.nodes.some((n) => n.id === s.dfSelected) ? s.dfSelected : analysis.graph.target || null,
        dfFocusLine: keepSelection ? s.dfFocusLine : null,
        dfBuild: keepSelection ? s.dfBuild : null
      }))
    } catch (e) {
      set({ dfLoading: false, dfError: toApiError(e) })
    }
  },

  buildStages: async () => {
    const i = get().dfInput
    let jobId = ''
    const update = (f: (b: StageBuildJob) => Partial<StageBuildJob>): void =>
      set((s) => (s.dfBuild?.jobId === jobId ? { dfBuild: { ...s.dfBuild, ...f(s.dfBuild) } } : s))
    const outcome = await runJob({
      channel: 'dockerfile:build',
      request: request(i),
      kind: 'stages',
      begin: (id) => {
        jobId = id
        set({ dfBuild: { jobId, startedAt: Date.now(), running: true, progress: null, log: [], cancelling: false, error: null } })
      },
      isCurrent: (id) => get().dfBuild?.jobId === id,
      on: {
        'job:log': (p) => update((b) => ({ log: [...b.log, { line: p.line, stream: p.stream }].slice(-MAX_LOG) })),
        'job:progress': (progress) => update(() => ({ progress }))
      }
    })
    if (outcome.status === 'superseded') return
    if (outcome.status === 'done') {
      const graph = outcome.result
      set((s) => ({ dfAnalysis: s.dfAnalysis ? { ...s.dfAnalysis, graph } : s.dfAnalysis }))
      update(() => ({ running: false, cancelling: false, finishedAt: Date.now() }))
      // Re-open: advice now uses the measured bytes (the backend keeps the measurement).
      await get().openDockerfile()
      return
    }
    const error = outcome.error
    const line = typeof error.detail?.line === 'number' ? error.detail.line : null
    const failedStage = typeof error.detail?.stageId === 'string' ? error.detail.stageId : null
    update(() => ({ running: false, cancelling: false, error, finishedAt: Date.now() }))
    // A failed build is measured too: re-open to get the graph with the failed stage marked and
    // the figures of the stages built before it (the backend keeps that last measurement).
    if (error.code === 'BUILD_FAILED') await get().openDockerfile()
    set((s) =>
      s.dfAnalysis && (line !== null || failedStage !== null)
        ? { dfFocusLine: line, dfSelected: failedStage ?? (line !== null ? stageOfLine(s.dfAnalysis.graph, line) : null) ?? s.dfSelected }
        : s
    )
  },

  cancelStageBuild: async () => {
    const b = get().dfBuild
    if (!b?.running) return
    set({ dfBuild: { ...b, cancelling: true } })
    // A refused cancel needs no message: the build ends on its own and its error says what happened.
    await cancelJob(b.jobId)
  },

  selectStageNode: (id) => set({ dfSelected: id, dfFocusLine: null }),
  focusDockerfileLine: (line) =>
    set((s) => ({
      dfFocusLine: line,
      dfSelected: line !== null && s.dfAnalysis ? (stageOfLine(s.dfAnalysis.graph, line) ?? s.dfSelected) : s.dfSelected
    }))
})
