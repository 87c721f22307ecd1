// The desktop habits of the Electron front: the application menu, recent archives (the OS list
// and the menu's), and archives handed to the app by the command line or the OS. Commands that
// need the page go to it as `app:command` events.
import { app, Menu, shell, type BrowserWindow } from 'electron'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { IPC_EVENT_CHANNEL } from '../../shared/api'
import type { AppCommand } from '../../shared/models/app-command'
import type { ImageSource } from '../../shared/models/analysis'
import type { Desktop } from '../api/desktop-port'
import { writeFileAtomic } from '../core/report/atomic-write'
import { addRecent, appMenuTemplate, archiveFromArgv, type MenuCommand } from '../window/app-menu'

export interface DesktopShell {
  /** Sees each API call: archives the page opens join the recent list. */
  observe(channel: string, req: unknown): void
  /** An archive from the command line or the OS: opened once the page is ready. */
  openPath(path: string): void
  /** The window's page finished loading: deliver what waited for it. */
  pageReady(): void
}

/** `desktop` is the front's Desktop port: the menu's Open… items use its dialogs. */
export function desktopShell(window: () => BrowserWindow | null, desktop: Desktop): DesktopShell {
  const recentFile = join(app.getPath('userData'), 'recent.json')
  let recent = readRecent(recentFile)
  let pending: AppCommand[] = []
  let ready = false

  const send = (c: AppCommand): void => {
    const w = window()
    if (!ready || !w || w.isDestroyed()) {
      pending.push(c)
      return
    }
    w.webContents.send(IPC_EVENT_CHANNEL, 'app:command', c)
  }

  const remember = (path: string): void => {
    recent = addRecent(recent, path)
    app.addRecentDocument(path)
    void writeFileAtomic(recentFile, JSON.stringify(recent)).catch(() => undefined)
    rebuildMenu()
  }


  const run = (c: MenuCommand): void => {
    switch (c.kind) {
      case 'open-archive':
        void desktop.openDialog('archive').then((path) => path && send({ kind: 'open-archive', path }))
        return
      case 'open-dockerfile':
        void desktop.openDialog('dockerfile').then((path) => path && send({ kind: 'open-dockerfile', path }))
        return
      case 'open-recent':
        send({ kind: 'open-archive', path: c.path })
        return
      case 'clear-recent':
        recent = []
        app.clearRecentDocuments()
        void writeFileAtomic(recentFile, '[]').catch(() => undefined)
        rebuildMenu()
        return
      case 'export-report':
        send({ kind: 'export-report' })
        return
      case 'theme':
        send({ kind: 'theme', theme: c.theme })
        return
      case 'help-docs': {
        const readme = [join(app.getAppPath(), 'README.md'), join(process.resourcesPath ?? '', 'README.md')].find((p) => existsSync(p))
        if (readme) void shell.openPath(readme)
        return
      }
    }
  }

  function rebuildMenu(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ platform: process.platform, appName: app.getName(), recent, run })))
  }
  rebuildMenu()

  // macOS hands files opened with the app to this event, before or after ready.
  app.on('open-file', (e, path) => {
    e.preventDefault()
    send({ kind: 'open-archive', path })
  })
  app.on('second-instance', (_e, argv) => {
    const path = archiveFromArgv(argv, app.isPackaged)
    if (path) send({ kind: 'open-archive', path })
  })
  const first = archiveFromArgv(process.argv, app.isPackaged)
  if (first) pending.push({ kind: 'open-archive', path: first })

  return {
    observe(channel, req) {
      if (channel !== 'analysis:open' && channel !== 'compare:open') return
      const r = req as { source?: ImageSource; a?: ImageSource; b?: ImageSource } | null
      for (const s of [r?.source, r?.a, r?.b]) if (s?.kind === 'archive' && typeof s.path === 'string') remember(s.path)
    },
    openPath: (path) => send({ kind: 'open-archive', path }),
    pageReady() {
      ready = true
      const waiting = pending
      pending = []
      for (const c of waiting) send(c)
    }
  }
}

function readRecent(file: string): string[] {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 10) : []
  } catch {
    return []
  }
}
