// The Electron front: app lifecycle, the one window, IPC to the shared backend.
// Everything that does real work lives in core and is shared with `serve` and the CLI.
import { app, BrowserWindow, ipcMain } from 'electron'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createBackend } from './api'
import { electronDesktop } from './desktop/electron-desktop'
import { registerIpc } from './ipc/register'
import { isTrustedSenderUrl } from './ipc/sender-check'
import { createMainWindow, hardenSession } from './window/main-window'
import { desktopShell } from './desktop/desktop-shell'

const HERE = dirname(fileURLToPath(import.meta.url))
const RENDERER_DIR = join(HERE, '..', 'renderer')
const PRELOAD = join(HERE, '..', 'preload', 'index.cjs')
const DEV_SERVER_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

let mainWindow: BrowserWindow | null = null

/** resources/ (samples, fonts): beside package.json in a checkout, or in a packaged app's resources. */
function resourcesDir(): string {
  const candidates = [join(app.getAppPath(), 'resources'), join(HERE, '..', '..', 'resources'), join(process.resourcesPath ?? '', 'resources')]
  return candidates.find((d) => existsSync(join(d, 'samples'))) ?? candidates[0]!
}

// Every webContents, present or future: no new windows, no webviews.
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })
  void app.whenReady().then(start)
}

function start(): void {
  const desktop = electronDesktop(() => mainWindow)
  const backend = createBackend(
    {
      cacheDir: join(app.getPath('userData'), 'cache'),
      settingsFile: join(app.getPath('userData'), 'settings.json'),
      resourcesDir: resourcesDir(),
      front: 'electron',
      version: app.getVersion()
    },
    // Electron-only: native dialogs and the clipboard, modal to the app's window.
    { desktop }
  )

  hardenSession()
  const shellHabits = desktopShell(() => mainWindow, desktop)
  registerIpc(ipcMain, backend, {
    observe: (channel, req) => shellHabits.observe(channel, req),
    contents: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null),
    isTrustedUrl: (url) => isTrustedSenderUrl(url, { rendererDir: RENDERER_DIR, ...(DEV_SERVER_URL ? { devServerUrl: DEV_SERVER_URL } : {}) })
  })

  const open = (): void => {
    mainWindow = createMainWindow({
      preload: PRELOAD,
      rendererDir: RENDERER_DIR,
      ...(DEV_SERVER_URL ? { devServerUrl: DEV_SERVER_URL } : {}),
      stateFile: join(app.getPath('userData'), 'window-state.json')
    })
    mainWindow.on('closed', () => (mainWindow = null))
    mainWindow.webContents.on('did-finish-load', () => shellHabits.pageReady())
  }
  open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
