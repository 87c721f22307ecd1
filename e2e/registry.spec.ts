// Registry images in a real browser against the real backend and a real registry (Debian's
// docker-registry): open one from a registry, list the repository's tags, pick two and
// compare them, export the report. No engine pull, no docker save.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, launchChromium, snap, startServe } from './fixtures'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../scripts/test-env/registry'
import { formatBytes } from '../src/shared/format'
import { svgTexts } from '../src/main/core/report/testdata/svg-texts'

const skip = registrySkipReason()
const PREFIX = 'layerscope-test/e2e-registry'
const DF1 = `FROM ${BASE_IMAGE}
RUN mkdir -p /app && dd if=/dev/zero of=/app/data.bin bs=1k count=300 && seq 1 3000 > /app/seq.txt
`
const DF2 = `${DF1}RUN dd if=/dev/zero of=/app/more.bin bs=1k count=700 && rm /app/seq.txt
`
let reg: TestRegistry

test.describe('registry', () => {
  test.skip(!!skip, skip ?? '')

  test.beforeAll(async () => {
    test.setTimeout(300_000)
    await ensureBaseImage()
    buildImage(`${PREFIX}:1`, DF1)
    buildImage(`${PREFIX}:2`, DF2)
    reg = await startRegistry()
    await pushImage(`docker-daemon:${PREFIX}:1`, reg.host, 'e2e/app:1')
    await pushImage(`docker-daemon:${PREFIX}:2`, reg.host, 'e2e/app:2')
  })

  test.afterAll(async () => {
    await reg?.stop()
    removeTestImages(PREFIX)
  })

  test('open from a registry, pick two tags, compare, export the report', async ({ app }) => {
    const m = (await skopeoRawManifest(reg.host, 'e2e/app:2')).json as { config: { size: number }; layers: Array<{ size: number }> }
    const download = m.layers.reduce((s, l) => s + l.size, 0) + m.config.size

    await app.getByTestId('open-registry-toggle').click()
    await app.getByTestId('registry-ref').fill(`registry://${reg.host}/e2e/app:2`)
    await app.getByTestId('registry-open').click()
    await expect(app.getByTestId('stat-download')).toContainText(formatBytes(download), { timeout: 120_000 })
    await expect(app.getByTestId('layers-table')).toContainText('Download')
    await expect(app.getByTestId('image-source')).toHaveText('registry')
    await snap(app, 'registry-image')

    // Back to the list: the repository's tags, tick two, compare.
    await app.getByTestId('nav-images').click()
    await app.getByTestId('open-registry-toggle').click()
    await app.getByTestId('registry-ref').fill(`registry://${reg.host}/e2e/app`)
    await app.getByTestId('registry-list-tags').click()
    await expect(app.getByTestId('registry-tags')).toContainText('2 tags')
    await app.getByTestId('registry-tag-1').check()
    await app.getByTestId('registry-tag-2').check()
    await snap(app, 'registry-tags')
    await app.getByTestId('registry-compare').click()
    await expect(app.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 })
    await expect(app.getByTestId('deltas')).toContainText('Download B − A')
    await expect(app.getByTestId('layer-shared').first()).toBeVisible()
    await snap(app, 'registry-compare')

    const exportButton = app.getByTestId('report-export')
    await exportButton.getByRole('button', { name: 'Export report' }).click()
    const [svg] = await Promise.all([app.waitForEvent('download'), app.getByRole('menuitem', { name: /Download SVG/ }).click()])
    const texts = svgTexts(readFileSync((await svg.path())!, 'utf8'))
    expect(texts).toContain('Where the difference comes from')
  })

  test('the "Plain HTTP allowed for" setting: set in the app, saved by the backend, used to open an image', async () => {
    // serve with a config folder of its own: the setting lands in <it>/layerscope/settings.json.
    const configHome = mkdtempSync(join(tmpdir(), 'layerscope-e2e-config-'))
    const settingsFile = join(configHome, 'layerscope', 'settings.json')
    const served = await startServe({ XDG_CONFIG_HOME: configHome })
    const browser = await launchChromium()
    const host = `localhost:${reg.port}`
    try {
      const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage()
      await page.goto(served.url)
      await page.getByTestId('open-registry-toggle').click()
      const setting = page.getByTestId('plain-http')
      await setting.locator('summary').click()
      await expect(setting).toContainText('travel in plain text')

      // A URL is refused with the backend's words, and nothing is saved.
      await page.getByTestId('plain-http-host').fill(`http://${host}/v2`)
      await page.getByTestId('plain-http-add').click()
      await expect(page.getByTestId('plain-http-error')).toHaveText(`"http://${host}/v2" has a scheme: write the host only, e.g. ${host}.`)
      expect(() => readFileSync(settingsFile)).toThrow(/ENOENT/)

      await page.getByTestId('plain-http-host').fill(host.toUpperCase())
      await page.getByTestId('plain-http-add').click()
      await expect(page.getByTestId('plain-http-list')).toContainText(host)
      await expect(page.getByTestId('plain-http-error')).toHaveCount(0)
      await expect(setting.locator('summary')).toContainText(`Plain HTTP allowed for (1)${host}`)
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ insecureRegistries: [host] })
      await snap(page, 'registry-plain-http')

      // Open an image from the host named in the setting (the backend reads it over http://).
      const m = (await skopeoRawManifest(reg.host, 'e2e/app:1')).json as { config: { size: number }; layers: Array<{ size: number }> }
      await page.getByTestId('registry-ref').fill(`registry://${host}/e2e/app:1`)
      await page.getByTestId('registry-open').click()
      await expect(page.getByTestId('stat-download')).toContainText(formatBytes(m.layers.reduce((s, l) => s + l.size, 0) + m.config.size), { timeout: 120_000 })

      // A reload reads the setting back from the backend; Remove takes it out of the file.
      await page.goto(served.url)
      await page.getByTestId('nav-images').click() // the reload comes back to the image view
      await page.getByTestId('open-registry-toggle').click()
      await page.getByTestId('plain-http').locator('summary').click()
      await expect(page.getByTestId('plain-http-list')).toContainText(host)
      await page.getByTestId(`plain-http-remove-${host}`).click()
      await expect(page.getByTestId('plain-http-list')).toHaveCount(0)
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ insecureRegistries: [] })
    } finally {
      await browser.close()
      await served.stop()
      rmSync(configHome, { recursive: true, force: true })
    }
  })
})
