// The app tells the truth at a glance (issue 14): the change-mode treemap colours a block by
// what it holds in the selected layer; a comparison is never shown as current for other sides;
// the treemap, file tree and filter move together, by mouse and by keyboard. Runs on the
// bundled sample archives through the real backend (no engine build needed).
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { ROOT, expect, snap, test } from './fixtures'

async function openSample(app: Page, file: string): Promise<void> {
  await app.getByRole('button', { name: 'Open archive…' }).click()
  await app.getByTestId('archive-path').fill(join(ROOT, 'resources', 'samples', file))
  await app.getByTestId('archive-path').press('Enter')
  await expect(app.getByTestId('image-view')).toBeVisible({ timeout: 60_000 })
  await expect(app.locator('[data-testid=layer-row]').first()).toBeVisible({ timeout: 60_000 })
}

async function tileKinds(app: Page): Promise<string[]> {
  await expect(app.locator('.byte-treemap rect.tm-tile').first()).toBeVisible()
  return app.locator('.byte-treemap rect.tm-tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-change') ?? 'none'))
}

test('change colours: a base layer is drawn as added at every depth; deletions and waste are marked', async ({ app }) => {
  await openSample(app, 'app-single-stage.docker.tar.gz')
  const layer0 = app.locator('[data-testid=layer-row][data-layer="0"]')
  await layer0.click()
  await expect(app.getByTestId('scope-bar')).toContainText('Layer 0')
  const kinds = await tileKinds(app)
  // Everything a base layer holds is new in it: no grey "unchanged" block, none uncoloured.
  expect(kinds.length).toBeGreaterThan(0)
  expect(new Set(kinds)).toEqual(new Set(['added']))
  // The legend explains every mark.
  await expect(app.locator('.treemap-panel .chart-legend')).toContainText('wasted later')
  await snap(app, 'treemap-change-base-layer')

  // A layer that deletes what a lower one shipped: what it hid is drawn red (not an empty map), and
  // the lower layer's copies of those bytes are hatched as wasted.
  const rows = app.locator('[data-testid=layer-row]')
  const n = await rows.count()
  let deleting = -1
  for (let i = 0; i < n; i++) {
    await rows.nth(i).click()
    await expect(app.getByTestId('scope-bar')).toContainText(`Layer ${await rows.nth(i).getAttribute('data-layer')}`)
    await app.waitForTimeout(150)
    if ((await app.locator('.byte-treemap [data-change=deleted]').count()) > 0) {
      deleting = i
      break
    }
  }
  expect(deleting).toBeGreaterThan(0)
  await snap(app, 'treemap-change-deleting-layer')
  let wasted = 0
  for (let i = 0; i < deleting && wasted === 0; i++) {
    await rows.nth(i).click()
    await app.waitForTimeout(150)
    await expect(app.locator('.byte-treemap rect.tm-tile').first()).toBeVisible()
    wasted = await app.locator('.byte-treemap [data-mark=wasted]').count()
  }
  expect(wasted).toBeGreaterThan(0)
})

test('compare is never stale: a changed side marks the result, an empty side disables Compare', async ({ app }) => {
  await app.getByRole('button', { name: 'Compare', exact: true }).first().click()
  await expect(app.getByTestId('compare-screen')).toBeVisible()
  const run = app.getByTestId('compare-run')
  await expect(run).toBeDisabled()
  await expect(app.getByTestId('pick-a').locator('option[value^="archive:"]').first()).toBeAttached()
  const options = await app.getByTestId('pick-a').locator('option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))
  const samples = options.filter((v) => v.startsWith('archive:'))
  expect(samples.length).toBeGreaterThanOrEqual(2)
  await app.getByTestId('pick-a').selectOption(samples[0]!)
  await expect(run).toBeDisabled()
  await app.getByTestId('pick-b').selectOption(samples[1]!)
  await expect(run).toBeEnabled()
  await run.click()
  await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })
  await expect(app.getByTestId('compare-stale')).toHaveCount(0)
  await expect(run).toBeDisabled()

  // Swap B to the same sample as A: the result is marked out of date until Compare runs.
  await app.getByTestId('pick-b').selectOption(samples[0]!)
  await expect(app.getByTestId('compare-stale')).toBeVisible()
  await expect(app.getByTestId('compare-result')).toHaveAttribute('data-stale', 'true')
  await expect(run).toBeEnabled()
  // Back to the compared sides: the mark goes.
  await app.getByTestId('pick-b').selectOption(samples[1]!)
  await expect(app.getByTestId('compare-stale')).toHaveCount(0)

  // "Archive path…" empties the side: Compare cannot run with the previous one.
  await app.getByTestId('pick-b').selectOption('__other__')
  await expect(run).toBeDisabled()
  await expect(app.getByTestId('compare-stale')).toBeVisible()
  await app.getByLabel('Archive path or registry reference for side B').press('Enter')
  await expect(run).toBeDisabled()
  await expect(app.getByTestId('pick-b')).toHaveValue('')
  await snap(app, 'compare-stale')
})

