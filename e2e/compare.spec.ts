// Compare in a real browser against the real backend and engine: open a comparison of the
// single- and multi-stage builds, read the summary, drill into a contributor, swap sides.
import { test, expect, snap } from './fixtures'
import { APP_MULTI, APP_SINGLE, buildAppImages, buildBigPair, inspectImage } from '../src/main/core/compare/testdata/compare-fixtures'
import { formatBytes } from '../src/shared/format'

const BIG = { baseMB: 50, sideMB: 300 }
test.beforeAll(async () => {
  test.setTimeout(600_000)
  await buildAppImages()
  // Big enough that the export takes a few seconds (dd inside RUN; the builder caches it).
  await buildBigPair(BIG)
})

test('compare single-stage and multi-stage builds', async ({ app }) => {
  const single = inspectImage(APP_SINGLE)
  const multi = inspectImage(APP_MULTI)
  await app.getByRole('button', { name: 'Compare', exact: true }).first().click()
  await expect(app.getByTestId('compare-screen')).toBeVisible()
  await snap(app, 'compare-empty')

  // Pick both sides from the engine list.
  await app.getByTestId('pick-a').selectOption(`engine:${APP_SINGLE}`)
  await app.getByTestId('pick-b').selectOption(`engine:${APP_MULTI}`)
  await app.getByTestId('compare-run').click()
  await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })

  // Summary: sizes exactly as docker shows them, exact bytes on hover, the verdict and sentence.
  await expect(app.getByTestId('size-a')).toContainText(formatBytes(single.size))
  await expect(app.getByTestId('size-b')).toContainText(formatBytes(multi.size))
  await expect(app.getByTestId('size-a').locator('[data-bytes]')).toHaveAttribute('data-bytes', String(single.size))
  await expect(app.getByTestId('verdict')).toContainText(/multi is \d+(\.\d)?x smaller/)
  await expect(app.getByTestId('sentence')).toContainText('/usr/lib/gcc/x86_64-linux-gnu/12')
  await expect(app.getByTestId('layer-shared')).toHaveCount(1)
  await expect(app.getByTestId('layer-different')).toHaveCount(4)
  await expect(app.getByTestId('treemap')).toBeVisible()
  await app.waitForTimeout(300)
  await snap(app, 'compare-summary')
  await app.getByTestId('layer-table').scrollIntoViewIfNeeded()
  await snap(app, 'compare-layers')

  // Drill into the biggest contributor: breadcrumbs follow, files show.
  await app.getByTestId('contributor').first().click()
  await expect(app.getByTestId('crumbs')).toContainText('12')
  await expect(app.locator('[data-testid=contributor][data-path="/usr/lib/gcc/x86_64-linux-gnu/12/cc1"]')).toBeVisible()
  await app.getByTestId('contributors').scrollIntoViewIfNeeded()
  await snap(app, 'compare-drilled')
  await app.getByTestId('crumbs').getByRole('button', { name: '/' }).click()
  await expect(app.locator('[data-testid=contributor][data-path="/usr/lib/gcc/x86_64-linux-gnu/12"]')).toBeVisible()

  // Swap sides: A is now multi, and it reads bigger.
  await app.getByTestId('swap').click()
  await expect(app.getByTestId('verdict')).toContainText(/single is \d+(\.\d)?x bigger/, { timeout: 60_000 })
  await expect(app.getByTestId('size-a')).toContainText(formatBytes(multi.size))
  await app.getByTestId('compare-picker').scrollIntoViewIfNeeded()
  await snap(app, 'compare-swapped')

  // Jump to one side's own image view.
  await app.getByTestId('open-b').click()
  await expect(app.getByTestId('compare-screen')).toHaveCount(0)
})

test('compare in the dark theme and a missing side', async ({ app }) => {
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.getByRole('button', { name: 'Compare', exact: true }).first().click()
  await app.getByTestId('pick-a').selectOption(`engine:${APP_SINGLE}`)
  await app.getByTestId('pick-b').selectOption(`engine:${APP_MULTI}`)
  await app.getByTestId('compare-run').click()
  await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })
  await app.waitForTimeout(300)
  await snap(app, 'compare-dark')

  // An archive path that does not exist: the error names the side.
  await app.getByTestId('pick-b').selectOption('__other__')
  await app.getByRole('textbox', { name: 'Archive path or registry reference for side B' }).fill('/nonexistent/image.tar')
  await app.getByRole('button', { name: 'Use' }).click()
  await app.getByTestId('compare-run').click()
  await expect(app.getByTestId('compare-error')).toContainText('Side B')
  await snap(app, 'compare-error')
})

test('progress for both sides while opening, and Cancel', async ({ app }) => {
  const { a, b } = await buildBigPair(BIG) // built in beforeAll: only looked up here
  await app.getByRole('button', { name: 'Compare', exact: true }).first().click()
  await app.getByTestId('pick-a').selectOption(`engine:${a}`)
  await app.getByTestId('pick-b').selectOption(`engine:${b}`)
  await app.getByTestId('compare-run').click()
  const progress = app.getByTestId('compare-progress')
  await expect(progress).toBeVisible()
  await expect(progress.getByTestId('progress')).toHaveCount(2)
  await expect(progress).toContainText(/export|waiting|cache/i)
  await app.waitForTimeout(700)
  await snap(app, 'compare-progress')
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(app.getByTestId('compare-cancelled')).toBeVisible({ timeout: 60_000 })
  await snap(app, 'compare-cancelled')
})
