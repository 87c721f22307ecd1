import type { StateCreator } from 'zustand'
import type { AppState } from './index'

// STUB slice: the settings feature fills this in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SettingsSlice {}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = () => ({})
