import type { StateCreator } from 'zustand'
import type { AppState } from './index'

// STUB slice: the compare feature fills this in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CompareSlice {}

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = () => ({})
