// The sandboxed preload (built as CommonJS: sandboxed preloads cannot be ES modules). It hands
// the renderer window.api: the LayerscopeApi contract plus one method per channel, and nothing
// of Node or Electron itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { CHANNELS, EVENT_NAMES, IPC_EVENT_CHANNEL as EVENT_CHANNEL, type Channel, type EventName, type Events } from '../shared/api'
import type { ElectronApi } from './index.d'

type Listener = (payload: unknown) => void
const listeners = new Map<EventName, Set<Listener>>()

ipcRenderer.on(EVENT_CHANNEL, (_e, event: EventName, payload: unknown) => {
  for (const l of listeners.get(event) ?? []) l(payload)
})

const call = (channel: Channel, req: unknown): Promise<never> => {
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    return Promise.resolve({ error: { code: 'INVALID_INPUT', message: `Unknown API channel "${String(channel)}".` } } as never)
  }
  return ipcRenderer.invoke(channel, req ?? {}) as Promise<never>
}

const channels = Object.fromEntries(CHANNELS.map((c) => [c, (req: unknown) => call(c, req)])) as unknown as ElectronApi['channels']

const api: ElectronApi = {
  front: 'electron',
  call: (channel, req) => call(channel, req),
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) return () => undefined
    const set = listeners.get(event) ?? new Set<Listener>()
    set.add(listener as Listener)
    listeners.set(event, set)
    return () => {
      set.delete(listener as Listener)
    }
  },
  pathForFile: async (file: File) => {
    const path = webUtils.getPathForFile(file)
    if (!path) throw new Error('This file has no path on disk (was it dragged from another app?). Save it first, then open it.')
    return path
  },
  channels
}

contextBridge.exposeInMainWorld('api', api)
