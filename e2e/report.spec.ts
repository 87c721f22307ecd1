// Export a size report from the app in Chromium through `serve`: the menu, real downloads (PNG
// decodes at 1200 px, SVG text carries the engine's size), and an error shown inline.
import { readFileSync } from 'node:fs'
import { formatDockerSize, groupDigits } from '../src/shared/format'
import { decodePng } from '../src/main/core/report/testdata/png'
import { svgTexts } from '../src/main/core/report/testdata/svg-texts'
import { buildImage, docker, ensureBaseImage, removeTestImages } from '../scripts/fixtures/base-image'
import type { Page } from '@playwright/test'
import { expect, snap, test } from './fixtures'

const PREFIX = 'layerscope-test/ui-report'
const TAG = `${PREFIX}:1`
const TAG_B = `${PREFIX}:2`

test.beforeAll(async () => {
  await ensureBaseImage()
  buildImage(
    TAG,
    'FROM layerscope-fixture/busybox:1\nCOPY data.bin /app/data.bin\nCOPY tmp.bin /tmp/tmp.bin\nRUN rm /tmp/tmp.bin\n',
    { 'data.bin': Buffer.alloc(600_000, 7), 'tmp.bin': Buffer.alloc(400_000, 8) }
  )
  buildImage(TAG_B, 'FROM layerscope-fixture/busybox:1\nCOPY data.bin /app/data.bin\n', { 'data.bin': Buffer.alloc(200_000, 9) })
})
test.afterAll(() => removeTestImages(PREFIX))

async function openImage(app: Page): Promise<void> {
  await app.getByTestId('image-filter').fill(TAG)
  await app.locator(`[data-testid=image-row][data-name="${TAG}"]`).click()
  await expect(app.getByTestId('image-view')).toBeVisible()
}

test('exports the image report as PNG and SVG downloads', async ({ app }) => {
  const size = Number(docker(['image', 'inspect', '--format', '{{.Size}}', TAG]).trim())
  await openImage(app)
  const trigger = app.getByTestId('report-export').getByRole('button', { name: 'Export report' })
  await expect(trigger).toBeEnabled()
  await trigger.click()
  const menu = app.getByRole('menu', { name: 'Export report' })
  await expect(menu).toBeVisible()
  // The browser front downloads; the desktop-only "Copy PNG" is not offered.
  await expect(menu.getByRole('menuitem')).toHaveCount(4)
  await expect(menu.getByRole('menuitem', { name: /Copy PNG/ })).toHaveCount(0)
  await snap(app, 'report-export-menu')

  const [png] = await Promise.all([app.waitForEvent('download'), menu.getByRole('menuitem', { name: /Download PNG/ }).click()])
  expect(png.suggestedFilename()).toBe('layerscope-layerscope-test-ui-report-1.png')
  const decoded = decodePng(readFileSync((await png.path())!))
  expect(decoded.width).toBe(1200)
  expect(decoded.height).toBeGreaterThan(500)
  await expect(app.getByTestId('report-export').getByRole('status')).toContainText('Downloaded layerscope-layerscope-test-ui-report-1.png')

  await trigger.click()
  const [svg] = await Promise.all([app.waitForEvent('download'), app.getByRole('menuitem', { name: /Download SVG/ }).click()])
  const texts = svgTexts(readFileSync((await svg.path())!, 'utf8'))
  expect(texts).toContain(formatDockerSize(size))
  expect(texts).toContain(`${groupDigits(size)} bytes`)
  expect(texts).toContain('400 kB') // the deleted file is waste
})

test('Escape closes the menu; a failing export says why inline', async ({ app }) => {
  await openImage(app)
  const trigger = app.getByTestId('report-export').getByRole('button', { name: 'Export report' })
  await trigger.click()
  await expect(app.getByRole('menu', { name: 'Export report' })).toBeVisible()
  await app.keyboard.press('ArrowDown')
  await app.keyboard.press('Escape')
  await expect(app.getByRole('menu', { name: 'Export report' })).toHaveCount(0)

  // Ask the real backend for a report of an analysis it does not have: its message shows inline.
  await app.route('**/api/call/report:render', (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>
    return route.continue({ postData: JSON.stringify({ ...body, a: 'no-such-analysis' }) })
  })
  await trigger.click()
  await app.getByRole('menuitem', { name: /Download PNG/ }).click()
  const alert = app.getByTestId('report-export').getByRole('alert')
  await expect(alert).toContainText('no-such-analysis')
  await snap(app, 'report-export-error')
  await alert.getByRole('button', { name: 'Dismiss' }).click()
  await expect(app.getByTestId('report-export').getByRole('alert')).toHaveCount(0)
  await app.unrouteAll({ behavior: 'ignoreErrors' })
})

test('exports a comparison report from the compare screen', async ({ app }) => {
  const sizeA = Number(docker(['image', 'inspect', '--format', '{{.Size}}', TAG]).trim())
  const sizeB = Number(docker(['image', 'inspect', '--format', '{{.Size}}', TAG_B]).trim())
  await app.getByRole('button', { name: 'Compare', exact: true }).first().click()
  await expect(app.getByTestId('compare-screen')).toBeVisible()
  await app.getByTestId('pick-a').selectOption(`engine:${TAG}`)
  await app.getByTestId('pick-b').selectOption(`engine:${TAG_B}`)
  await app.getByTestId('compare-run').click()
  await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })
  const exportButton = app.getByTestId('report-export')
  await expect(exportButton).toBeVisible()
  await exportButton.getByRole('button', { name: 'Export report' }).click()
  const [svg] = await Promise.all([app.waitForEvent('download'), app.getByRole('menuitem', { name: /Download SVG/ }).click()])
  expect(svg.suggestedFilename()).toBe('layerscope-layerscope-test-ui-report-1-vs-layerscope-test-ui-report-2.svg')
  const texts = svgTexts(readFileSync((await svg.path())!, 'utf8'))
  expect(texts).toContain(formatDockerSize(sizeA))
  expect(texts).toContain(formatDockerSize(sizeB))
  expect(texts).toContain('Where the difference comes from')
})
