import { describe, expect, it } from 'vitest'
import { buildReportModel } from './report-model'
import { renderReportMarkdown } from './report-markdown'
import { renderReportJson } from './report-json'
import { comparison, dockerfileAnalysis, multiAnalysis, singleAnalysis } from './testdata/models'

describe('renderReportMarkdown', () => {
  it('gives a single image summary and table with the same numbers as the picture', () => {
    const md = renderReportMarkdown(buildReportModel({ a: singleAnalysis() }))
    expect(md).toContain('### Image size: acme/web:single')
    expect(md).toContain('| Size (docker images) | 339MB |')
    expect(md).toContain('| Size, exact bytes | 339,181,134 |')
    expect(md).toContain('| ---: |')
    expect(md).toMatch(/\*\*339MB\*\* \(339,181,134 bytes/)
  })

  it('gives a comparison table A | B | B − A, contributors, advice', () => {
    const md = renderReportMarkdown(buildReportModel({ a: singleAnalysis(), b: multiAnalysis(), comparison: comparison(), dockerfile: dockerfileAnalysis() }))
    expect(md).toContain('| Size (docker images) | 339MB | 110MB | -229 MB |')
    expect(md).toContain('**acme/web:multi is 3.1x smaller than acme/web:single**')
    expect(md).toContain('| `/app/node_modules` | 180 MB | – | -180 MB |')
    expect(md).toMatch(/- \*\*npm install instead of npm ci\*\* — 60 MB \(estimated\) \(line 6\)/)
  })

  it('cannot be broken by hostile names: no raw HTML, no table-breaking pipes or newlines', () => {
    const c = comparison()
    c.contributors[0]!.path = '/a|b\n<img src=x onerror=alert(1)>`x`'
    const b = multiAnalysis()
    b.image.repoTags = ['<b>evil</b>|tag']
    const md = renderReportMarkdown(buildReportModel({ a: singleAnalysis(), b, comparison: c }))
    expect(md).not.toContain('<b>evil')
    const row = md.split('\n').find((l) => l.includes('onerror'))!
    // Paths are code spans (HTML inside is shown, not run), with a fence longer than any backtick run.
    expect(row).toContain('| `` /a\\|b <img src=x onerror=alert(1)>`x` `` |')
    expect(row.split(/(?<!\\)\|/).length).toBe(6) // 4 cells
  })
})

describe('renderReportJson', () => {
  it('is the model with raw byte counts and a schema tag', () => {
    const j = JSON.parse(renderReportJson(buildReportModel({ a: singleAnalysis() })))
    expect(j.schema).toBe('layerscope-report/1')
    expect(j.images[0].size).toBe(339_181_134)
    expect(j.layers[3].bytes).toBe(213_456_789)
  })
})
