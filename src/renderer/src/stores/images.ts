import type { StateCreator } from 'zustand'
import type { AppState } from './index'

// STUB slice: the images feature fills this in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ImagesSlice {}

export const createImagesSlice: StateCreator<AppState, [], [], ImagesSlice> = () => ({})
