// The Dockerfile screen against the real backend and engine: open the three-stage Node-like
// fixture, see its graph, build the stages, see sizes appear; screenshots in light and dark.
import { dirname, join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ROOT, expect, snap, test } from './fixtures'

const FIXTURE = join(ROOT, 'src/main/core/dockerfile/testdata/node-like/Dockerfile')
const SYNTAX = join(ROOT, 'src/main/core/dockerfile/testdata/syntax-error.Dockerfile')

const LINKED = 'layerscope-test/dockerfile-e2e:1'

test.beforeAll(() => {
  // The fixture builds FROM the scratch-made busybox base (the integration setup makes it),
  // and an image built from it gives the layer <-> line links something to match.
  execFileSync('node', ['--import', 'tsx', '-e', "import('./scripts/fixtures/base-image.ts').then(m => m.ensureBaseImage())"], { cwd: ROOT, stdio: 'inherit' })
  execFileSync('docker', ['build', '-q', '--network', 'none', '--label', 'org.layerscope.fixture=test', '-t', LINKED, dirname(FIXTURE)], { stdio: 'ignore' })
})
test.afterAll(() => {
  execFileSync('docker', ['rmi', LINKED], { stdio: 'ignore' })
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

  // Zoom with the wheel and the buttons, then Fit again.
  const zoom = app.locator('.df-graph-tools .num')
  const fitted = await zoom.textContent()
  await graph.hover()
  await app.mouse.wheel(0, -400)
  await expect(zoom).not.toHaveText(fitted ?? '')
  await app.getByRole('button', { name: 'Fit' }).click()
  await expect(zoom).toHaveText(fitted ?? '')

  // Click a stage: its lines show.
  await graph.locator('[data-name="deps"]').click()
  await expect(app.getByTestId('stage-panel')).toContainText('RUN npm install')

  // Build the stages: log streams, progress moves, sizes appear on the nodes.
  await app.getByRole('button', { name: 'Build stages' }).click()
  await expect(app.getByTestId('build-panel')).toBeVisible()
  // BuildKit writes "[deps 1/5] ...", the legacy builder "Step 1/5 : ...": either shows the log streams.
  await expect(app.getByTestId('build-log')).toContainText(/\[deps \d+\/\d+\]|Step \d+\/\d+ :/, { timeout: 120_000 })
  await expect(app.getByTestId('build-panel')).toContainText('Built 3 stages', { timeout: 180_000 })
  await expect(graph.getByTestId('stage-size')).toHaveCount(3)
  await expect(graph.getByTestId('edge-bytes')).toHaveCount(2)
  await expect(graph.getByTestId('edge-bytes').first()).toContainText(/kB/)
  // The final image: the base plus what the two COPY --from bring, as docker images rounds it.
  const base = Number(execFileSync('docker', ['image', 'inspect', 'layerscope-fixture/busybox:1', '--format', '{{.Size}}'], { encoding: 'utf8' }))
  const index = statSync(join(ROOT, 'src/main/core/dockerfile/testdata/node-like/src/index.js')).size
  const modules = 19 + 23 + 500 * 1024 // what testdata/node-like/tools/npm writes
  await expect(app.getByTestId('target-size').locator('[data-bytes]')).toHaveAttribute('data-bytes', String(base + modules + 50 * 1024 + index))
  // deps: the measured RUN line shows its bytes.
  await graph.locator('[data-name="deps"]').click()
  await expect(app.getByTestId('stage-panel')).toContainText('512 kB')
  await snap(app, 'dockerfile-built')

  await app.getByRole('tab', { name: /Advice/ }).click()
  // measured advice first: the devDependencies that reach the final image, with their bytes
  await expect(app.getByTestId('advice-list').locator('li').first()).toContainText('include devDependencies')
  await expect(app.getByTestId('advice-list').locator('li').first()).toContainText('512 kB')
  await expect(app.getByTestId('advice-list').locator('li').first()).toContainText('measured')
  await expect(app.getByTestId('advice-list')).toContainText('runs as root')
  await snap(app, 'dockerfile-advice')

  await app.getByRole('tab', { name: /Build context/ }).click()
  await expect(app.getByTestId('context-panel')).toContainText('Suggested .dockerignore')
  await expect(app.getByTestId('ctx-sent')).toContainText('kB')
  await snap(app, 'dockerfile-context')

  // Layer <-> line: the history of an image built from this Dockerfile, linked to its lines.
  await app.getByRole('tab', { name: /Image layers/ }).click()
  await app.getByLabel('Image to link').fill(LINKED)
  await app.getByRole('button', { name: 'Link layers' }).click()
  const panel = app.getByTestId('links-panel')
  await expect(panel).toContainText('history steps matched to lines')
  await expect(panel.getByRole('button', { name: '20', exact: true })).toBeVisible()
  await snap(app, 'dockerfile-links')
  await panel.getByRole('button', { name: '20', exact: true }).click()
  await expect(app.getByTestId('stage-panel')).toContainText('COPY --from=deps /app/node_modules ./node_modules')
  await expect(app.locator('.df-src-line.focus')).toHaveAttribute('data-line', '20')
})

test('a three-stage Node Dockerfile: advice ranked by bytes, context with and without .dockerignore', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-e2e-node-'))
  try {
    const files: Record<string, string | number> = {
      Dockerfile: readFileSync(join(ROOT, 'src/main/core/dockerfile/testdata/node-three-stage.Dockerfile'), 'utf8'),
      'package.json': '{"name":"app"}',
      'package-lock.json': '{}',
      'src/index.js': 'console.log(1)\n',
      '.git/objects/pack/pack-1.pack': 3_000_000,
      'node_modules/left-pad/index.js': 2_000_000,
      'test/app.test.js': 40_000,
      '.env': 'TOKEN=secret\n'
    }
    for (const [rel, c] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true })
      writeFileSync(join(dir, rel), typeof c === 'number' ? Buffer.alloc(c) : c)
    }
    await app.getByRole('button', { name: 'Dockerfile' }).click()
    await app.getByLabel('Dockerfile path').fill(dir)
    await app.getByLabel('Build context folder').fill('')
    await app.getByRole('button', { name: /^(Open|Reload)$/ }).click()
    await expect(app.getByTestId('stage-graph').getByTestId('stage-node')).toHaveCount(4)
    await app.getByRole('tab', { name: /Advice/ }).click()
    const items = app.getByTestId('advice-list').locator('li')
    await expect(items.first()).toContainText('Heavy runtime base node:20')
    await expect(items.first()).toContainText('estimated')
    await expect(items.nth(1)).toContainText('No .dockerignore')
    await expect(items.nth(1)).toContainText('5 MB')
    await snap(app, 'dockerfile-node-advice')
    await app.getByRole('tab', { name: /Build context/ }).click()
    await expect(app.getByTestId('ctx-all')).toContainText('5.04 MB')
    await expect(app.getByTestId('ctx-suggested')).toContainText('kB')
    await expect(app.getByTestId('context-panel')).toContainText('Secrets that would be sent')
    await expect(app.getByTestId('suggested-dockerignore')).toContainText('**/node_modules')
    await snap(app, 'dockerfile-node-context')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
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
