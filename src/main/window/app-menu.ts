// The application menu: the platform's standard roles and accelerators plus Layerscope's own
// commands. A pure template builder (unit-tested); the Electron front turns it into a Menu.
import type { MenuItemConstructorOptions } from 'electron'

/** What a menu item asks the app to do; the front routes each to the renderer or the OS. */
export type MenuCommand =
  | { kind: 'open-archive' }
  | { kind: 'open-dockerfile' }
  | { kind: 'open-recent'; path: string }
  | { kind: 'clear-recent' }
  | { kind: 'export-report' }
  | { kind: 'theme'; theme: 'system' | 'light' | 'dark' }
  | { kind: 'help-docs' }

export interface MenuOptions {
  platform: NodeJS.Platform
  appName: string
  /** Recent images and archives, newest first (shown by file name, path on hover). */
  recent: string[]
  run: (c: MenuCommand) => void
}

const MAX_RECENT = 10

export function appMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin'
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => o.run(command)
  })
  const recent: MenuItemConstructorOptions[] =
    o.recent.length === 0
      ? [{ label: 'No recent archives', enabled: false }]
      : [
          ...o.recent.slice(0, MAX_RECENT).map((path) => ({ label: fileName(path), sublabel: path, toolTip: path, click: () => o.run({ kind: 'open-recent', path }) })),
          { type: 'separator' as const },
          item('Clear recent', { kind: 'clear-recent' })
        ]
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      item('Open archive…', { kind: 'open-archive' }, 'CmdOrCtrl+O'),
      item('Open Dockerfile…', { kind: 'open-dockerfile' }, 'CmdOrCtrl+Shift+O'),
      { label: 'Open recent', submenu: recent },
      { type: 'separator' },
      item('Export report…', { kind: 'export-report' }, 'CmdOrCtrl+E'),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' }
    ]
  }
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { role: 'forceReload' },
      { type: 'separator' },
      {
        label: 'Theme',
        submenu: [item('Follow the system', { kind: 'theme', theme: 'system' }), item('Light', { kind: 'theme', theme: 'light' }), item('Dark', { kind: 'theme', theme: 'dark' })]
      },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  }
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [item('Layerscope documentation', { kind: 'help-docs' }, 'F1')]
  }
  return [
    ...(mac ? [{ label: o.appName, role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help
  ]
}

function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path
}

/**
 * The archive a user passed on the command line (`layerscope-app image.tar`, a file opened with
 * the app): the last argument that is not a flag and not the app itself.
 */
export function archiveFromArgv(argv: readonly string[], isPackaged: boolean): string | undefined {
  // Unpackaged: argv is [electron, app-dir, ...]; packaged: [app, ...].
  const args = argv.slice(isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'))
  return args.length > 0 ? args[args.length - 1] : undefined
}

/** The recent list after opening `path`: newest first, no duplicates, bounded. */
export function addRecent(list: readonly string[], path: string): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, MAX_RECENT)
}
