import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { ImageSource, JobProgress } from '../../../shared/models/analysis'
import type { Comparison, Contributor, DiffTreemapNode } from '../../../shared/models/compare'
import { call, newJobId, toApiError } from '../lib/call'
import type { AppState } from './index'

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
  onCompareProgress: (p: JobProgress) => void
  dismissCompareError: () => void
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
    const jobId = newJobId('compare')
    set({
      comparePick: { a, b },
      compareJob: { jobId, a, b, startedAt: Date.now(), progress: { a: null, b: null }, side: 'a', error: null, cancelling: false },
      compareFocus: emptyFocus
    })
    try {
      const comparison = await call('compare:open', { jobId, a, b, ...(options?.noCache ? { options: { noCache: true } } : {}) })
      if (get().compareJob?.jobId !== jobId) return // superseded
      set({ comparison, compareJob: null })
      const v = get().view
      if (v.name === 'compare') get().replaceView({ name: 'compare', a, b, aKey: comparison.a.key, bKey: comparison.b.key })
      await get().focusComparePath('/')
    } catch (e) {
      if (get().compareJob?.jobId !== jobId) return
      set((s) => (s.compareJob ? { compareJob: { ...s.compareJob, error: toApiError(e), cancelling: false } } : s))
    }
  },
  cancelCompare: async () => {
    const job = get().compareJob
    if (!job || job.error) return
    set({ compareJob: { ...job, cancelling: true } })
    try {
      await call('job:cancel', { jobId: job.jobId })
    } catch (e) {
      set((s) => (s.compareJob ? { compareJob: { ...s.compareJob, cancelling: false, error: toApiError(e) } } : s))
    }
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
  onCompareProgress: (p) =>
    set((s) => {
      const job = s.compareJob
      if (!job || job.jobId !== p.jobId || job.error) return s
      const side = p.side ?? job.side
      return { compareJob: { ...job, side, progress: { ...job.progress, [side]: p } } }
    }),
  dismissCompareError: () => set({ compareJob: null })
})
