// Screenshots of every screen, light and dark, at 1440x900 and 1024x700, into docs/screens/
// (the README shows them). Uses the bundled samples, so it needs no engine image, except the
// image screen mid-analysis: a test image of the engine, read through a slow link.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { makeDockerfileStates } from './dockerfile-fixture'
import { ROOT, expect, launchChromium, startServe, test, type ServeHandle } from './fixtures'
import { EARLY_IMAGE, buildEarlyImage, startSlowEngine } from './slow-engine'
import { removeTestImages } from '../scripts/fixtures/base-image'

// Browser global used inside addInitScript: this file compiles without the DOM lib.
declare const localStorage: { setItem(key: string, value: string): void }

const OUT = join(ROOT, 'docs', 'screens')
const SINGLE = join(ROOT, 'resources', 'samples', 'app-single-stage.docker.tar.gz')
const MULTI = join(ROOT, 'resources', 'samples', 'app-multi-stage.oci.tar')
const DOCKERFILE = join(ROOT, 'resources', 'samples', 'Dockerfile.multi-stage')

const SIZES = [
  { name: '1440', width: 1440, height: 900 },
  { name: '1024', width: 1024, height: 700 }
] as const
const THEMES = ['light', 'dark'] as const

let serve: ServeHandle
let browser: Browser
let configHome: string
test.beforeAll(async () => {
  // The registry dialog is shown with two hosts in its "Plain HTTP allowed for" setting.
  configHome = mkdtempSync(join(tmpdir(), 'layerscope-screens-config-'))
  mkdirSync(join(configHome, 'layerscope'))
  writeFileSync(join(configHome, 'layerscope', 'settings.json'), JSON.stringify({ insecureRegistries: ['registry.lan:5000', 'build-cache.lan'] }))
  serve = await startServe({ XDG_CONFIG_HOME: configHome })
  browser = await launchChromium()
  mkdirSync(OUT, { recursive: true })
})
test.afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  if (configHome) rmSync(configHome, { recursive: true, force: true })
})

/** A page whose remembered settings and view are set before the app starts. */
async function open(theme: string, size: (typeof SIZES)[number], view: unknown, at: ServeHandle = serve): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height } })
  await context.addInitScript(
    ([t, v]) => {
      localStorage.setItem('layerscope:settings', JSON.stringify({ theme: t }))
      localStorage.setItem('layerscope:view', JSON.stringify(v))
    },
    [theme, view] as const
  )
  const page = await context.newPage()
  await page.goto(at.url)
  return page
}

async function shot(page: Page, name: string): Promise<void> {
  // Let charts finish their entry animation.
  await page.waitForTimeout(700)
  await page.screenshot({ path: join(OUT, `${name}.png`) })
  await page.context().close()
}

for (const theme of THEMES) {
  for (const size of SIZES) {
    test(`screens: ${theme} ${size.name}`, async () => {
      const suffix = `${theme}-${size.name}`

      let page = await open(theme, size, { name: 'images' })
      await expect(page.getByTestId('nav-images')).toBeVisible()
      await expect(page.getByTestId('engine-status')).toBeVisible()
      await shot(page, `images-${suffix}`)

      page = await open(theme, size, { name: 'images' })
      await page.getByTestId('open-registry-toggle').click()
      await page.getByTestId('plain-http').locator('summary').click()
      await expect(page.getByTestId('plain-http-list')).toContainText('registry.lan:5000')
      await shot(page, `registry-open-${suffix}`)

      page = await open(theme, size, { name: 'image', key: '', source: { kind: 'archive', path: SINGLE }, label: 'app-single-stage.docker.tar.gz' })
      await expect(page.getByTestId('image-view')).toBeVisible()
      await expect(page.getByTestId('treemap')).toBeVisible()
      await shot(page, `image-${suffix}`)

      // One layer's own changes: the change-coloured treemap (added, wasted, deleted).
      page = await open(theme, size, { name: 'image', key: '', source: { kind: 'archive', path: SINGLE }, label: 'app-single-stage.docker.tar.gz' })
      await page.locator('[data-testid=layer-row][data-layer="4"]').click()
      await expect(page.getByTestId('scope-bar')).toContainText('Layer 4')
      await expect(page.locator('.byte-treemap rect.tm-tile').first()).toBeVisible()
      await shot(page, `image-layer-${suffix}`)

      page = await open(theme, size, { name: 'compare', a: { kind: 'archive', path: SINGLE }, b: { kind: 'archive', path: MULTI } })
      await expect(page.getByTestId('compare-result')).toBeVisible()
      await shot(page, `compare-${suffix}`)

      page = await open(theme, size, { name: 'dockerfile' })
      await page.getByLabel('Dockerfile path').fill(DOCKERFILE)
      await page.getByLabel('Dockerfile path').press('Enter')
      await expect(page.getByTestId('stage-graph')).toBeVisible()
      await shot(page, `dockerfile-${suffix}`)
    })
  }
}

