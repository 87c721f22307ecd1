import type { StateCreator } from 'zustand'
import type { AppState } from './index'

// STUB slice: the analysis feature fills this in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AnalysisSlice {}

export const createAnalysisSlice: StateCreator<AppState, [], [], AnalysisSlice> = () => ({})
