import { describe, expect, it } from 'vitest'
import { buildReportModel, foldRows, ratioHeadline, wasteWhy, type ReportLayerRow } from './report-model'
import { comparison, dockerfileAnalysis, multiAnalysis, singleAnalysis } from './testdata/models'

describe('buildReportModel', () => {
  it('describes one image with its exact sizes, layers, directories and waste', () => {
    const a = singleAnalysis()
    const m = buildReportModel({ a, directories: [{ path: '/usr', bytes: 10, files: 1 }, { path: '/app', bytes: 300, files: 2 }] })
    expect(m.kind).toBe('image')
    expect(m.title).toBe('acme/web:single')
    expect(m.images[0]!.size).toBe(339_181_134)
    expect(m.images[0]!.baseLayers).toBe(1)
    expect(m.layers.map((l) => l.kind)).toEqual(['base', 'own', 'own', 'own', 'own'])
    expect(m.layers.map((l) => l.bytes)).toEqual(a.layers.map((l) => l.contentBytes))
    expect(m.directories.map((d) => d.path)).toEqual(['/app', '/usr'])
    expect(m.directories[0]!.share).toBeCloseTo(300 / a.final.bytes)
    // Largest wasted path first, each with its reason in words.
    expect(m.waste[0]!.top[0]!.path).toContain('/var/lib/apt/lists')
    expect(m.waste[0]!.top[0]!.why).toBe('deleted in #4')
    expect(m.advice).toEqual([])
    expect(m.stageGraph).toBeUndefined()
  })

  it('describes a comparison: shared and own layers, ratio, contributors, both wastes', () => {
    const m = buildReportModel({ a: singleAnalysis(), b: multiAnalysis(), comparison: comparison() })
    expect(m.kind).toBe('compare')
    expect(m.comparison!.deltaBytes).toBe(110_412_345 - 339_181_134)
    expect(m.comparison!.ratio).toBeCloseTo(339_181_134 / 110_412_345)
    expect(m.comparison!.headline).toBe('acme/web:multi is 3.1x smaller than acme/web:single')
    expect(m.comparison!.headlineAB).toBe('B is 3.1x smaller than A')
    expect(m.comparison!.sharedLayers).toBe(1)
    expect(m.layers.map((l) => [l.label, l.kind])).toEqual([
      ['#0', 'shared'],
      ['A#1', 'onlyA'],
      ['A#2', 'onlyA'],
      ['A#3', 'onlyA'],
      ['A#4', 'onlyA'],
      ['B#1', 'onlyB']
    ])
    expect(m.directories[0]).toMatchObject({ path: '/app/node_modules', delta: -180_000_000, status: 'onlyA' })
    expect(m.waste.map((w) => w.label)).toEqual(['A', 'B'])
  })

  it('needs the comparison for a two-image report', () => {
    expect(() => buildReportModel({ a: singleAnalysis(), b: multiAnalysis() })).toThrow(/Comparison/)
  })

  it('takes the stage graph and the costliest advice first from a Dockerfile', () => {
    const m = buildReportModel({ a: singleAnalysis(), dockerfile: dockerfileAnalysis() })
    expect(m.stageGraph?.target).toBe('runtime')
    expect(m.advice.map((a) => a.id)).toEqual(['npm-install', 'apt-lists', 'root-user'])
  })
})

describe('foldRows', () => {
  const rows: ReportLayerRow[] = Array.from({ length: 20 }, (_, i) => ({ label: `#${i}`, kind: 'own', bytes: i * 10, createdBy: `step ${i}` }))
  it('keeps the largest rows in order and folds the rest into one row with their total', () => {
    const f = foldRows(rows, 5)
    expect(f.map((r) => r.label)).toEqual(['#16', '#17', '#18', '#19', '+16'])
    expect(f[4]!.bytes).toBe(rows.slice(0, 16).reduce((s, r) => s + r.bytes, 0))
    expect(f.reduce((s, r) => s + r.bytes, 0)).toBe(rows.reduce((s, r) => s + r.bytes, 0))
  })
  it('leaves short lists alone', () => expect(foldRows(rows.slice(0, 3), 5)).toHaveLength(3))
})

describe('words', () => {
  it('says which way and how much', () => {
    expect(ratioHeadline('a', 'b', 100, 50)).toBe('b is 2.0x smaller than a')
    expect(ratioHeadline('a', 'b', 50, 100)).toBe('b is 2.0x bigger than a')
    expect(ratioHeadline('a', 'b', 5, 5)).toBe('b is the same size as a')
    expect(ratioHeadline('a', 'b', 0, 5)).toBe('b is bigger than a')
  })
  it('explains waste reasons', () => {
    expect(wasteWhy({ reason: 'overwritten', byLayerIndex: 3 })).toBe('overwritten in #3')
    expect(wasteWhy({ reason: 'metadata-only', byLayerIndex: 2 })).toBe('chmod/chown copy in #2')
  })
})
