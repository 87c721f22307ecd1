// History in a real browser against the real backend and engine: a local repository's tags
// (the history fixtures: a dependency added and removed, a base change, a toolchain leak),
// the chart, the jumps with their causes, and one click from a jump to its compare.
import { test, expect, snap } from './fixtures'
import { HISTORY_REPO, HISTORY_TAGS, TOOLCHAIN_DIR, buildHistoryImages, engineFigures } from '../src/main/core/history/testdata/history-fixtures'
import { formatBytes, formatDelta } from '../src/shared/format'

test.beforeAll(async () => {
  test.setTimeout(600_000)
  await buildHistoryImages()
})

test('history of a local repository, and a jump opened as a compare', async ({ app }) => {
  const size = (t: string): number => engineFigures(`${HISTORY_REPO}:${t}`).size
  await app.getByRole('button', { name: 'History', exact: true }).first().click()
  await expect(app.getByTestId('history-screen')).toBeVisible()
  await expect(app.getByTestId('history-empty')).toBeVisible()

  await app.getByRole('textbox', { name: 'Repository' }).fill(HISTORY_REPO)
  await app.getByRole('button', { name: 'Show history' }).click()
  await expect(app.getByTestId('history-chart')).toBeVisible({ timeout: 60_000 })
  await expect(app.getByTestId('history-screen')).toContainText(`${HISTORY_TAGS.length} tags by created time`)

  // The jumps, exact against the engine's sizes, the toolchain first.
  const jumps = app.getByTestId('history-jumps').locator('li')
  await expect(jumps).toHaveCount(3, { timeout: 120_000 })
  await expect(jumps.first()).toContainText(`1.4.0: ${formatDelta(size('1.4.0') - size('1.3.0'))}, ${TOOLCHAIN_DIR}/cc1: the build toolchain reached the final stage`)
  await expect(app.getByTestId('history-jumps')).toContainText('/opt/dep/libdep.so: added')
  await expect(app.getByTestId('history-jumps')).toContainText('/opt/dep/libdep.so: removed')
  await expect(app.getByTestId('history-steps').locator('tbody tr')).toHaveCount(HISTORY_TAGS.length - 1)
  await expect(app.getByTestId('history-steps')).toContainText('base layers changed')
  await snap(app, 'history')

  // One click: the step's compare, with the engine's sizes on both sides.
  await jumps.first().getByRole('button', { name: /Open the compare of 1\.3\.0 and 1\.4\.0/ }).click()
  await expect(app.getByTestId('compare-screen')).toBeVisible()
  await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })
  await expect(app.getByTestId('size-a')).toContainText(formatBytes(size('1.3.0')))
  await expect(app.getByTestId('size-b')).toContainText(formatBytes(size('1.4.0')))
  await expect(app.getByTestId('sentence')).toContainText(TOOLCHAIN_DIR)
})

test('history of a repository the engine does not have says so', async ({ app }) => {
  await app.getByRole('button', { name: 'History', exact: true }).first().click()
  await app.getByRole('textbox', { name: 'Repository' }).fill('layerscope-test/history-none')
  await app.getByRole('button', { name: 'Show history' }).click()
  await expect(app.getByTestId('history-screen')).toContainText('The engine has no tags of layerscope-test/history-none', { timeout: 60_000 })
})
