// The Dockerfile screen's warning states against the real backend, engine and registry:
// external images sized without a build (engine inspect; a registry manifest's download size
// with its measured -slim sibling), the context panel's missing COPY source and unused big
// files, and a failed build that marks its stage while the stage before keeps its size.
import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { formatBytes } from '../src/shared/format'
import { BASE_IMAGE } from '../scripts/fixtures/base-image'
import { FAILING_RUN, makeDockerfileStates, type DockerfileStates } from './dockerfile-fixture'
import { expect, snap, test } from './fixtures'

let fx: DockerfileStates
test.beforeAll(async () => {
  test.setTimeout(300_000)
  fx = await makeDockerfileStates()
})
test.afterAll(async () => {
  await fx?.stop()
})

test('external images sized without a build; context warnings; a failed build marks its stage', async ({ app }) => {
  await app.getByRole('button', { name: 'Dockerfile' }).click()
  await app.getByLabel('Dockerfile path').fill(fx.dockerfile)
  await app.getByLabel('Build context folder').fill('')
  await app.getByRole('button', { name: /^(Open|Reload)$/ }).click()
  const graph = app.getByTestId('stage-graph')
  await expect(graph).toBeVisible()

  // The engine's image: inspect .Size, as docker images shows it.
  const size = Number(execFileSync('docker', ['image', 'inspect', BASE_IMAGE, '--format', '{{.Size}}'], { encoding: 'utf8' }))
  const local = graph.locator(`[data-name="${BASE_IMAGE}"]`)
  await expect(local.getByTestId('image-size')).toHaveText(`${formatBytes(size)} · in the engine`)
  await expect(local.getByTestId('image-size')).toHaveAttribute('data-size-kind', 'engine')
  await local.click()
  await expect(app.getByTestId('external-size')).toContainText('in the local engine, as docker images shows it')
  await expect(app.getByTestId('external-size').locator('[data-bytes]')).toHaveAttribute('data-bytes', String(size))

  // The registry's image: the manifest's download size and its -slim sibling, measured.
  if (fx.registryRef && fx.download) {
    const remote = graph.locator(`[data-name="${fx.registryRef}"]`)
    await expect(remote.getByTestId('image-size')).toHaveText(`${formatBytes(fx.download.own)} download · registry`)
    await expect(remote.getByTestId('slimmer-sibling')).toHaveCount(1)
    await expect(remote.getByTestId('slimmer-sibling')).toContainText(`/e2e/tools:1-slim ${formatBytes(fx.download.slim)} download`)
    await remote.click()
    await expect(app.getByTestId('external-siblings')).toContainText('1-slim')
    await expect(app.getByTestId('external-siblings').locator('[data-bytes]').first()).toHaveAttribute('data-bytes', String(fx.download.slim))
    await snap(app, 'dockerfile-states-registry-node')
  }

  // Context warnings: the missing COPY source names its line; the unused big files are listed biggest first.
  await expect(app.getByTestId('context-alerts')).toHaveText('2')
  await app.getByRole('tab', { name: /Build context/ }).click()
  await expect(app.getByTestId('missing-sources')).toContainText('config/app.yml')
  await expect(app.getByTestId('missing-sources')).toContainText('nothing in the context folder matches it')
  await expect(app.getByTestId('missing-sources')).toContainText('The build stops at this line.')
  await expect(app.getByTestId('unused-files').locator('li').nth(0)).toContainText('assets/demo.mp4')
  await expect(app.getByTestId('unused-files').locator('li').nth(1)).toContainText('assets/backup.tar')
  await expect(app.getByTestId('unused-files')).toContainText('2 files of 1 MB or more (4.7 MB in all) are sent')
  // and the suggested .dockerignore leaves them out
  await expect(app.getByTestId('suggested-dockerignore')).toContainText('assets/demo.mp4')
  const kept = ['Dockerfile', 'check.sh', 'notes.md'].reduce((n, f) => n + statSync(join(fx.dir, f)).size, 0)
  await expect(app.getByTestId('ctx-suggested')).toHaveText(formatBytes(kept))
  await snap(app, 'dockerfile-states-context')
  // A click on the line goes to the stage that holds it.
  await app.getByTestId('missing-sources').getByRole('button', { name: `line ${fx.lines.missingCopy}` }).click()
  await expect(app.getByTestId('stage-panel').locator(`[data-line="${fx.lines.missingCopy}"]`)).toHaveClass(/focus/)

  // Build: stage base builds, stage build fails at its RUN; the graph marks it and keeps base's size.
  await app.getByRole('button', { name: 'Build stages' }).click()
  await expect(app.getByTestId('build-panel')).toContainText('Build failed', { timeout: 180_000 })
  const failed = graph.locator('[data-name="build"]')
  await expect(failed).toHaveClass(/failed/)
  await expect(failed).toContainText(`build failed at line ${fx.lines.failing}`)
  await expect(graph.locator('[data-name="base"]').getByTestId('stage-size')).toBeVisible()
  await expect(graph.locator('[data-name="2"]').getByTestId('stage-size')).toHaveCount(0)
  // The failed stage is selected: its details show the instruction and the engine's words.
  const failure = app.getByTestId('stage-failure')
  await expect(failure).toContainText(FAILING_RUN)
  await expect(failure).toContainText(/exit code: 3|returned a non-zero code: 3/)
  await expect(failure).toContainText(`line ${fx.lines.failing}`)
  await expect(app.getByTestId('stage-panel').locator(`[data-line="${fx.lines.failing}"]`)).toHaveClass(/failed/)
  await snap(app, 'dockerfile-states-failed')

  // A reload keeps what the last build found.
  await app.getByRole('button', { name: 'Reload' }).click()
  await expect(graph.locator('[data-name="build"]')).toHaveClass(/failed/)
  await expect(graph.locator('[data-name="base"]').getByTestId('stage-size')).toBeVisible()
})
