import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { addRecent, appMenuTemplate, archiveFromArgv, type MenuCommand } from './app-menu'

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const i of items) {
    if (i.label === label) return i
    if (Array.isArray(i.submenu)) {
      const hit = find(i.submenu, label)
      if (hit) return hit
    }
  }
  return undefined
}

function click(i: MenuItemConstructorOptions | undefined): void {
  ;(i?.click as unknown as () => void)()
}

describe('app menu', () => {
  const run = (sink: MenuCommand[]) => (c: MenuCommand) => sink.push(c)

  it('has the standard menus and roles on Linux and Windows, with Quit in File', () => {
    const t = appMenuTemplate({ platform: 'linux', appName: 'Layerscope', recent: [], run: () => {} })
    expect(t.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help'])
    const file = t[0]!.submenu as MenuItemConstructorOptions[]
    expect(file.some((i) => i.role === 'quit')).toBe(true)
    const roles = (t[2]!.submenu as MenuItemConstructorOptions[]).map((i) => i.role).filter(Boolean)
    expect(roles).toEqual(['reload', 'forceReload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen'])
  })

  it('has the app menu first on macOS and Close in File', () => {
    const t = appMenuTemplate({ platform: 'darwin', appName: 'Layerscope', recent: [], run: () => {} })
    expect(t[0]).toMatchObject({ label: 'Layerscope', role: 'appMenu' })
    expect((t[1]!.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'close')).toBe(true)
  })

  it('binds the accelerators and sends each command', () => {
    const got: MenuCommand[] = []
    const t = appMenuTemplate({ platform: 'linux', appName: 'Layerscope', recent: ['/imgs/a.tar', '/imgs/b.oci'], run: run(got) })
    expect(find(t, 'Open archive…')?.accelerator).toBe('CmdOrCtrl+O')
    expect(find(t, 'Open Dockerfile…')?.accelerator).toBe('CmdOrCtrl+Shift+O')
    expect(find(t, 'Export report…')?.accelerator).toBe('CmdOrCtrl+E')
    click(find(t, 'Open archive…'))
    click(find(t, 'b.oci'))
    click(find(t, 'Dark'))
    click(find(t, 'Layerscope documentation'))
    expect(got).toEqual([{ kind: 'open-archive' }, { kind: 'open-recent', path: '/imgs/b.oci' }, { kind: 'theme', theme: 'dark' }, { kind: 'help-docs' }])
  })

  it('says when there is nothing recent', () => {
    const t = appMenuTemplate({ platform: 'linux', appName: 'Layerscope', recent: [], run: () => {} })
    expect(find(t, 'No recent archives')?.enabled).toBe(false)
  })
})

describe('archiveFromArgv and addRecent', () => {
  it('finds the archive argument, skipping flags and the app itself', () => {
    expect(archiveFromArgv(['/usr/bin/electron', '/app', '--inspect', '/x/image.tar'], false)).toBe('/x/image.tar')
    expect(archiveFromArgv(['/opt/Layerscope/layerscope'], true)).toBeUndefined()
    expect(archiveFromArgv(['/opt/Layerscope/layerscope', '/y/a.tar.gz'], true)).toBe('/y/a.tar.gz')
  })
  it('keeps recent paths newest first without duplicates, bounded', () => {
    expect(addRecent(['/a', '/b'], '/b')).toEqual(['/b', '/a'])
    expect(addRecent(Array.from({ length: 10 }, (_, i) => `/${i}`), '/new')).toHaveLength(10)
  })
})
