import type { StateCreator } from 'zustand'
import type { ImageSource } from '../../../shared/models/analysis'
import { loadJson, saveJson } from '../lib/persist'
import type { AppState } from './index'

/** Which screen shows. Each feature adds its own view here. */
export type View =
  | { name: 'images' }
  /**
   * key: analysis key once opened ('' while the analysis runs). source + label let the view
   * (re)open the image after a reload: the last view is remembered.
   */
  | { name: 'image'; key: string; source?: ImageSource; label?: string }
  /** aKey/bKey: analysis keys; a/b: sources to open (e.g. two images picked in the list). */
  | { name: 'compare'; aKey?: string; bKey?: string; a?: ImageSource; b?: ImageSource }
  | { name: 'dockerfile'; path?: string }
  /** A repository's tags over time (registry://HOST/REPO or a local repository name). */
  | { name: 'history'; repository?: string }

export interface NavigationSlice {
  view: View
  history: View[]
  navigate: (view: View) => void
  back: () => void
  /** Replaces the current view without a history entry (e.g. an opened image gets its key). */
  replaceView: (view: View) => void
}

const VIEW_NAMES = ['images', 'image', 'compare', 'dockerfile', 'history']
function isView(v: unknown): v is View {
  return typeof v === 'object' && v !== null && VIEW_NAMES.includes((v as { name?: string }).name ?? '')
}

/** The last view, remembered across reloads (an image view reopens from its source). */
export function initialView(): View {
  const v = loadJson<View>('view', { name: 'images' }, isView)
  if (v.name === 'image' && !v.source) return { name: 'images' }
  return v
}

export const createNavigationSlice: StateCreator<AppState, [], [], NavigationSlice> = (set) => ({
  view: initialView(),
  history: [],
  navigate: (view) =>
    set((s) => {
      saveJson('view', view)
      return { view, history: [...s.history, s.view].slice(-50) }
    }),
  back: () =>
    set((s) => {
      const prev = s.history[s.history.length - 1] ?? (s.view.name !== 'images' ? ({ name: 'images' } as View) : undefined)
      if (!prev) return s
      saveJson('view', prev)
      return { view: prev, history: s.history.slice(0, -1) }
    }),
  replaceView: (view) =>
    set(() => {
      saveJson('view', view)
      return { view }
    })
})
