import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { drawStageGraph } from '../../../shared/stage-graph-drawing'
import { svgMarkup } from '../../../shared/svg'
import { THEMES } from '../../../shared/theme'
import { buildReportModel } from '../report/report-model'
import { renderReportSvg } from '../report/report-svg'
import { svgToPng } from '../report/svg-to-png'
import { dockerfileAnalysis, singleAnalysis } from '../report/testdata/models'
import { layoutStageGraph } from './graph-layout'
import { stageGraphBackground, stageGraphSvg } from './graph-svg'
import { parseDockerfile } from './parser'
import { buildStageGraph } from './stage-graph'

const graphOf = (name: string) => buildStageGraph(parseDockerfile(readFileSync(join(__dirname, 'testdata', name), 'utf8'))).graph

describe('stage graph SVG', () => {
  it('draws each edge kind in its own style, marks the target, greys unused stages', () => {
    const g = graphOf('run-mount.Dockerfile')
    const svg = stageGraphSvg(g, { title: 'run-mount' })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    // two mount edges, one FROM edge per stage (the legend draws <line>s, not paths)
    expect(svg.match(/<path d="M[^"]*"[^>]*marker-end="url\(#arrow-mount\)"/g)).toHaveLength(2)
    expect(svg.match(/<path d="M[^"]*"[^>]*marker-end="url\(#arrow-from\)"/g)).toHaveLength(2)
    expect(svg).toContain('stroke-dasharray="2 4"')
    expect(svg).toContain('>TARGET<')
    expect(svg).toContain('>busybox:1.36<')
    const unused = stageGraphSvg(graphOf('unused-stage.Dockerfile'))
    expect(unused).toContain('unused: cannot reach the target')
    expect(unused).toContain('opacity="0.5"')
  })

  it('escapes text and renders to PNG with the shipped fonts', () => {
    const g = buildStageGraph(parseDockerfile('FROM alpine AS a\nRUN echo "<b>&amp;"\nFROM a\n')).graph
    const svg = stageGraphSvg(g)
    expect(svg).toContain('RUN echo &quot;&lt;b&gt;&amp;amp;&quot;')
    const png = svgToPng(svg, { width: 800, fontsDir: join(__dirname, '../../../../resources/fonts'), background: stageGraphBackground() })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(800)
  })

  it('is the one drawing the report embeds: same boxes, labels, clipping and dash patterns', () => {
    const df = dockerfileAnalysis()
    df.graph.layout = layoutStageGraph(df.graph)
    const cli = stageGraphSvg(df.graph)
    for (const item of drawStageGraph(df.graph, df.graph.layout, { theme: THEMES.light }).items) expect(cli).toContain(svgMarkup(item))
    for (const theme of ['light', 'dark'] as const) {
      const report = renderReportSvg(buildReportModel({ a: singleAnalysis(), dockerfile: df }), { theme })
      const items = drawStageGraph(df.graph, df.graph.layout, { theme: THEMES[theme], idPrefix: 'sg-' }).items
      expect(items.length).toBe(df.graph.nodes.length + df.graph.edges.length)
      for (const item of items) expect(report).toContain(svgMarkup(item))
    }
  })
})
