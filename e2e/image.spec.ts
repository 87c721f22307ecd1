// The image view against images built here on the real engine: header numbers, layers,
// treemap drill-down, the file tree (filter, deleted file marked), waste, and Cancel.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatBytes, formatExactBytes } from '../src/shared/format'
import { buildImage, docker, ensureBaseImage, removeTestImages } from '../scripts/fixtures/base-image'
import type { Page } from '@playwright/test'
import { ROOT, SCREENSHOT_DIR, expect, snap, test } from './fixtures'

// Browser globals used inside page.evaluate: declared here, as this file compiles without the DOM lib.
interface BrowserDataTransfer {
  items: { add(f: unknown): void }
}
declare const document: { querySelector(sel: string): { dispatchEvent(e: unknown): boolean } | null }
declare const DataTransfer: new () => BrowserDataTransfer
declare const DragEvent: new (type: string, init: { dataTransfer: BrowserDataTransfer; bubbles: boolean; cancelable: boolean }) => unknown
declare const File: new (parts: unknown[], name: string, init: { type: string }) => unknown

const PREFIX = 'layerscope-test/ui-image'
const TAG = `${PREFIX}:1`
const BIG = `${PREFIX}-big:1`
const SAVINGS = `${PREFIX}-savings:1`

const DOCKERFILE = `FROM layerscope-fixture/busybox:1
COPY big.bin /app/big.bin
COPY data/ /app/data/
COPY app.conf /etc/app.conf
RUN rm /app/big.bin
RUN echo "version 2 of the config, longer than the first one" > /etc/app.conf
ENV MODE=production
CMD ["/bin/sh"]
`

test.beforeAll(async () => {
  await ensureBaseImage()
  buildImage(TAG, DOCKERFILE, {
    'big.bin': Buffer.alloc(900_000, 1),
    'data/one.dat': Buffer.alloc(700_000, 2),
    'data/two.dat': Buffer.alloc(500_000, 3),
    'data/three.dat': Buffer.alloc(300_000, 4),
    'app.conf': 'version 1\n'
  })
  // Removable bytes for the Savings tab: apt lists in two layers, docs, a header.
  buildImage(
    SAVINGS,
    `FROM layerscope-fixture/busybox:1
RUN mkdir -p /var/lib/apt/lists /usr/share/doc/pkg /usr/include && dd if=/dev/zero of=/var/lib/apt/lists/x bs=1k count=200 && dd if=/dev/zero of=/usr/share/doc/pkg/README bs=1k count=50 && dd if=/dev/zero of=/usr/include/foo.h bs=1k count=3
COPY app.bin /app/app.bin
RUN dd if=/dev/zero of=/var/lib/apt/lists/y bs=1k count=10
`,
    { 'app.bin': Buffer.alloc(400_000, 5) }
  )
  // Big enough that its export takes a moment: the analysis can be cancelled mid-way.
  buildImage(BIG, 'FROM layerscope-fixture/busybox:1\nRUN dd if=/dev/zero of=/big1 bs=1M count=400 && dd if=/dev/zero of=/big2 bs=1M count=400\n')
})
test.afterAll(() => {
  removeTestImages(PREFIX)
})

async function openFromList(app: Page, tag: string): Promise<void> {
  await app.getByTestId('image-filter').fill(tag)
  await app.locator(`[data-testid=image-row][data-name="${tag}"]`).click()
}

