import type { StateCreator } from 'zustand'
import type { AppState } from './index'

/** Which screen shows. Each feature adds its own view here. */
export type View =
  | { name: 'images' }
  | { name: 'image'; key: string }
  | { name: 'compare'; aKey?: string; bKey?: string }
  | { name: 'dockerfile'; path?: string }

export interface NavigationSlice {
  view: View
  history: View[]
  navigate: (view: View) => void
  back: () => void
}

export const createNavigationSlice: StateCreator<AppState, [], [], NavigationSlice> = (set) => ({
  view: { name: 'images' },
  history: [],
  navigate: (view) => set((s) => ({ view, history: [...s.history, s.view].slice(-50) })),
  back: () =>
    set((s) => {
      const prev = s.history[s.history.length - 1]
      return prev ? { view: prev, history: s.history.slice(0, -1) } : s
    })
})
