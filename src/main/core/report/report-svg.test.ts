import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDelta, formatDockerSize, formatPercent, groupDigits } from '../../../shared/format'
import { buildReportModel } from './report-model'
import { renderReportSvg } from './report-svg'
import { PALETTES } from './report-theme'
import { comparison, dockerfileAnalysis, HOSTILE, multiAnalysis, registryPair, singleAnalysis } from './testdata/models'
import { svgTexts } from './testdata/svg-texts'

const single = () => buildReportModel({ a: singleAnalysis(), directories: [{ path: '/app/node_modules', bytes: 180_000_000, files: 9 }] })
const compared = () => buildReportModel({ a: singleAnalysis(), b: multiAnalysis(), comparison: comparison(), dockerfile: dockerfileAnalysis() })

describe('renderReportSvg', () => {
  it('shows the size exactly as docker prints it, with the exact bytes, and every layer size', () => {
    const texts = svgTexts(renderReportSvg(single()))
    expect(texts).toContain('339MB')
    expect(texts).toContain(formatDockerSize(339_181_134))
    expect(texts.some((t) => t.includes('339,181,134 bytes'))).toBe(true)
    for (const l of singleAnalysis().layers) expect(texts).toContain(formatBytes(l.contentBytes))
    expect(texts).toContain(formatBytes(singleAnalysis().waste.bytes))
    expect(texts.some((t) => t.includes(formatPercent(singleAnalysis().waste.efficiency)))).toBe(true)
    expect(texts).toContain('/app/node_modules')
    expect(texts).toContain('base image') // legend
  })

  it('shows both sizes, the difference, the ratio, contributors, advice and the stage graph of a comparison', () => {
    const texts = svgTexts(renderReportSvg(compared()))
    expect(texts).toContain('339MB')
    expect(texts).toContain('110MB')
    expect(texts).toContain('-229 MB')
    expect(texts.some((t) => t.includes(groupDigits(110_412_345 - 339_181_134)))).toBe(true)
    expect(texts).toContain('acme/web:multi is 3.1x smaller than acme/web:single')
    expect(texts).toContain('-180 MB')
    expect(texts).toContain('npm install instead of npm ci')
    expect(texts).toContain('runtime')
    expect(texts).toContain('target · 110 MB · 2 layers')
    expect(texts).toContain('/app/dist · 35.6 MB') // COPY --from edge label
    expect(texts).toEqual(expect.arrayContaining(['shared by A and B', 'only in A', 'only in B']))
  })

  it('escapes hostile names into text and keeps the SVG well-formed', () => {
    for (const svg of [renderReportSvg(single()), renderReportSvg(compared())]) {
      expect(svg).not.toContain('<script>')
      expect(svg).not.toContain('\u0001')
      expect(svg).toContain('&lt;script&gt;')
      // resvg refuses malformed XML: parsing proves the escaping.
      expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow()
    }
    const m = single()
    m.title = `${HOSTILE}\uD800 lone surrogate`
    const svg = renderReportSvg(m)
    expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow()
    expect(svgTexts(svg)).toContain('<script>alert("x")</script>&\uFFFD\'evil\uFFFD lone surrogate')
  })

  it('uses the app colours of the chosen theme', () => {
    expect(renderReportSvg(single(), { theme: 'light' })).toContain(PALETTES.light.bg)
    const dark = renderReportSvg(single(), { theme: 'dark' })
    expect(dark).toContain(PALETTES.dark.bg)
    expect(dark).toContain(PALETTES.dark.panel)
    expect(dark).not.toContain(PALETTES.light.bg)
  })

  it('is 1200 units wide and scales to the asked width', () => {
    const svg = renderReportSvg(single(), { width: 2400 })
    const [, w, h, vh] = /width="(\d+)" height="(\d+)" viewBox="0 0 1200 (\d+)"/.exec(svg)!
    expect(Number(w)).toBe(2400)
    expect(Number(h)).toBe(Number(vh) * 2)
  })

  it('folds long layer lists and truncates long paths and commands', () => {
    const a = singleAnalysis()
    a.layers = Array.from({ length: 30 }, (_, i) => ({ ...a.layers[1]!, index: i, contentBytes: (i + 1) * 1000, createdBy: `RUN step ${i} ${'x'.repeat(300)}` }))
    a.waste.paths[0]!.path = '/very/' + 'deep/'.repeat(80) + 'file.bin'
    const texts = svgTexts(renderReportSvg(buildReportModel({ a })))
    expect(texts).toContain('+19')
    expect(texts).toContain('19 smaller layers')
    expect(texts.some((t) => t.startsWith('RUN step 29 xxx') && t.endsWith('…'))).toBe(true)
    expect(texts.some((t) => t.startsWith('/very/deep/') && t.includes('…') && t.endsWith('file.bin'))).toBe(true)
  })

  describe('download (compressed) figures', () => {
    const registrySingle = () => buildReportModel({ a: registryPair().a })
    const registryCompare = () => buildReportModel(registryPair())

    it('a single image from a registry shows its download size, labelled, to the byte', () => {
      const texts = svgTexts(renderReportSvg(registrySingle()))
      expect(texts).toContain('DOWNLOAD · COMPRESSED')
      expect(texts).toContain(formatBytes(120_345_678))
      expect(texts).toContain('120,345,678 bytes')
      expect(texts).toContain('layer blobs + config')
      // The other figures stay, none cut short by the extra card.
      expect(texts).toContain('339MB')
      expect(texts.filter((t) => t.endsWith('…'))).toEqual(svgTexts(renderReportSvg(buildReportModel({ a: singleAnalysis() }))).filter((t) => t.endsWith('…')))
    })

    it('a comparison of two registry images shows the download delta B − A', () => {
      const texts = svgTexts(renderReportSvg(registryCompare()))
      expect(texts).toContain('DOWNLOAD B − A')
      expect(texts).toContain(formatDelta(41_000_123 - 120_345_678))
      expect(texts).toContain(`A ${formatBytes(120_345_678)} · B ${formatBytes(41_000_123)}`)
      expect(texts).toContain(`${groupDigits(41_000_123 - 120_345_678)} bytes`)
      expect(texts.filter((t) => t.endsWith('…'))).toEqual(svgTexts(renderReportSvg(compared())).filter((t) => t.endsWith('…')))
      expect(texts).toContain('-229 MB') // the size difference is still there
    })

    it('says nothing of downloads when the source does not know them (engine images), never 0', () => {
      for (const svg of [renderReportSvg(single()), renderReportSvg(compared())]) {
        const texts = svgTexts(svg)
        expect(texts.some((t) => /download/i.test(t))).toBe(false)
      }
      // One side known is not a delta.
      const a = singleAnalysis()
      a.image.downloadSize = 120_345_678
      const texts = svgTexts(renderReportSvg(buildReportModel({ a, b: multiAnalysis(), comparison: comparison() })))
      expect(texts.some((t) => /download/i.test(t))).toBe(false)
    })
  })
})
