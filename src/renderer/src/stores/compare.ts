import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { ImageSource, JobProgress } from '../../../shared/models/analysis'
import type { Comparison, Contributor, DiffTreemapNode } from '../../../shared/models/compare'
import { call, toApiError } from '../lib/call'
import type { AppState } from './index'
import { cancelJob, runJob } from './job'

/** A compare:open in flight (or failed): progress of each side, Cancel, the error. */
export interface CompareJob {
  jobId: string
  a: ImageSource
  b: ImageSource
  startedAt: number
  progress: { a: JobProgress | null; b: JobProgress | null }
  /** Which side is being opened now ('b' also covers the final diff). */
  side: 'a' | 'b'
  error: ApiError | null
  cancelling: boolean
}

/** A drill-down level: contributors and treemap of one path of the diff. */
export interface CompareFocus {
  path: string
  rows: Contributor[] | null
  treemap: DiffTreemapNode | null
  loading: boolean
  error: ApiError | null
}

export interface CompareSlice {
  /** The two sides picked on the compare screen (not yet compared, or compared). */
  comparePick: { a: ImageSource | null; b: ImageSource | null }
  comparison: Comparison | null
  compareJob: CompareJob | null
  compareFocus: CompareFocus
  setComparePick: (side: 'a' | 'b', source: ImageSource | null) => void
  /** Opens the compare screen on two images and compares them (for the image list and image view). */
  startCompare: (a: ImageSource, b: ImageSource) => Promise<void>
  runCompare: (a: ImageSource, b: ImageSource, options?: { noCache?: boolean }) => Promise<void>
  cancelCompare: () => Promise<void>
  swapCompare: () => Promise<void>
  /** Drill the contributors list and the diff treemap to a path ("/" = the whole image). */
  focusComparePath: (path: string) => Promise<void>
  dismissCompareError: () => void
}

/** A progress event lands on its side ('b' also covers the final diff). */
export function withSideProgress(job: CompareJob, p: JobProgress): CompareJob {
  const side = p.side ?? job.side
  return { ...job, side, progress: { ...job.progress, [side]: p } }
}

const emptyFocus: CompareFocus = { path: '/', rows: null, treemap: null, loading: false, error: null }

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set, get) => ({
  comparePick: { a: null, b: null },
  comparison: null,
  compareJob: null,
  compareFocus: emptyFocus,
  setComparePick: (side, source) => set((s) => ({ comparePick: { ...s.comparePick, [side]: source } })),
  startCompare: async (a, b) => {
    get().navigate({ name: 'compare', a, b })
    await get().runCompare(a, b)
  },
  runCompare: async (a, b, options) => {
    const outcome = await runJob({
      channel: 'compare:open',
      request: { a, b, ...(options?.noCache ? { options: { noCache: true } } : {}) },
      kind: 'compare',
      begin: (jobId) =>
        set({
          comparePick: { a, b },
          compareJob: { jobId, a, b, startedAt: Date.now(), progress: { a: null, b: null }, side: 'a', error: null, cancelling: false },
          compareFocus: emptyFocus
        }),
      isCurrent: (jobId) => get().compareJob?.jobId === jobId,
      on: { 'job:progress': (p) => set((s) => (s.compareJob && !s.compareJob.error ? { compareJob: withSideProgress(s.compareJob, p) } : s)) }
    })
    if (outcome.status === 'superseded') return
    if (outcome.status === 'failed') {
      set((s) => (s.compareJob ? { compareJob: { ...s.compareJob, error: outcome.error, cancelling: false } } : s))
      return
    }
    const comparison = outcome.result
    set({ comparison, compareJob: null })
    const v = get().view
    if (v.name === 'compare') get().replaceView({ name: 'compare', a, b, aKey: comparison.a.key, bKey: comparison.b.key })
    await get().focusComparePath('/')
  },
  cancelCompare: async () => {
    const job = get().compareJob
    if (!job || job.error) return
    set({ compareJob: { ...job, cancelling: true } })
    const error = await cancelJob(job.jobId)
    if (error) set((s) => (s.compareJob ? { compareJob: { ...s.compareJob, cancelling: false, error } } : s))
  },
  swapCompare: async () => {
    const { comparison, comparePick } = get()
    const a = comparison?.b.source ?? comparePick.b
    const b = comparison?.a.source ?? comparePick.a
    if (!comparison) {
      set({ comparePick: { a, b } })
      return
    }
    if (a && b) await get().runCompare(a, b)
  },
  focusComparePath: async (path) => {
    const c = get().comparison
    if (!c) return
    set((s) => ({ compareFocus: { ...s.compareFocus, path, loading: true, error: null } }))
    const req = { aKey: c.a.key, bKey: c.b.key, path }
    try {
      const [rows, treemap] = await Promise.all([call('compare:contributors', { ...req, limit: 200 }), call('compare:treemap', { ...req, depth: 8, maxNodes: 400 })])
      if (get().comparison !== c || get().compareFocus.path !== path) return
      set({ compareFocus: { path, rows, treemap, loading: false, error: null } })
    } catch (e) {
      if (get().comparison !== c) return
      set((s) => ({ compareFocus: { ...s.compareFocus, loading: false, error: toApiError(e) } }))
    }
  },
  dismissCompareError: () => set({ compareJob: null })
})
