import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { ImageAnalysis, ImagePreview, ImageSource, JobProgress, TreeScope } from '../../../shared/models/analysis'
import { ROOT_PATH } from '../lib/paths'
import { mark } from '../lib/perf'
import { prefetch, treemapRequest } from '../lib/prefetch'
import type { AppState } from './index'
import { cancelJob, runJob } from './job'
import { rememberImage } from '../lib/recent'
import { imageName, sameSource as sameImageSource, sourceName } from '../../../shared/image-source'

/** An analysis:open in flight (or failed): drives the progress bar, Cancel and the error state. */
export interface OpenJob {
  jobId: string
  source: ImageSource
  label: string
  startedAt: number
  progress: JobProgress | null
  /** The layer list and history, as soon as the source described the image (before its layers are read). */
  preview: ImagePreview | null
  /** Layers (indices) read so far, or found in the cache. */
  layersRead: number[]
  error: ApiError | null
  cancelling: boolean
}

/**
 * A progress event folded into the open job: the preview and layer-read facts are kept (they
 * come once each), the bar's numbers are the newest.
 */
export function applyProgress(job: OpenJob, p: JobProgress): OpenJob {
  const { preview, layerRead, ...progress } = p
  const next: OpenJob = { ...job, progress }
  if (preview && !job.preview) next.preview = preview
  if (layerRead !== undefined && !job.layersRead.includes(layerRead)) next.layersRead = [...job.layersRead, layerRead]
  return next
}

export type ScopeMode = 'layer' | 'stacked'

export interface AnalysisSlice {
  /** Opened analyses by key (the backend keeps them too; this avoids refetching). */
  analyses: Record<string, ImageAnalysis>
  openJob: OpenJob | null
  /** Layer selected in the image view (null = the whole image); shared by every panel. */
  selectedLayer: number | null
  /** With a layer selected: only that layer's changes, or the image stacked up to it. */
  scopeMode: ScopeMode
  /** Opens an image (engine ref or archive) and shows it in the image view. */
  openImage: (source: ImageSource, label?: string, options?: { noCache?: boolean }) => Promise<string | null>
  cancelOpen: () => Promise<void>
  dismissOpenError: () => void
  selectLayer: (index: number | null) => void
  setScopeMode: (mode: ScopeMode) => void
  /**
   * The path the treemap and file tree agree on: the treemap's drilled folder (the tree opens
   * to it) or the tree's selected row (the treemap outlines its block). `from` says who moved.
   */
  focusPath: { path: string; from: 'tree' | 'treemap' } | null
  setFocusPath: (path: string | null, from: 'tree' | 'treemap') => void
  /** The path filter, applied to the file tree and the treemap alike. */
  pathFilter: string
  setPathFilter: (filter: string) => void
}

/**
 * The image list marks images whose analysis is in the cache (by image ID, as the backend
 * does): an image analysed now is marked without reloading the list. Not with noCache (then
 * nothing was written).
 */
export function markAnalysed<T extends { id: string; analysed?: boolean }>(images: T[] | null, id: string, noCache: boolean): T[] | null {
  if (!images || noCache || !images.some((i) => i.id === id && !i.analysed)) return images
  return images.map((i) => (i.id === id ? { ...i, analysed: true } : i))
}

export function sourceLabel(source: ImageSource): string {
  return sourceName(source, true)
}

export function sameSource(a: ImageSource | undefined, b: ImageSource | undefined): boolean {
  return !!a && !!b && sameImageSource(a, b)
}

/** Selector: the tree/treemap scope for the current selection. */
export function selectScope(s: Pick<AnalysisSlice, 'selectedLayer' | 'scopeMode'>, key: string): TreeScope {
  if (s.selectedLayer === null) return { key, layer: null, mode: 'stacked' }
  return { key, layer: s.selectedLayer, mode: s.scopeMode }
}

export const createAnalysisSlice: StateCreator<AppState, [], [], AnalysisSlice> = (set, get) => ({
  analyses: {},
  openJob: null,
  selectedLayer: null,
  scopeMode: 'layer',
  focusPath: null,
  pathFilter: '',
  openImage: async (source, label, options) => {
    const name = label ?? sourceLabel(source)
    const view = get().view
    const pending = { name: 'image' as const, key: '', source, label: name }
    if (view.name === 'image' && sameSource(view.source, source)) get().replaceView(pending)
    else get().navigate(pending)
    const outcome = await runJob({
      channel: 'analysis:open',
      request: { source, ...(options?.noCache ? { options: { noCache: true } } : {}) },
      kind: 'open',
      begin: (jobId) =>
        set({
          openJob: { jobId, source, label: name, startedAt: Date.now(), progress: null, preview: null, layersRead: [], error: null, cancelling: false },
          selectedLayer: null,
          focusPath: null,
          pathFilter: ''
        }),
      isCurrent: (jobId) => get().openJob?.jobId === jobId,
      on: { 'job:progress': (progress) => set((s) => (s.openJob && !s.openJob.error ? { openJob: applyProgress(s.openJob, progress) } : s)) }
    })
    if (outcome.status === 'superseded') return null
    if (outcome.status === 'failed') {
      set((s) => (s.openJob ? { openJob: { ...s.openJob, error: outcome.error, cancelling: false } } : s))
      return null
    }
    const analysis = outcome.result
    mark('analysis-done')
    // The view's first treemap level, requested while React renders the view.
    prefetch('analysis:treemap', treemapRequest(selectScope({ selectedLayer: null, scopeMode: 'layer' }, analysis.key), ROOT_PATH))
    set((s) => ({ analyses: { ...s.analyses, [analysis.key]: analysis }, openJob: null, images: markAnalysed(s.images, analysis.image.id, options?.noCache === true) }))
    rememberImage(source, imageName(analysis))
    const v = get().view
    if (v.name === 'image' && v.key === '' && sameSource(v.source, source)) get().replaceView({ ...pending, key: analysis.key })
    return analysis.key
  },
  cancelOpen: async () => {
    const job = get().openJob
    if (!job || job.error) return
    set({ openJob: { ...job, cancelling: true } })
    const error = await cancelJob(job.jobId)
    if (error) set((s) => (s.openJob ? { openJob: { ...s.openJob, cancelling: false, error } } : s))
  },
  dismissOpenError: () => set({ openJob: null }),
  selectLayer: (selectedLayer) => set({ selectedLayer }),
  setScopeMode: (scopeMode) => set({ scopeMode }),
  setFocusPath: (path, from) => set((s) => (path === null ? { focusPath: null } : s.focusPath?.path === path && s.focusPath.from === from ? s : { focusPath: { path, from } })),
  setPathFilter: (pathFilter) => set({ pathFilter })
})
