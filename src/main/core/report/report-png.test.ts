import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildReportModel } from './report-model'
import { renderModel } from './render-report'
import { comparison, dockerfileAnalysis, multiAnalysis, registryPair, singleAnalysis } from './testdata/models'
import { decodePng, pixelDiff, pngSize } from './testdata/png'

const FONTS = join(__dirname, '../../../../resources/fonts')
const GOLDEN = join(__dirname, 'testdata/golden-compare-dark-600.png')

function pngOf(width: number, theme: 'light' | 'dark'): Buffer {
  const m = buildReportModel({ a: singleAnalysis(), b: multiAnalysis(), comparison: comparison(), dockerfile: dockerfileAnalysis(), generator: 'Layerscope test' })
  const out = renderModel(m, { format: 'png', theme, width, fontsDir: FONTS })
  expect(out.encoding).toBe('base64')
  expect(out.mime).toBe('image/png')
  return Buffer.from(out.data, 'base64')
}

describe('PNG output', () => {
  it('decodes with the asked width and the SVG height scaled', () => {
    const m = buildReportModel({ a: singleAnalysis() })
    const svg = renderModel(m, { format: 'svg', fontsDir: FONTS }).data
    const viewH = Number(/viewBox="0 0 1200 (\d+)"/.exec(svg)![1])
    for (const width of [1200, 800]) {
      const png = Buffer.from(renderModel(m, { format: 'png', width, fontsDir: FONTS }).data, 'base64')
      const d = decodePng(png)
      expect(d.width).toBe(width)
      expect(d.height).toBe(Math.round((viewH * width) / 1200))
    }
  })

  it('matches the golden image pixel for pixel within a tolerance (fonts shipped, no system fonts)', () => {
    const png = pngOf(600, 'dark')
    // Regenerate after a deliberate design change: UPDATE_GOLDEN=1 npx vitest run <this file>
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, png)
    expect(existsSync(GOLDEN)).toBe(true)
    const golden = decodePng(readFileSync(GOLDEN))
    const now = decodePng(png)
    expect(pngSize(png)).toEqual({ width: golden.width, height: golden.height })
    // Anti-aliasing may differ by a few levels across CPUs; layout or font changes move far more.
    expect(pixelDiff(now, golden, 40)).toBeLessThan(0.002)
  })

  it('tells a different picture from the golden one (the comparison can fail)', () => {
    const light = decodePng(pngOf(600, 'light'))
    const golden = decodePng(readFileSync(GOLDEN))
    expect(pixelDiff(light, golden, 40)).toBeGreaterThan(0.5)
  })

  it('renders the download figures (a registry comparison): a valid PNG that differs from the one without them', () => {
    const m = buildReportModel({ ...registryPair(), dockerfile: dockerfileAnalysis(), generator: 'Layerscope test' })
    const png = decodePng(Buffer.from(renderModel(m, { format: 'png', theme: 'dark', width: 600, fontsDir: FONTS }).data, 'base64'))
    const without = decodePng(pngOf(600, 'dark'))
    expect(png.width).toBe(600)
    expect(png.height).toBe(without.height)
    // Only the figure cards changed (five instead of four): a visible but small part of the picture.
    const diff = pixelDiff(png, without, 40)
    expect(diff).toBeGreaterThan(0.002)
    expect(diff).toBeLessThan(0.2)
  })
})
