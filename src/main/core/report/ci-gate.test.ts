import { describe, expect, it } from 'vitest'
import { evaluateGate, formatGateTable } from './ci-gate'
import { gateJunit } from './junit'
import { multiAnalysis, singleAnalysis } from './testdata/models'

describe('evaluateGate', () => {
  const img = singleAnalysis() // 339,181,134 bytes, 96.6 % efficient, 11.5 MB wasted

  it('passes when every figure is within its limit', () => {
    const r = evaluateGate({ maxSize: 400_000_000, minEfficiency: 0.9, maxWastedBytes: 20_000_000, maxWastedPercent: 0.05 }, img)
    expect(r.passed).toBe(true)
    expect(r.checks.map((c) => c.passed)).toEqual([true, true, true, true])
    expect(r.checks[0]).toMatchObject({ key: 'maxSize', actual: 339_181_134, actualText: '339MB', limitText: '≤ 400MB' })
  })

  it('fails on the limit crossed, says by what figure, and keeps the passing ones', () => {
    const r = evaluateGate({ maxSize: 300_000_000, minEfficiency: 0.99 }, img)
    expect(r.passed).toBe(false)
    expect(r.checks.map((c) => [c.key, c.passed])).toEqual([
      ['maxSize', false],
      ['minEfficiency', false]
    ])
    expect(r.checks[0]!.message).toBe('max size: 339MB is over the limit 300MB.')
    expect(r.checks[1]!.message).toBe('min efficiency: 96.6% is below the limit 99.0%.')
  })

  it('is inclusive at the limit', () => {
    expect(evaluateGate({ maxSize: img.image.size }, img).passed).toBe(true)
    expect(evaluateGate({ maxSize: img.image.size - 1 }, img).passed).toBe(false)
  })

  it("checks dive's rules against dive's figures", () => {
    const r = evaluateGate({ lowestEfficiency: 0.96, highestWastedBytes: 10_000_000, highestUserWastedPercent: 0.1 }, img)
    expect(r.checks.map((c) => [c.key, c.actual, c.passed])).toEqual([
      ['lowestEfficiency', 0.9581, false],
      ['highestWastedBytes', 14_000_000, false],
      ['highestUserWastedPercent', 0.052, true]
    ])
  })

  it('measures growth against the baseline in bytes and percent', () => {
    const base = multiAnalysis() // 110,412,345
    const grow = evaluateGate({ maxGrowthBytes: 10_000_000, maxGrowthPercent: 3 }, img, base)
    expect(grow.checks[0]).toMatchObject({ actual: 339_181_134 - 110_412_345, passed: false })
    expect(grow.checks[1]!.actual).toBeCloseTo((339_181_134 - 110_412_345) / 110_412_345)
    expect(grow.checks[1]!.passed).toBe(true)
    // Shrinking is never growth.
    expect(evaluateGate({ maxGrowthBytes: 0 }, base, img).passed).toBe(true)
  })

  it('refuses growth rules without a baseline', () => {
    expect(() => evaluateGate({ maxGrowthPercent: 0.05 }, img)).toThrow(/--baseline/)
  })
})

describe('output', () => {
  const r = evaluateGate({ maxSize: 300_000_000, minEfficiency: 0.9 }, singleAnalysis())

  it('prints an aligned table and a verdict', () => {
    const t = formatGateTable(r)
    expect(t).toContain('Image:    acme/web:single (339MB, 339,181,134 bytes)')
    const lines = t.split('\n')
    const head = lines.find((l) => l.startsWith('RULE'))!
    const row = lines.find((l) => l.startsWith('max size'))!
    expect(row).toMatch(/FAIL$/)
    // ACTUAL column right-aligned: numbers end where the header ends.
    expect(row.indexOf('339MB') + '339MB'.length).toBe(head.indexOf('ACTUAL') + 'ACTUAL'.length)
    expect(t).toContain('FAIL: 1 of 2 rules failed.')
  })

  it('writes JUnit XML with one case per rule and a failure for each failed rule', () => {
    const x = gateJunit(r, 1500)
    expect(x).toContain('<testsuites name="layerscope ci" tests="2" failures="1" errors="0" time="1.500">')
    expect((x.match(/<testcase /g) ?? []).length).toBe(2)
    expect((x.match(/<failure /g) ?? []).length).toBe(1)
    expect(x).toContain('message="max size: 339MB is over the limit 300MB."')
  })

  it('escapes hostile image names in the XML', () => {
    const img = singleAnalysis()
    img.image.repoTags = ['a"<b>&c']
    const x = gateJunit(evaluateGate({ maxSize: 1 }, img))
    expect(x).not.toContain('<b>')
    expect(x).toContain('a&quot;&lt;b&gt;&amp;c')
  })
})
