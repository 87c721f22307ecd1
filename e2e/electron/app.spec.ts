// The Electron front through Playwright's _electron.launch: where no Electron binary exists
// (node_modules/electron/dist missing, e.g. offline installs) these tests are skipped.
import { _electron as electron, test, expect, type ElectronApplication } from '@playwright/test'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OUT_DIR, ROOT } from '../fixtures'
import { docker } from '../../scripts/fixtures/base-image'
import type { ElectronApi } from '../../src/preload/index.d'

const DIST = join(ROOT, 'node_modules', 'electron', 'dist')
const NO_BINARY = 'Electron binary not installed: node_modules/electron/dist missing (get it with `node node_modules/electron/install.js` on a machine with internet)'

test.skip(!existsSync(DIST), NO_BINARY)

let app: ElectronApplication

/** What the page's global object offers (e2e is type-checked without DOM types). */
interface PageGlobals {
  require?: unknown
  process?: unknown
  api?: ElectronApi
  open(url: string): unknown
}

test.beforeAll(async () => {
  app = await electron.launch({
    args: [join(OUT_DIR, 'main', 'index.js'), `--user-data-dir=${mkdtempSync(join(tmpdir(), 'layerscope-electron-'))}`, '--no-sandbox'],
    cwd: ROOT,
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' }
  })
})
test.afterAll(async () => {
  await app?.close()
})

test('opens the window with the security settings on', async () => {
  const page = await app.firstWindow()
  await expect(page).toHaveTitle(/Layerscope/)
  // getLastWebPreferences exists at runtime but is missing from Electron's typings.
  const prefs = await app.evaluate(({ BrowserWindow }) =>
    (BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): unknown }).getLastWebPreferences()
  )
  expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
  // No Node in the page: only window.api from the preload.
  const globals = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals
    return { require: typeof w.require, process: typeof w.process, front: w.api?.front, perChannel: typeof w.api?.channels?.['images:list'] }
  })
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', front: 'electron', perChannel: 'function' })
  // window.open is denied.
  const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com') === null)
  expect(opened).toBe(true)
})

test('lists the images through IPC like the engine does', async () => {
  const page = await app.firstWindow()
  const r = await page.evaluate(() => (globalThis as unknown as PageGlobals).api!.call('images:list', {}))
  const status = await page.evaluate(() => (globalThis as unknown as PageGlobals).api!.call('engine:status', {}))
  if (status.result?.ok) {
    const engineIds = docker(['images', '-q', '--no-trunc']).trim().split('\n').filter(Boolean).sort()
    expect((r.result ?? []).map((i) => i.id).sort()).toEqual(engineIds)
  } else {
    expect(r.error?.code).toMatch(/^ENGINE_/)
  }
})

test('has the application menu with its accelerators', async () => {
  const items = await app.evaluate(({ Menu }) => {
    const out: Array<{ label: string; accelerator?: string }> = []
    const walk = (m: Electron.Menu | null | undefined): void => {
      for (const i of m?.items ?? []) {
        out.push({ label: i.label, ...(i.accelerator ? { accelerator: String(i.accelerator) } : {}) })
        walk(i.submenu)
      }
    }
    walk(Menu.getApplicationMenu())
    return out
  })
  expect(items).toContainEqual({ label: 'Open archive…', accelerator: 'CmdOrCtrl+O' })
  expect(items).toContainEqual({ label: 'Open Dockerfile…', accelerator: 'CmdOrCtrl+Shift+O' })
  expect(items).toContainEqual({ label: 'Export report…', accelerator: 'CmdOrCtrl+E' })
  expect(items.map((i) => i.label)).toContain('Open recent')
})

test('opens an archive passed on the command line', async () => {
  const sample = join(ROOT, 'resources', 'samples', 'app-single-stage.docker.tar.gz')
  const second = await electron.launch({
    args: [join(OUT_DIR, 'main', 'index.js'), `--user-data-dir=${mkdtempSync(join(tmpdir(), 'layerscope-electron-'))}`, '--no-sandbox', sample],
    cwd: ROOT
  })
  try {
    const page = await second.firstWindow()
    await expect(page.getByTestId('image-view')).toBeVisible({ timeout: 120_000 })
    await expect(page.getByTestId('image-source')).toContainText('app-single-stage.docker.tar.gz')
  } finally {
    await second.close()
  }
})
