// The one app window, locked down: isolated, sandboxed preload, no Node in the page, a strict
// CSP, no navigation away, no new windows, no permissions.
import { BrowserWindow, nativeTheme, screen, session, shell } from 'electron'
import { join } from 'node:path'
import { THEMES } from '../../shared/theme'
import { CONTENT_SECURITY_POLICY } from './csp'
import { fitToDisplays, loadWindowState, saveWindowState } from './window-state'

export interface MainWindowOptions {
  preload: string
  rendererDir: string
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), when running `npm run dev`. */
  devServerUrl?: string
  stateFile: string
  icon?: string
}

/** Session-wide rules, applied once before the first window. */
export function hardenSession(): void {
  const ses = session.defaultSession
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff']
      }
    })
  })
  // The app needs no camera, notifications, geolocation...: refuse every request and check.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const state = fitToDisplays(
    loadWindowState(opts.stateFile),
    screen.getAllDisplays().map((d) => d.workArea)
  )
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Layerscope',
    // The page's own background, so the window does not flash another colour before it paints.
    backgroundColor: THEMES[nativeTheme.shouldUseDarkColors ? 'dark' : 'light'].bg,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  const wc = win.webContents
  // No navigation away from the app and no new windows; http(s) links open in the browser.
  wc.on('will-navigate', (e, url) => {
    if (url !== wc.getURL()) e.preventDefault()
  })
  wc.on('will-redirect', (e) => e.preventDefault())
  wc.on('will-attach-webview', (e) => e.preventDefault())
  wc.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })

  const save = (): void => {
    if (win.isDestroyed()) return
    const b = win.getNormalBounds()
    saveWindowState(opts.stateFile, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })
  }
  win.on('close', save)

  if (opts.devServerUrl) void win.loadURL(opts.devServerUrl)
  else void win.loadFile(join(opts.rendererDir, 'index.html'))
  return win
}
