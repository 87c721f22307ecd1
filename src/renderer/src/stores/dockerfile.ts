import type { StateCreator } from 'zustand'
import type { AppState } from './index'

// STUB slice: the dockerfile feature fills this in.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DockerfileSlice {}

export const createDockerfileSlice: StateCreator<AppState, [], [], DockerfileSlice> = () => ({})
