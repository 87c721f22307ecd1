// The image list against the real engine, and the "engine not reachable" state.
import { join } from 'node:path'
import { docker, buildImage, ensureBaseImage, removeTestImages } from '../scripts/fixtures/base-image'
import { ROOT, expect, launchChromium, snap, startServe, test } from './fixtures'

const PREFIX = 'layerscope-test/ui-images'
const TAG = `${PREFIX}:1`
const EXTRA_TAG = `${PREFIX}:also-this`

test.beforeAll(async () => {
  await ensureBaseImage()
  buildImage(TAG, 'FROM layerscope-fixture/busybox:1\nCOPY payload.bin /opt/payload.bin\nRUN mkdir -p /data && dd if=/dev/zero of=/data/zeros bs=1k count=700\n', {
    'payload.bin': Buffer.alloc(1_234_567, 7)
  })
  docker(['tag', TAG, EXTRA_TAG])
})
test.afterAll(() => {
  removeTestImages(PREFIX)
})

test('lists the engine images with docker sizes, sorts and filters', async ({ app }) => {
  await expect(app.getByTestId('engine-status')).toContainText('Docker')
  const row = app.locator(`[data-testid=image-row]:has-text("${TAG}")`)
  await expect(row).toHaveCount(1)
  // All tags of the image show on its row.
  await expect(row).toContainText(EXTRA_TAG)
  // docker's own figure, with the space every size on screen has ("3.93 MB").
  const dockerSize = docker(['images', '--format', '{{.Size}}', TAG]).trim().replace(/([0-9.])([kMGTP]?B)$/, '$1 $2')
  await expect(row.getByTestId('image-size')).toHaveText(dockerSize)
  const inspectSize = Number(docker(['image', 'inspect', '--format', '{{.Size}}', TAG]).trim())
  await expect(row.getByTestId('image-size').locator('[data-bytes]')).toHaveAttribute('data-bytes', String(inspectSize))
  await expect(row.getByTestId('image-size').locator('[data-bytes]')).toHaveAttribute('title', new RegExp(inspectSize.toLocaleString('en-US')))
  await snap(app, 'images-list')

  // Sort by size: descending, then ascending on a second click.
  const sizes = async (): Promise<number[]> =>
    (await app.locator('[data-testid=image-row] [data-bytes]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes')))))
  await app.getByTestId('sort-size').click()
  const desc = await sizes()
  expect(desc.length).toBeGreaterThanOrEqual(2)
  expect(desc).toEqual([...desc].sort((a, b) => b - a))
  await app.getByTestId('sort-size').click()
  const asc = await sizes()
  expect(asc).toEqual([...asc].sort((a, b) => a - b))

  // Sort by name ascending: tagged images in locale order.
  await app.getByTestId('sort-name').click()
  const names = await app.locator('[data-testid=image-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''))
  const tagged = names.filter((n) => n !== '<none>:<none>')
  expect(tagged).toEqual([...tagged].sort((a, b) => a.localeCompare(b)))

  // Filter by part of a tag: only matching rows; nonsense: an empty state that says so.
  await app.getByTestId('image-filter').fill('ui-images')
  await expect(app.locator('[data-testid=image-row]')).toHaveCount(1)
  await expect(app.getByTestId('image-count')).toContainText('1 of')
  await app.getByTestId('image-filter').fill('no-such-image-anywhere')
  await expect(app.getByText('No image matches')).toBeVisible()
  await app.getByTestId('image-filter').fill('')
  await expect(app.locator('[data-testid=image-row]').first()).toBeVisible()

  // Keyboard: ↓ then Enter opens the first image.
  await app.getByTestId('image-filter').fill('ui-images')
  await app.getByTestId('image-table').focus()
  await app.keyboard.press('ArrowDown')
  await expect(row).toHaveClass(/active/)
})

test('without an engine it says why and offers the sample archives', async () => {
  const serve = await startServe({ DOCKER_HOST: 'unix:///nonexistent.sock' })
  const browser = await launchChromium()
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage()
    await page.goto(serve.url)
    const box = page.getByTestId('engine-unreachable')
    await expect(box).toBeVisible()
    await expect(box).toContainText('Engine not reachable')
    await expect(box).toContainText('/nonexistent.sock')
    await expect(page.getByTestId('engine-status')).toContainText('Engine not reachable')
    // The bundled samples are offered, each a real archive to open.
    const samples = page.getByTestId('samples').locator('.sample-card')
    await expect(samples.first()).toBeVisible()
    expect(await samples.count()).toBeGreaterThan(0)
    await expect(page.getByTestId('archive-path')).toBeVisible()
    await snap(page, 'images-engine-unreachable')
    await page.emulateMedia({ colorScheme: 'dark' })
    await snap(page, 'images-engine-unreachable-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // A sample opens without any engine: the image view with content sizes.
    await samples.first().click()
    await expect(page.getByTestId('image-view')).toBeVisible({ timeout: 120_000 })
    await expect(page.getByTestId('stat-size')).toContainText('Size (content)')
    await expect(page.getByTestId('treemap')).toBeVisible()
    await snap(page, 'images-sample-opened')

    // The Dockerfile screen says why it cannot build instead of failing in 0 s.
    await page.getByTestId('nav-dockerfile').click()
    await page.getByLabel('Dockerfile path').fill(join(ROOT, 'resources', 'samples', 'Dockerfile.multi-stage'))
    await page.getByLabel('Dockerfile path').press('Enter')
    await expect(page.getByTestId('stage-graph')).toBeVisible()
    await expect(page.getByTestId('build-stages')).toBeDisabled()
    await expect(page.getByTestId('build-blocked')).toContainText('Needs a running engine')
    await expect(page.getByTestId('build-stages')).toHaveAttribute('title', /Building needs a running engine/)
  } finally {
    await browser.close()
    await serve.stop()
  }
})
