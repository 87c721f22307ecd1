// The History screen's state: the repository asked for, its series, the explained jumps, and
// the one job in flight (series first, then the jumps, each through the shared job lifecycle).
import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { JobProgress } from '../../../shared/models/analysis'
import type { HistoryJumps, HistoryOrder, TagSeries } from '../../../shared/models/history'
import type { AppState } from './index'
import { cancelJob, runJob } from './job'

export interface HistoryJob {
  jobId: string
  stage: 'series' | 'jumps'
  startedAt: number
  progress: JobProgress | null
  cancelling: boolean
}

export interface HistorySlice {
  historyInput: { repository: string; order: HistoryOrder; last: number | null }
  historySeries: TagSeries | null
  historyJumps: HistoryJumps | null
  historyJob: HistoryJob | null
  historyError: ApiError | null
  setHistoryInput: (p: Partial<HistorySlice['historyInput']>) => void
  /** Reads the series (manifests/configs or inspect), then explains the biggest jumps (compares). */
  loadHistory: (repository?: string) => Promise<void>
  cancelHistory: () => Promise<void>
}

export const createHistorySlice: StateCreator<AppState, [], [], HistorySlice> = (set, get) => ({
  historyInput: { repository: '', order: 'created', last: null },
  historySeries: null,
  historyJumps: null,
  historyJob: null,
  historyError: null,
  setHistoryInput: (p) => set((s) => ({ historyInput: { ...s.historyInput, ...p } })),
  loadHistory: async (repository) => {
    if (repository !== undefined) set((s) => ({ historyInput: { ...s.historyInput, repository } }))
    const input = get().historyInput
    const req = { repository: input.repository.trim(), order: input.order, ...(input.last ? { last: input.last } : {}) }
    const begin = (stage: HistoryJob['stage']) => (jobId: string) => set({ historyJob: { jobId, stage, startedAt: Date.now(), progress: null, cancelling: false }, historyError: null })
    const isCurrent = (jobId: string): boolean => get().historyJob?.jobId === jobId
    const on = { 'job:progress': (p: JobProgress) => set((s) => (s.historyJob ? { historyJob: { ...s.historyJob, progress: p } } : s)) }
    set({ historySeries: null, historyJumps: null })
    const series = await runJob({ channel: 'history:series', request: req, kind: 'history', begin: begin('series'), isCurrent, on })
    if (series.status === 'superseded') return
    if (series.status === 'failed') return set({ historyJob: null, historyError: series.error })
    set({ historySeries: series.result })
    if (series.result.tags.length < 2) return set({ historyJob: null })
    const jumps = await runJob({ channel: 'history:jumps', request: { ...req, limit: 3 }, kind: 'history-jumps', begin: begin('jumps'), isCurrent, on })
    if (jumps.status === 'superseded') return
    if (jumps.status === 'failed') return set({ historyJob: null, historyError: jumps.error })
    // Registry tags the jumps analysed now have an unpacked size: the chart draws it.
    const seen = jumps.result.unpacked
    set((s) => ({
      historyJob: null,
      historyJumps: jumps.result,
      historySeries: s.historySeries && { ...s.historySeries, tags: s.historySeries.tags.map((t) => (seen[t.tag] !== undefined ? { ...t, unpackedBytes: seen[t.tag] } : t)) }
    }))
  },
  cancelHistory: async () => {
    const job = get().historyJob
    if (!job) return
    set({ historyJob: { ...job, cancelling: true } })
    const err = await cancelJob(job.jobId)
    if (err) set({ historyError: err })
  }
})
