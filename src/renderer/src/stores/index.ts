import { create } from 'zustand'
import { createAnalysisSlice, type AnalysisSlice } from './analysis'
import { createCompareSlice, type CompareSlice } from './compare'
import { createDockerfileSlice, type DockerfileSlice } from './dockerfile'
import { createHistorySlice, type HistorySlice } from './history'
import { createImagesSlice, type ImagesSlice } from './images'
import { createNavigationSlice, type NavigationSlice } from './navigation'
import { createSettingsSlice, type SettingsSlice } from './settings'

/** One store made of slices; each slice file owns its state, actions and selectors. */
export type AppState = NavigationSlice & ImagesSlice & AnalysisSlice & CompareSlice & DockerfileSlice & SettingsSlice & HistorySlice

export const useApp = create<AppState>()((...a) => ({
  ...createNavigationSlice(...a),
  ...createImagesSlice(...a),
  ...createAnalysisSlice(...a),
  ...createCompareSlice(...a),
  ...createDockerfileSlice(...a),
  ...createSettingsSlice(...a),
  ...createHistorySlice(...a)
}))
