import type { StateCreator } from 'zustand'
import type { ApiError } from '../../../shared/errors'
import type { EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary, SampleArchive } from '../../../shared/models/images'
import { call, toApiError } from '../lib/call'
import { loadJson, saveJson } from '../lib/persist'
import type { AppState } from './index'

import { filterImages, sortImages, type ImageSort, type ImageSortKey } from '../lib/image-list'

export { filterImages, imageName, imageRef, sortImages, type ImageSort, type ImageSortKey } from '../lib/image-list'

export interface ImagesSlice {
  engine: EngineStatus | null
  /** The engine:status call itself failed (backend down), not the engine. */
  engineError: ApiError | null
  images: ImageSummary[] | null
  imagesError: ApiError | null
  imagesLoading: boolean
  samples: SampleArchive[] | null
  samplesError: ApiError | null
  imageSort: ImageSort
  imageFilter: string
  /** Image IDs ticked for Compare (at most two, oldest dropped). */
  selectedImageIds: string[]
  loadImages: () => Promise<void>
  loadSamples: () => Promise<void>
  setImageSort: (key: ImageSortKey) => void
  setImageFilter: (filter: string) => void
  toggleImageSelected: (id: string) => void
  clearImageSelection: () => void
}

/** Selector: the list as shown (filtered, sorted). */
export function selectVisibleImages(s: Pick<ImagesSlice, 'images' | 'imageFilter' | 'imageSort'>): ImageSummary[] {
  return sortImages(filterImages(s.images ?? [], s.imageFilter), s.imageSort)
}

const DEFAULT_SORT: ImageSort = { key: 'created', dir: 'desc' }
function isSort(v: unknown): v is ImageSort {
  const s = v as ImageSort
  return !!s && ['name', 'size', 'created', 'layers'].includes(s.key) && (s.dir === 'asc' || s.dir === 'desc')
}

export const createImagesSlice: StateCreator<AppState, [], [], ImagesSlice> = (set, get) => ({
  engine: null,
  engineError: null,
  images: null,
  imagesError: null,
  imagesLoading: false,
  samples: null,
  samplesError: null,
  imageSort: loadJson('imageSort', DEFAULT_SORT, isSort),
  imageFilter: '',
  selectedImageIds: [],
  loadImages: async () => {
    if (get().imagesLoading) return // one load at a time (the shell and the list both ask at start)
    set({ imagesLoading: true })
    let engine: EngineStatus | null = null
    try {
      engine = await call('engine:status', {})
      set({ engine, engineError: null })
    } catch (e) {
      set({ engine: null, engineError: toApiError(e), imagesLoading: false })
      void get().loadSamples()
      return
    }
    if (!engine.ok) {
      set({ images: null, imagesError: null, imagesLoading: false })
      void get().loadSamples()
      return
    }
    try {
      const images = await call('images:list', {})
      const ids = new Set(images.map((i) => i.id))
      set((s) => ({ images, imagesError: null, imagesLoading: false, selectedImageIds: s.selectedImageIds.filter((id) => ids.has(id)) }))
    } catch (e) {
      set({ imagesError: toApiError(e), imagesLoading: false })
    }
  },
  loadSamples: async () => {
    if (get().samples) return
    try {
      set({ samples: await call('images:samples', {}), samplesError: null })
    } catch (e) {
      set({ samplesError: toApiError(e) })
    }
  },
  setImageSort: (key) =>
    set((s) => {
      // Clicking the active column flips it; a new column starts with its natural direction.
      const imageSort: ImageSort =
        s.imageSort.key === key ? { key, dir: s.imageSort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' }
      saveJson('imageSort', imageSort)
      return { imageSort }
    }),
  setImageFilter: (imageFilter) => set({ imageFilter }),
  toggleImageSelected: (id) =>
    set((s) => {
      if (s.selectedImageIds.includes(id)) return { selectedImageIds: s.selectedImageIds.filter((x) => x !== id) }
      return { selectedImageIds: [...s.selectedImageIds, id].slice(-2) }
    }),
  clearImageSelection: () => set({ selectedImageIds: [] })
})
