// The image screen shows the layer list and history while the layers are still being read:
// a real engine behind a slow link (e2e/slow-engine.ts) makes the export take seconds.
import type { Browser } from '@playwright/test'
import { docker, removeTestImages } from '../scripts/fixtures/base-image'
import { expect, launchChromium, startServe, test, type ServeHandle } from './fixtures'
import { EARLY_IMAGE as TAG, buildEarlyImage, startSlowEngine, type SlowEngine } from './slow-engine'

const PREFIX = 'layerscope-test/ui-early'

let slow: SlowEngine
let serve: ServeHandle
let browser: Browser

test.beforeAll(async () => {
  await buildEarlyImage()
  // About 8 MB of export at 1.5 MB/s: several seconds of reading to watch.
  slow = await startSlowEngine(1_500_000)
  serve = await startServe({ DOCKER_HOST: slow.host })
  browser = await launchChromium()
})
test.afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  await slow?.close()
  removeTestImages(PREFIX)
})

test('the layer list and history show before the analysis ends, each layer marked as it is read', async () => {
  const page = await browser.newPage()
  await page.goto(serve.url)
  await page.getByTestId('image-filter').fill(TAG)
  await page.locator(`[data-testid=image-row][data-name="${TAG}"]`).click()
  const preview = page.getByTestId('preview-view')
  await expect(preview).toBeVisible()
  await expect(page.getByTestId('image-view')).toHaveCount(0)
  // Inspect's layers and the history's steps, in order, with the engine's step sizes.
  const inspect = JSON.parse(docker(['image', 'inspect', TAG]))[0] as { Id: string; RootFS: { Layers: string[] } }
  await expect(preview).toHaveAttribute('data-image-id', inspect.Id)
  const rows = page.getByTestId('preview-layer')
  await expect(rows).toHaveCount(inspect.RootFS.Layers.length)
  await expect(page.getByTestId('preview-table')).toContainText('ENV MODE=slow')
  await expect(rows.nth(2)).toContainText('COPY')
  await expect(rows.nth(3)).toContainText('3.15 MB')
  // A layer is marked read while the others are still being read, and the analysis not done.
  await expect(page.locator('[data-testid=preview-layer][data-state=read]').first()).toBeVisible({ timeout: 60_000 })
  expect(await page.locator('[data-testid=preview-layer][data-state=reading]').count()).toBeGreaterThan(0)
  await expect(page.getByTestId('image-view')).toHaveCount(0)
  await expect(page.getByTestId('progress-phase')).toContainText('Exporting from the engine')
  // Then the analysis replaces it.
  await expect(page.getByTestId('image-view')).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('layer-row')).toHaveCount(inspect.RootFS.Layers.length)

  // The image list marks it as analysed: at once on going back, and from the cache (by image ID) on a fresh load.
  const row = page.locator(`[data-testid=image-row][data-name="${TAG}"]`)
  await page.getByRole('button', { name: 'Back' }).first().click()
  await page.getByTestId('image-filter').fill(TAG)
  await expect(row.getByTestId('image-analysed')).toBeVisible()
  const fresh = await browser.newPage()
  await fresh.goto(serve.url)
  await fresh.getByTestId('image-filter').fill(TAG)
  await expect(fresh.locator(`[data-testid=image-row][data-name="${TAG}"]`).getByTestId('image-analysed')).toBeVisible()
  // Another image of the list, never analysed here, is not marked.
  await fresh.getByTestId('image-filter').fill('layerscope-fixture/busybox:1')
  await expect(fresh.locator('[data-testid=image-row][data-name="layerscope-fixture/busybox:1"]')).toBeVisible()
  await expect(fresh.locator('[data-testid=image-row][data-name="layerscope-fixture/busybox:1"]').getByTestId('image-analysed')).toHaveCount(0)
})

// What each layer of the early image holds as its own tar (see slow-engine.ts), by index.
const LAYER_FILE: Record<number, { path: string; size?: string }> = {
  0: { path: '/bin' },
  1: { path: '/a.bin', size: '3.15 MB' },
  2: { path: '/etc' },
  3: { path: '/b.bin', size: '3.15 MB' }
}

test('a read layer opens to its own files while the others are still being read', async () => {
  // A fresh backend (an empty cache, so every layer is read) behind a slower link: 8 MB at 400 kB/s.
  const slower = await startSlowEngine(400_000)
  const fresh = await startServe({ DOCKER_HOST: slower.host })
  try {
    const page = await browser.newPage()
    await page.goto(fresh.url)
    await page.getByTestId('image-filter').fill(TAG)
    await page.locator(`[data-testid=image-row][data-name="${TAG}"]`).click()
    const readRow = page.locator('[data-testid=preview-layer][data-state=read]').first()
    await expect(readRow).toBeVisible({ timeout: 60_000 })
    const index = Number(await readRow.getAttribute('data-layer'))
    await readRow.getByTestId('preview-open-layer').click()
    const tree = page.getByTestId('preview-layer-tree')
    await expect(tree).toHaveAttribute('data-layer', String(index))
    const want = LAYER_FILE[index]!
    const row = tree.locator(`[data-testid=preview-tree-row][data-path="${want.path}"]`)
    await expect(row).toBeVisible()
    if (want.size) await expect(row).toContainText(want.size)
    // Still mid-analysis: other layers are being read, the finished screen is not there yet.
    expect(await page.locator('[data-testid=preview-layer][data-state=reading], [data-testid=preview-layer][data-state=waiting]').count()).toBeGreaterThan(0)
    await expect(page.getByTestId('image-view')).toHaveCount(0)
    // Kinds are claimed only when every layer below is read; the note says which it is.
    const kinds = await tree.getAttribute('data-kinds')
    if (kinds === 'false') await expect(page.getByTestId('preview-tree-kinds')).toContainText('appear once')
    else await expect(row.locator('[data-marker=added]')).toBeVisible()
    // A folder opens to its children, with sizes.
    if (want.path === '/etc') {
      await row.click()
      await expect(tree.locator('[data-testid=preview-tree-row][data-path="/etc/app.conf"]')).toContainText('4 B')
    }
    // When the analysis ends the normal image screen replaces the preview.
    await expect(page.getByTestId('image-view')).toBeVisible({ timeout: 120_000 })
    await expect(page.getByTestId('preview-view')).toHaveCount(0)
  } finally {
    await fresh.stop()
    await slower.close()
  }
})
