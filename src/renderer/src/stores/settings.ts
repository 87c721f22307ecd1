import type { StateCreator } from 'zustand'
import { loadJson, saveJson } from '../lib/persist'
import type { AppState } from './index'

export type ThemeChoice = 'system' | 'light' | 'dark'
export type TreemapColorMode = 'change' | 'directory'

/** Preferences remembered in localStorage. The theme follows the system unless overridden. */
export interface Settings {
  theme: ThemeChoice
  /** Treemap colours for one layer's changes, and for stacked views (where most is unchanged). */
  treemapColor: TreemapColorMode
  treemapColorStacked: TreemapColorMode
  treeSort: 'size' | 'name'
  /** Width of the layers pane in the image view (px). */
  layersPaneWidth: number
}

const DEFAULTS: Settings = { theme: 'system', treemapColor: 'change', treemapColorStacked: 'directory', treeSort: 'size', layersPaneWidth: 520 }

export interface SettingsSlice {
  settings: Settings
  updateSettings: (patch: Partial<Settings>) => void
}

function loadSettings(): Settings {
  const stored = loadJson<Partial<Settings>>('settings', {})
  return { ...DEFAULTS, ...(typeof stored === 'object' && stored ? stored : {}) }
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: loadSettings(),
  updateSettings: (patch) =>
    set((s) => {
      const settings = { ...s.settings, ...patch }
      saveJson('settings', settings)
      return { settings }
    })
})
