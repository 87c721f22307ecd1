// One ipcMain.handle per API channel, all going to the backend's dispatcher; events go back
// to the window on one channel. Every call is refused unless it comes from our own page.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { CHANNELS, IPC_EVENT_CHANNEL, type EventName, type Events } from '../../shared/api'
import type { Backend } from '../api'

export const EVENT_CHANNEL = IPC_EVENT_CHANNEL

export interface IpcOptions {
  /** The window's webContents (events go there; calls must come from its main frame). */
  contents: () => WebContents | null
  isTrustedUrl: (url: string) => boolean
  /** Sees each trusted call before it runs (the desktop front keeps its recent archives from it). */
  observe?: (channel: string, req: unknown) => void
}

export function registerIpc(ipcMain: IpcMain, backend: Backend, opts: IpcOptions): () => void {
  const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    const wc = opts.contents()
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, event, payload)
  }

  const trusted = (e: IpcMainInvokeEvent): boolean => {
    const wc = opts.contents()
    const frame = e.senderFrame
    if (!wc || wc.isDestroyed() || e.sender.id !== wc.id || !frame) return false
    const main = wc.mainFrame
    // Compared by ids: frame wrappers are not guaranteed to be the same JS object.
    return frame.processId === main.processId && frame.routingId === main.routingId && opts.isTrustedUrl(frame.url)
  }

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (e, req: unknown) => {
      if (!trusted(e)) {
        return { error: { code: 'INVALID_INPUT', message: `Refused ${channel}: the call did not come from the Layerscope window.` } }
      }
      opts.observe?.(channel, req)
      return backend.dispatcher.call(channel, req ?? {}, { front: 'electron', emit })
    })
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel)
  }
}
