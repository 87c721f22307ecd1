// Starts the real backend (`layerscope serve` from the built output) and a real Chromium.
// LAYERSCOPE_OUT selects the build folder (default out/), so parallel builds don't collide.
import { test as base, chromium, type Browser, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// package.json has "type": "module": no __dirname in ESM.
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
export const OUT_DIR = resolve(ROOT, process.env.LAYERSCOPE_OUT ?? 'out')
export const SCREENSHOT_DIR = resolve(ROOT, 'test-results', 'screenshots')

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
]

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  })
}

export interface ServeHandle {
  /** The URL with the token, as `serve` printed it. */
  url: string
  origin: string
  token: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Runs `node <out>/main/cli.js serve` with the given environment and waits for its URL. */
export async function startServe(env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<ServeHandle> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-e2e-cache-'))
  const child = spawn(process.execPath, [join(OUT_DIR, 'main', 'cli.js'), 'serve', '--port', '0', '--cache-dir', cacheDir, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`serve did not print its URL in 30 s:\n${output}`)), 30_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        res(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`serve exited with ${code}:\n${output}`))
    })
  })
  const u = new URL(url)
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    process: child,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res()
        child.once('exit', () => res())
        child.kill('SIGTERM')
      })
  }
}

/** Saves a screenshot under test-results/screenshots/<name>.png (kept by CI, looked at by people). */
export async function snap(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

/** A test with a served backend (real engine) and a page already open at its URL. */
export const test = base.extend<{ serve: ServeHandle; browser2: Browser; app: Page }>({
  // eslint-disable-next-line no-empty-pattern
  serve: async ({}, use) => {
    const s = await startServe()
    await use(s)
    await s.stop()
  },
  // eslint-disable-next-line no-empty-pattern
  browser2: async ({}, use) => {
    const b = await launchChromium()
    await use(b)
    await b.close()
  },
  app: async ({ serve, browser2 }, use) => {
    const context = await browser2.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.goto(serve.url)
    await use(page)
    await context.close()
  }
})

export { expect } from '@playwright/test'