test('"Compare with…" sets A to the image and leaves B to pick, and says so', async ({ app }) => {
  await openSample(app, 'app-multi-stage.oci.tar')
  await app.getByRole('button', { name: 'Compare with…' }).click()
  await expect(app.getByTestId('compare-screen')).toBeVisible()
  await expect(app.getByTestId('pick-a')).toHaveValue(/^archive:.*app-multi-stage\.oci\.tar$/)
  await expect(app.getByTestId('pick-b')).toHaveValue('')
  await expect(app.getByTestId('compare-run')).toBeDisabled()
})

test('treemap, tree and filter move together; the treemap answers arrows, Enter and Backspace', async ({ app }) => {
  await openSample(app, 'app-single-stage.docker.tar.gz')
  const map = app.getByTestId('treemap')
  await expect(app.locator('.byte-treemap rect.tm-tile').first()).toBeVisible()
  // Hover: the tooltip names the tile under the pointer and how to open its block.
  const tileBox = (await app.locator('.byte-treemap rect.tm-tile').first().boundingBox())!
  await app.mouse.move(tileBox.x + tileBox.width / 2, tileBox.y + tileBox.height / 2)
  await expect(app.locator('.tm-tip')).toBeVisible()
  await expect(app.locator('.tm-tip .chart-tip-title')).toHaveText(/^\//)
  await expect(app.locator('.tm-tip')).toContainText('Click to open')
  await app.mouse.move(0, 0)
  await expect(app.locator('.tm-tip')).toBeHidden()
  // Keyboard: focus the map, an arrow focuses a block, Enter opens it.
  await map.focus()
  await app.keyboard.press('ArrowRight')
  await expect(app.getByTestId('treemap-focus')).toBeVisible()
  const first = (await map.getAttribute('data-focused'))!
  expect(first).toMatch(/^\/[^/]+$/)
  await app.keyboard.press('ArrowDown')
  await app.keyboard.press('ArrowUp')
  await app.keyboard.press('ArrowLeft')
  const block = (await map.getAttribute('data-focused'))!
  await app.keyboard.press('Enter')
  const name = block.slice(1)
  await expect(app.getByTestId('treemap-crumbs')).toContainText(name)
  // The tree opened to the drilled folder and selected it.
  await expect(app.locator(`[data-testid=tree-row][data-path="${block}"]`)).toHaveClass(/active/)
  await snap(app, 'treemap-keyboard-drilled')
  // Backspace goes back up, and the focus returns to the block just left.
  await map.focus()
  await app.keyboard.press('Backspace')
  await expect(app.getByTestId('treemap-crumbs')).not.toContainText(name)
  await expect(map).toHaveAttribute('data-focused', block)
  await expect(map).toBeFocused()

  // Selecting in the tree outlines the block that holds the row.
  const row = app.locator('[data-testid=tree-row]').first()
  const rowPath = (await row.getAttribute('data-path'))!
  await row.click()
  await expect(app.getByTestId('treemap-mark')).toBeVisible()

  // The filter applies to both: the tree lists matches, the treemap fades what holds none.
  await app.getByTestId('tree-filter').fill(rowPath.split('/').pop()!)
  await expect(app.getByTestId('tree-filter-count')).toBeVisible()
  await expect(app.locator('.byte-treemap [data-dim=true]').first()).toBeAttached()
  const bright = await app.locator('.byte-treemap g:not([data-dim]) > rect.tm-tile').count()
  expect(bright).toBeGreaterThan(0)
  await snap(app, 'treemap-filtered')

  // Static text is no tab stop: Tab from the filter never lands on the efficiency figure.
  await expect(app.getByTestId('stat-efficiency')).not.toHaveAttribute('tabindex', '0')
  expect(await app.locator('.tip[tabindex]').count()).toBe(0)
})
