import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HistoryJump, TagSeries } from '../../../shared/models/history'
import { PALETTES } from './report-theme'
import { axisStep, renderHistoryPng, renderHistorySvg, seriesFigures } from './history-svg'

const FONTS = join(__dirname, '../../../../resources/fonts')

const series: TagSeries = {
  repository: 'registry://127.0.0.1:5000/team/app',
  kind: 'registry',
  order: 'created',
  baseLayers: 1,
  skipped: [],
  requests: { tags: 1, manifests: 3, blobs: 3, inspects: 0 },
  tags: ['1.0', '1.1', '<b>&"x'].map((tag, i) => ({
    tag,
    ref: `registry://127.0.0.1:5000/team/app:${tag}`,
    source: { kind: 'engine', ref: tag },
    digest: `sha256:${i}`,
    downloadBytes: [10_000_000, 12_000_000, 40_000_000][i]!,
    layers: 3 + i,
    sharedWithPrevious: i === 0 ? 0 : 2,
    baseBytes: 5_000_000
  }))
}
const jump: HistoryJump = {
  index: 2,
  from: '1.1',
  to: '<b>&"x',
  a: { kind: 'engine', ref: 'a' },
  b: { kind: 'engine', ref: 'b' },
  bytes: 28_000_000,
  basis: 'download',
  baseChanged: false,
  compareBytes: 70_000_000,
  compareBasis: 'content',
  contributors: [],
  line: '<b>&"x: +28 MB, /usr/lib/gcc: the build toolchain reached the final stage',
  sentence: '',
  aKey: 'a',
  bKey: 'b'
}

describe('trend report', () => {
  it('draws a bar per tag with the base band, and the jump lines, escaped', () => {
    const svg = renderHistorySvg(series, [jump], { theme: 'dark' })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('Size over time: registry://127.0.0.1:5000/team/app')
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x: +28 MB, /usr/lib/gcc: the build toolchain reached the final stage')
    expect(svg).not.toContain('<b>')
    expect(svg).toContain('3 tags by created time, 1.0 → &lt;b&gt;&amp;&quot;x: 10 MB → 40 MB (+30 MB) download size')
    // Three bars (+ the legend's swatch) in the accent colour and three base bands, from the one theme.
    expect(svg.split(`fill="${PALETTES.dark.accent}" rx="2"`).length - 1).toBe(3 + 1)
    expect(svg.split(`fill="${PALETTES.dark.base}"/>`).length - 1).toBe(3)
    expect(svg).toContain('5 layers')
  })

  it('measures download for registry series and unpacked for engine ones; round axis steps', () => {
    expect(seriesFigures(series).map((f) => f.primary)).toEqual([10_000_000, 12_000_000, 40_000_000])
    const engine = { ...series, kind: 'engine' as const, tags: series.tags.map((t) => ({ ...t, unpackedBytes: t.downloadBytes! * 2 })) }
    expect(seriesFigures(engine).map((f) => f.primary)).toEqual([20_000_000, 24_000_000, 80_000_000])
    expect(axisStep(40_000_000)).toBe(10_000_000)
    expect(axisStep(33_000_000)).toBe(10_000_000)
    expect(axisStep(7_000)).toBe(2_000)
  })

  it('renders to PNG through resvg', () => {
    const png = renderHistoryPng(series, [jump], { fontsDir: FONTS, width: 800 })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(800)
  })
})
