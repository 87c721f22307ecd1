// Savings in the single-image report: the top 3 candidates where advice would go when no
// Dockerfile was given, the same numbers in the model, the SVG and the Markdown.
import { describe, expect, it } from 'vitest'
import { formatBytes } from '../../../shared/format'
import { computeSavings } from '../analysis/savings'
import { buildReportModel } from './report-model'
import { renderReportMarkdown } from './report-markdown'
import { renderReportSvg } from './report-svg'
import { HOSTILE, comparison, dockerfileAnalysis, multiAnalysis, singleAnalysis } from './testdata/models'

function withSavings(): ReturnType<typeof singleAnalysis> {
  const a = singleAnalysis()
  const f = (path: string, size: number, layer: number) => ({ path, kind: 'file' as const, size, mode: 0o644, layer })
  a.savings = computeSavings(
    [f('var/lib/apt/lists/a', 40_000_000, 2), f('var/lib/apt/lists/b', 2_000_000, 3), f('usr/share/doc/x/README', 9_000_000, 2), f('usr/include/x.h', 3_000_000, 3), f('tmp/y', 1_500_000, 4)],
    a.layerBytes,
    { bytes: a.waste.bytes, files: a.waste.pathCount, paths: [], layers: [{ layerIndex: 3, bytes: a.waste.bytes, files: a.waste.pathCount }] }
  )
  return a
}

describe('report savings', () => {
  it('takes the top 3 candidates of a single image without a Dockerfile', () => {
    const a = withSavings()
    const m = buildReportModel({ a })
    expect(m.advice).toEqual([])
    expect(m.savings!.bytes).toBe(a.savings!.bytes)
    expect(m.savings!.afterBytes).toBe(a.savings!.afterBytes)
    expect(m.savings!.top.map((c) => c.id)).toEqual(a.savings!.candidates.slice(0, 3).map((c) => c.id))
    expect(m.savings!.top.find((c) => c.id === 'apt-lists')).toMatchObject({ bytes: 42_000_000, files: 2, layers: [2, 3] })
  })

  it('leaves savings out when a Dockerfile gives advice, in comparisons, and when nothing was found', () => {
    expect(buildReportModel({ a: withSavings(), dockerfile: dockerfileAnalysis() }).savings).toBeUndefined()
    expect(buildReportModel({ a: withSavings(), b: multiAnalysis(), comparison: comparison() }).savings).toBeUndefined()
    expect(buildReportModel({ a: singleAnalysis() }).savings).toBeUndefined()
  })

  it('renders the same figures in SVG and Markdown, hostile titles escaped', () => {
    const a = withSavings()
    a.savings!.candidates[0]!.title = HOSTILE
    const m = buildReportModel({ a })
    const svg = renderReportSvg(m)
    expect(svg).toContain(`Could save ${formatBytes(a.savings!.bytes)}`)
    expect(svg).toContain(`≈ ${formatBytes(a.savings!.afterBytes)} of file content after`)
    expect(svg).not.toContain('<script>')
    const md = renderReportMarkdown(buildReportModel({ a: withSavings() }))
    expect(md).toContain(`**Could save ${formatBytes(a.savings!.bytes)}**`)
    expect(md).toMatch(/- \*\*apt package lists \(\/var\/lib\/apt\/lists\)\*\* — 42 MB in 2 files \(layers 2, 3\): End the RUN/)
  })
})
