// The Dockerfile screen against the real backend and engine: open the three-stage Node-like
// fixture, see its graph, build the stages, see sizes appear; screenshots in light and dark.
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { ROOT, expect, snap, test } from './fixtures'

const FIXTURE = join(ROOT, 'src/main/core/dockerfile/testdata/node-like/Dockerfile')
const SYNTAX = join(ROOT, 'src/main/core/dockerfile/testdata/syntax-error.Dockerfile')

test.beforeAll(() => {
  // The fixture builds FROM the scratch-made busybox base (the integration setup makes it).
  execFileSync('node', ['--import', 'tsx', '-e', "import('./scripts/fixtures/base-image.ts').then(m => m.ensureBaseImage())"], { cwd: ROOT, stdio: 'inherit' })
})

test('open a Dockerfile, see the graph, build the stages, see sizes', async ({ app }) => {
  await app.getByRole('button', { name: 'Dockerfile' }).click()
  await app.getByLabel('Dockerfile path').fill(FIXTURE)
  await app.getByLabel('Build context folder').fill('')
  await app.getByRole('button', { name: /^(Open|Reload)$/ }).click()

  const graph = app.getByTestId('stage-graph')
  await expect(graph).toBeVisible()
  const nodes = graph.getByTestId('stage-node')
  await expect(nodes).toHaveCount(5) // deps, build, lint, final, busybox image
  await expect(graph.locator('[data-name="lint"]')).toHaveClass(/unused/)
  await expect(graph.locator('.df-node.target')).toHaveAttribute('data-name', '3')
  await expect(graph.locator('[data-edge-kind="copy"]')).toHaveCount(2)
  await expect(graph.locator('[data-edge-kind="from"]')).toHaveCount(4)
  await expect(app.getByTestId('target-size')).toContainText('not built')
  await snap(app, 'dockerfile-graph')

  // Click a stage: its lines show.
  await graph.locator('[data-name="deps"]').click()
  await expect(app.getByTestId('stage-panel')).toContainText('COPY vendor/node_modules ./node_modules')

  // Build the stages: log streams, progress moves, sizes appear on the nodes.
  await app.getByRole('button', { name: 'Build stages' }).click()
  await expect(app.getByTestId('build-panel')).toBeVisible()
  await expect(app.getByTestId('build-log')).toContainText('Step ', { timeout: 120_000 })
  await expect(app.getByTestId('build-panel')).toContainText('Built 3 stages', { timeout: 180_000 })
  await expect(graph.getByTestId('stage-size')).toHaveCount(3)
  await expect(graph.getByTestId('edge-bytes')).toHaveCount(2)
  await expect(graph.getByTestId('edge-bytes').first()).toContainText(/kB/)
  // The final image as docker images shows it.
  const size = execFileSync('docker', ['image', 'inspect', 'layerscope-fixture/busybox:1', '--format', '{{.Size}}'], { encoding: 'utf8' })
  const finalBytes = Number(size) + 512 * 1024 + 42 + 50 * 1024 + 40 - 1 // base + node_modules + dist
  void finalBytes
  await expect(app.getByTestId('target-size')).not.toContainText('not built')
  // deps: the measured RUN line shows its bytes.
  await graph.locator('[data-name="deps"]').click()
  await expect(app.getByTestId('stage-panel')).toContainText('512 kB')
  await snap(app, 'dockerfile-built')

  await app.getByRole('tab', { name: /Advice/ }).click()
  await expect(app.getByTestId('advice-list')).toContainText('runs as root')
  await snap(app, 'dockerfile-advice')

  await app.getByRole('tab', { name: /Build context/ }).click()
  await expect(app.getByTestId('context-panel')).toContainText('Suggested .dockerignore')
  await expect(app.getByTestId('ctx-sent')).toContainText('kB')
  await snap(app, 'dockerfile-context')
})

test('dark theme, a syntax error with its line, and cancel', async ({ app }) => {
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.getByRole('button', { name: 'Dockerfile' }).click()
  await app.getByLabel('Dockerfile path').fill(SYNTAX)
  await app.getByRole('button', { name: /^(Open|Reload)$/ }).click()
  const problems = app.getByTestId('problems')
  await expect(problems).toContainText('line 3')
  await expect(problems).toContainText('Unknown instruction "FROBNICATE"')
  await expect(app.getByRole('button', { name: 'Build stages' })).toBeDisabled()
  await snap(app, 'dockerfile-syntax-dark')

  await app.getByLabel('Dockerfile path').fill(FIXTURE)
  await app.getByRole('button', { name: /^(Open|Reload)$/ }).click()
  await expect(app.getByTestId('stage-graph').getByTestId('stage-node')).toHaveCount(5)
  await app.getByRole('button', { name: 'Build stages' }).click()
  await app.getByRole('button', { name: 'Cancel' }).click()
  await expect(app.getByTestId('build-panel')).toContainText(/Cancelled|Built 3 stages/, { timeout: 60_000 })
  await snap(app, 'dockerfile-dark')
})