// The image screen while its layers are read: the layer list and history at once, layers
// marked as read. A fresh backend (empty cache) for each, behind a slow link to the engine.
test.describe('mid-analysis', () => {
  test.beforeAll(async () => {
    await buildEarlyImage()
  })
  test.afterAll(() => removeTestImages('layerscope-test/ui-early'))
  for (const theme of THEMES) {
    for (const size of SIZES) {
      test(`screens: image reading ${theme} ${size.name}`, async () => {
        // Slow enough (8 MB at 500 kB/s) that a read layer's files are open before the end.
        const slow = await startSlowEngine(500_000)
        const reading = await startServe({ DOCKER_HOST: slow.host })
        try {
          const page = await open(theme, size, { name: 'image', key: '', source: { kind: 'engine', ref: EARLY_IMAGE }, label: EARLY_IMAGE }, reading)
          await expect(page.locator('[data-testid=preview-layer][data-state=read]').first()).toBeVisible({ timeout: 60_000 })
          await expect(page.locator('[data-testid=preview-layer][data-state=reading]').first()).toBeVisible()
          await page.screenshot({ path: join(OUT, `image-reading-${theme}-${size.name}.png`) })
          // A read layer opened to its own files, the others still being read.
          await page.locator('[data-testid=preview-layer][data-state=read]').first().getByTestId('preview-open-layer').click()
          await expect(page.getByTestId('preview-tree-row').first()).toBeVisible()
          await expect(page.getByTestId('preview-view')).toBeVisible()
          await page.screenshot({ path: join(OUT, `image-reading-files-${theme}-${size.name}.png`) })
          await page.context().close()
        } finally {
          await reading.stop()
          await slow.close()
        }
      })
    }
  }
})

// The Dockerfile screen's states: a failed build marking its stage, the context warnings, and
// external images sized from the engine and a registry. Needs the engine (one build) and,
// for the registry node, Debian's docker-registry.
test('screens: Dockerfile with a failed build, context warnings and sized external images', async () => {
  test.setTimeout(420_000)
  const fx = await makeDockerfileStates()
  const openStates = async (theme: string, size: (typeof SIZES)[number]): Promise<Page> => {
    const page = await open(theme, size, { name: 'dockerfile' })
    await page.getByLabel('Dockerfile path').fill(fx.dockerfile)
    await page.getByLabel('Dockerfile path').press('Enter')
    await expect(page.getByTestId('stage-graph')).toBeVisible()
    return page
  }
  try {
    // One build through the served backend: it keeps the failed run as the last measurement,
    // so every page below opens to the failed stage and the sizes measured before it.
    const first = await openStates('light', SIZES[0])
    await first.getByRole('button', { name: 'Build stages' }).click()
    await expect(first.getByTestId('build-panel')).toContainText('Build failed', { timeout: 240_000 })
    await first.context().close()
    for (const theme of THEMES) {
      for (const size of SIZES) {
        const suffix = `${theme}-${size.name}`
        let page = await openStates(theme, size)
        await expect(page.locator('.df-node.failed')).toHaveAttribute('data-name', 'build')
        await page.locator('.df-node.failed').click()
        await expect(page.getByTestId('stage-failure')).toBeVisible()
        await shot(page, `dockerfile-failed-${suffix}`)
        page = await openStates(theme, size)
        await page.getByRole('tab', { name: /Build context/ }).click()
        await expect(page.getByTestId('context-warnings')).toBeVisible()
        await shot(page, `dockerfile-context-${suffix}`)
      }
    }
  } finally {
    await fx.stop()
  }
})