test('inspects an image: header, layers, treemap, tree, waste', async ({ app }) => {
  const inspect = JSON.parse(docker(['image', 'inspect', TAG]))[0] as { Id: string; Size: number; RootFS: { Layers: string[] } }
  await openFromList(app, TAG)
  const view = app.getByTestId('image-view')
  await expect(view).toBeVisible()

  // Header numbers against the engine.
  await expect(app.getByTestId('image-title')).toHaveText(TAG)
  await expect(app.getByTestId('image-id')).toHaveText(inspect.Id.replace('sha256:', '').slice(0, 12))
  // docker's own figure, with the space every size on screen has.
  await expect(app.getByTestId('stat-size').locator('.stat-value')).toHaveText(formatBytes(inspect.Size))
  await expect(app.getByTestId('stat-size').locator('.stat-value')).toHaveText(docker(['images', '--format', '{{.Size}}', TAG]).trim().replace(/([0-9.])([kMGTP]?B)$/, '$1 $2'))
  await expect(app.getByTestId('stat-layers').locator('.stat-value')).toHaveText(String(inspect.RootFS.Layers.length))
  // 900,000 bytes deleted and the 10-byte config overwritten are waste.
  await expect(app.getByTestId('stat-wasted').locator('.stat-value')).toHaveText('900 kB')
  await expect(app.getByTestId('treemap')).toBeVisible()
  await expect(app.locator('[data-testid=tree-row]').first()).toBeVisible()
  await snap(app, 'image-view')

  // Treemap: drill into /app by clicking its block, then back.
  const appLabel = app.locator('.tm-overlay text', { hasText: /^app/ })
  await expect(appLabel).toBeVisible()
  const box = (await appLabel.boundingBox())!
  await app.mouse.click(box.x + 4, box.y + box.height + 6)
  await expect(app.getByTestId('treemap-crumbs')).toContainText('app')
  await expect(app.locator('.tm-overlay text', { hasText: /^data/ })).toBeVisible()
  await snap(app, 'image-treemap-drilled')
  await app.getByTestId('treemap-back').click()
  await expect(app.getByTestId('treemap-crumbs')).not.toContainText('app')

  // Select the layer that deletes big.bin: its own changes show the deletion.
  const rmRow = app.locator('[data-testid=layer-row]', { hasText: 'rm /app/big.bin' })
  await rmRow.click()
  await expect(rmRow).toHaveClass(/active/)
  const rmLayer = Number(await rmRow.getAttribute('data-layer'))
  await expect(app.getByTestId('scope-bar')).toContainText(`Layer ${rmLayer}`)
  // The bar chart shows the same selection (outlined bar) — the store drives both.
  await app.locator('[data-testid=tree-row][data-path="/app"]').click()
  const deleted = app.locator('[data-testid=tree-row][data-path="/app/big.bin"]')
  await expect(deleted).toBeVisible()
  await expect(deleted.locator('[data-marker=whiteout], [data-marker=deleted]').first()).toBeVisible()
  // An ARIA tree: each row's level, open state and place among all its siblings.
  const appRow = app.locator('[data-testid=tree-row][data-path="/app"]')
  await expect(app.getByRole('tree', { name: 'Files' })).toBeVisible()
  await expect(appRow).toHaveAttribute('role', 'treeitem')
  await expect(appRow).toHaveAttribute('aria-level', '1')
  await expect(appRow).toHaveAttribute('aria-expanded', 'true')
  await expect(deleted).toHaveAttribute('aria-level', '2')
  await expect(appRow).toHaveAttribute('aria-setsize', String(await app.locator('[data-testid=tree-row][aria-level="1"]').count()))
  await expect(app.getByTestId('file-tree')).toHaveAttribute('aria-activedescendant', (await appRow.getAttribute('id'))!)
  await snap(app, 'image-layer-deleted')

  // The same layer stacked on those below: big.bin is gone, the data is there.
  await app.getByRole('radio', { name: 'Image up to this layer' }).click()
  await expect(app.locator('[data-testid=tree-row][data-path="/app/data"]')).toBeVisible()
  await expect(deleted).toHaveCount(0)
  await app.getByRole('radio', { name: "This layer's changes" }).click()

  // Keyboard: ↑ in the layer table moves the selection to the layer below.
  await app.getByTestId('layers-table').focus()
  await app.keyboard.press('ArrowUp')
  await expect(app.getByTestId('scope-bar')).toContainText(`Layer ${rmLayer - 1}`)

  // Whole image, filter the tree by path.
  await app.getByTestId('layer-row-all').click()
  await app.getByTestId('tree-filter').fill('app.conf')
  await expect(app.locator('[data-testid=tree-row][data-path="/etc/app.conf"]')).toBeVisible()
  await expect(app.getByTestId('tree-filter-count')).toContainText('1 match')
  await app.getByTestId('tree-filter').fill('')

  // Sort the tree by name, then back by size (largest first).
  const topLevel = async (): Promise<string[]> =>
    (await app.locator('[data-testid=tree-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''))).filter((p) => p.split('/').length === 2)
  await app.getByTestId('tree-sort-name').click()
  // Polled as a whole: while the tree reloads it lists nothing, and an expectation read then
  // would be the empty list.
  await expect
    .poll(async () => {
      const t = await topLevel()
      return t.length > 0 && t.join('\n') === [...t].sort().join('\n')
    })
    .toBe(true)
  expect((await topLevel())[0]).toBe('/app')
  await app.getByTestId('tree-sort-size').click()
  await expect.poll(async () => (await topLevel())[0]).toBe('/bin')

  // Waste: the deleted file, with why and the layer that pays.
  await app.getByTestId('tab-waste').click()
  const wasteRow = app.locator('[data-testid=waste-row]', { hasText: '/app/big.bin' })
  await expect(wasteRow).toContainText(`deleted in layer ${rmLayer}`)
  await expect(wasteRow).toContainText('900 kB')
  await expect(app.locator('[data-testid=waste-row]', { hasText: '/etc/app.conf' })).toContainText('overwritten in layer')
  await snap(app, 'image-waste')

  // Dark theme, same view.
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.getByTestId('tab-files').click()
  await snap(app, 'image-view-dark')
  await app.emulateMedia({ colorScheme: 'light' })

  // The last view is remembered: a reload comes back to this image (reopened from the cache).
  await app.reload()
  await expect(app.getByTestId('image-title')).toHaveText(TAG, { timeout: 60_000 })
  await expect(app.getByTestId('image-view')).toBeVisible()

  // The README screenshot.
  mkdirSync(join(ROOT, 'docs'), { recursive: true })
  copyFileSync(join(SCREENSHOT_DIR, 'image-view.png'), join(ROOT, 'docs', 'screenshot.png'))
})

test('the Savings tab names removable bytes with exact sizes, fixes and the layers that added them', async ({ app }) => {
  const tag = SAVINGS
  await openFromList(app, tag)
  await app.getByTestId('tab-savings').click()
  const apt = app.locator('[data-testid=savings-candidate][data-id=apt-lists]')
  const aptBytes = 210 * 1024
  await expect(apt).toContainText('apt package lists')
  const bytes = apt.getByTestId('savings-bytes')
  await expect(bytes).toHaveText(formatBytes(aptBytes))
  await bytes.hover()
  await expect(bytes).toHaveAttribute('title', new RegExp(`^${formatExactBytes(aptBytes)}`))
  await expect(apt).toContainText('rm -rf /var/lib/apt/lists/*')
  // Largest first: apt lists, then docs, then headers.
  await expect(app.getByTestId('savings-candidate')).toHaveCount(3)
  expect(await app.getByTestId('savings-candidate').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(['apt-lists', 'docs', 'headers'])
  await expect(app.getByTestId('savings-total')).toHaveAttribute('title', formatExactBytes(aptBytes + 50 * 1024 + 3 * 1024))
  await snap(app, 'image-savings')

  // Expand: the largest paths; clicking one selects the layer that added it.
  await apt.locator('.sv-head').click()
  const y = apt.locator('[data-testid=savings-path][data-path="/var/lib/apt/lists/y"]')
  await expect(y).toContainText(formatBytes(10 * 1024))
  await y.click()
  await expect(app.getByTestId('scope-bar')).toContainText('Layer 3')
  await snap(app, 'image-savings-open')
  await app.emulateMedia({ colorScheme: 'dark' })
  await snap(app, 'image-savings-dark')
  await app.emulateMedia({ colorScheme: 'light' })
})

test('opens a docker save archive by path and by drag-and-drop', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-e2e-archive-'))
  try {
    const tar = join(dir, 'ui-image.tar')
    docker(['save', '-o', tar, TAG])
    const layers = (JSON.parse(docker(['image', 'inspect', TAG]))[0] as { RootFS: { Layers: string[] } }).RootFS.Layers.length

    // "Open archive…" with a typed path.
    await app.getByRole('button', { name: 'Open archive…' }).click()
    await app.getByTestId('archive-path').fill(tar)
    await app.getByTestId('archive-path').press('Enter')
    await expect(app.getByTestId('image-view')).toBeVisible()
    await expect(app.getByTestId('stat-layers').locator('.stat-value')).toHaveText(String(layers))
    await expect(app.getByTestId('stat-wasted').locator('.stat-value')).toHaveText('900 kB')
    await app.getByRole('button', { name: 'Back', exact: true }).click()

    // A bad path says what is wrong.
    await app.getByRole('button', { name: 'Open archive…' }).click()
    await app.getByTestId('archive-path').fill(join(dir, 'missing.tar'))
    await app.getByTestId('archive-path').press('Enter')
    await expect(app.getByTestId('open-error')).toBeVisible()
    await snap(app, 'image-open-error')
    await app.getByRole('button', { name: 'Back to images' }).click()

    // Drag-and-drop of a file: uploaded to the server, then opened.
    const b64 = readFileSync(tar).toString('base64')
    await app.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bytes], 'dropped-image.tar', { type: 'application/x-tar' }))
      const target = document.querySelector('.drop-root')!
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, b64)
    // One name per image: the archive's repo:tag is the title; the file it came from is a chip.
    await expect(app.getByTestId('image-title')).toHaveText(TAG, { timeout: 60_000 })
    await expect(app.getByTestId('image-source')).toContainText('dropped-image.tar')
    await expect(app.getByTestId('stat-layers').locator('.stat-value')).toHaveText(String(layers))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a long analysis shows progress and can be cancelled', async ({ app }) => {
  await openFromList(app, BIG)
  const progress = app.getByTestId('progress')
  await expect(progress).toBeVisible()
  await snap(app, 'image-progress')
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(app.getByTestId('open-cancelled')).toBeVisible()
  await snap(app, 'image-cancelled')
  // Starting again works and reaches the image view.
  await app.getByRole('button', { name: 'Start again' }).click()
  await expect(app.getByTestId('image-view')).toBeVisible({ timeout: 120_000 })
})
