// The Desktop port in Electron: native dialogs on the app's window and the system clipboard.
import { BrowserWindow, ClipboardItem, clipboard, dialog } from 'electron'
import type { Desktop, OpenDialogKind } from '../api/desktop-port'

const OPEN_FILTERS: Record<OpenDialogKind, { name: string; extensions: string[] }[]> = {
  archive: [
    { name: 'Image archives', extensions: ['tar', 'gz', 'tgz', 'zst', 'oci'] },
    { name: 'All files', extensions: ['*'] }
  ],
  dockerfile: [{ name: 'All files', extensions: ['*'] }],
  directory: []
}
const OPEN_TITLES: Record<OpenDialogKind, string> = {
  archive: 'Open an image archive',
  dockerfile: 'Open a Dockerfile',
  directory: 'Open a build context folder'
}

/** `window()` is the app's main window when there is one (dialogs are modal to it). */
export function electronDesktop(window: () => BrowserWindow | null): Desktop {
  const parent = (): BrowserWindow | null => {
    const w = window() ?? BrowserWindow.getFocusedWindow()
    return w && !w.isDestroyed() ? w : null
  }
  return {
    ensure: () => undefined,
    openDialog: async (kind) => {
      const opts = {
        title: OPEN_TITLES[kind],
        properties: kind === 'directory' ? (['openDirectory'] as const) : (['openFile'] as const),
        filters: OPEN_FILTERS[kind]
      }
      const w = parent()
      const r = w ? await dialog.showOpenDialog(w, { ...opts, properties: [...opts.properties] }) : await dialog.showOpenDialog({ ...opts, properties: [...opts.properties] })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
    saveDialog: async (opts) => {
      const w = parent()
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts)
      return r.canceled || !r.filePath ? null : r.filePath
    },
    copyPng: async (png) => {
      await clipboard.write([new ClipboardItem({ 'image/png': new Blob([png], { type: 'image/png' }) })])
    }
  }
}
