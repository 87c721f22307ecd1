// .dive-ci read and gated exactly as dive reads it (wagoodman/dive: options/ci.go reads the file
// with yaml.v3 over DefaultCIRules; command/ci/rules.go parses with strconv.ParseFloat and
// go-humanize's ParseBytes). The files below are dive's own (.data/.dive-ci,
// testdata/default-ci-config/.dive-ci, testdata/config/dive-ci-legacy.yaml) and variants of them.
import { describe, expect, it } from 'vitest'
import { evaluateGate } from './ci-gate'
import { parseGoFloat, parseHumanizeBytes, parseRules } from './rules'
import { singleAnalysis } from './testdata/models'

const DIVE_DATA = `---
plugins:
  - plugin1

rules:
  # If the efficiency is measured below X%, mark as failed. (expressed as a percentage between 0-1)
  lowestEfficiency: 0.95

  # If the amount of wasted space is at least X or larger than X, mark as failed. (expressed in B, KB, MB, and GB)
  highestWastedBytes: 20Mb

  # If the amount of wasted space makes up for X% of the image, mark as failed. (fail if the threshold is met or crossed; expressed as a percentage between 0-1)
  highestUserWastedPercent: 0.5

  plugin1/rule1: error
`

describe("dive's own files", () => {
  it('reads .data/.dive-ci: document marker, comments, a plugins list and a plugin rule', () => {
    expect(parseRules(DIVE_DATA, '.dive-ci')).toEqual({ lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.5 })
  })

  it('reads the default-ci-config and the legacy config of its tests', () => {
    const def = 'rules:\n  # comment\n  lowestEfficiency: 0.96\n\n  highestWastedBytes: 19Mb\n\n  highestUserWastedPercent: 0.6\n'
    expect(parseRules(def, '.dive-ci')).toEqual({ lowestEfficiency: 0.96, highestWastedBytes: 19_000_000, highestUserWastedPercent: 0.6 })
    const legacy = 'rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n'
    expect(parseRules(legacy, 'dive-ci-legacy.yaml')).toEqual({ lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.2 })
  })

  it("puts dive's defaults under the file's values, as dive does (lowest 0.9, user wasted 0.1, wasted bytes off)", () => {
    expect(parseRules('rules:\n  lowestEfficiency: 0.8\n', '.dive-ci')).toEqual({ lowestEfficiency: 0.8, highestUserWastedPercent: 0.1 })
    expect(parseRules('---\n# nothing but a comment\n', '.dive-ci')).toEqual({ lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 })
    expect(parseRules('plugins:\n  - a\n', '.dive-ci')).toEqual({ lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 })
    expect(parseRules('rules:\n', '.dive-ci')).toEqual({ lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 })
    // YAML null leaves the default (Go's decoder does not touch a string field for null) ...
    expect(parseRules('rules:\n  lowestEfficiency:\n  highestUserWastedPercent: ~\n', '.dive-ci')).toEqual({ lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 })
    // ... while an empty string, disabled, off and false (any case, a YAML boolean too) turn the rule off.
    expect(parseRules('rules:\n  lowestEfficiency: ""\n  highestUserWastedPercent: Off\n', '.dive-ci')).toEqual({})
    expect(parseRules('rules:\n  lowestEfficiency: false\n  highestUserWastedPercent: " DISABLED "\n', '.dive-ci')).toEqual({})
  })

  it('reads kebab-case keys; camelCase wins when a file has both, as in dive', () => {
    const kebab = 'rules:\n  lowest-efficiency: 0.7\n  highest-wasted-bytes: 1.5kib\n  highest-user-wasted-percent: 0.25\n'
    expect(parseRules(kebab, '.dive-ci')).toEqual({ lowestEfficiency: 0.7, highestWastedBytes: 1536, highestUserWastedPercent: 0.25 })
    expect(parseRules('rules:\n  lowestEfficiency: 0.5\n  lowest-efficiency: 0.7\n', '.dive-ci')).toMatchObject({ lowestEfficiency: 0.5 })
  })

  it('reads only the first YAML document and resolves anchors', () => {
    expect(parseRules('---\nrules:\n  lowestEfficiency: &e 0.75\n  highestUserWastedPercent: *e\n---\nrules:\n  lowestEfficiency: 0.1\n', '.dive-ci')).toEqual({
      lowestEfficiency: 0.75,
      highestUserWastedPercent: 0.75
    })
  })
})

describe("dive's value parsing", () => {
  it("ratios are Go's ParseFloat on the value's text, then 0-1", () => {
    expect(parseGoFloat('0.95')).toBe(0.95)
    expect(parseGoFloat('.5')).toBe(0.5)
    expect(parseGoFloat('5.')).toBe(5)
    expect(parseGoFloat('+1e-1')).toBe(0.1)
    expect(parseGoFloat('0x1p-2')).toBe(0.25)
    expect(parseGoFloat('0x_1.8p-1')).toBe(0.75)
    expect(parseGoFloat('Inf')).toBe(Infinity)
    expect(parseGoFloat('1_0')).toBeUndefined()
    expect(parseGoFloat(' 0.5')).toBeUndefined()
    expect(parseGoFloat('95%')).toBeUndefined()
    expect(parseGoFloat('1e400')).toBeUndefined()
    expect(parseGoFloat('')).toBeUndefined()
    const r = parseRules('rules:\n  lowestEfficiency: 0x1p-1\n  highestUserWastedPercent: 1e-1\n', '.dive-ci')
    expect(r).toEqual({ lowestEfficiency: 0.5, highestUserWastedPercent: 0.1 })
  })

  it("sizes are go-humanize's ParseBytes: decimal and binary units, commas, truncated to bytes", () => {
    expect(parseHumanizeBytes('20Mb')).toBe(20_000_000)
    expect(parseHumanizeBytes('20 MB')).toBe(20_000_000)
    expect(parseHumanizeBytes('42 mib')).toBe(44_040_192)
    expect(parseHumanizeBytes('1,000kb')).toBe(1_000_000)
    expect(parseHumanizeBytes('1.5G')).toBe(1_500_000_000)
    expect(parseHumanizeBytes('2ki')).toBe(2048)
    expect(parseHumanizeBytes('1PB')).toBe(1e15)
    expect(parseHumanizeBytes('0.0001kb')).toBe(0)
    expect(parseHumanizeBytes('1.0005k')).toBe(1000)
    expect(parseHumanizeBytes('1000')).toBe(1000)
    for (const bad of ['20MBB', '-5MB', '1e6', ' 20MB', 'MB', '1.2.3MB', '20 parsecs']) expect(parseHumanizeBytes(bad), bad).toBeUndefined()
  })

  it('refuses what dive refuses, naming file:line, key and value', () => {
    expect(() => parseRules('---\nrules:\n  lowestEfficiency: 95%\n', '.dive-ci')).toThrow('.dive-ci:3: lowestEfficiency must be a ratio from 0 to 1 like 0.95, or "disabled" (got "95%").')
    expect(() => parseRules('rules:\n  highestUserWastedPercent: 1.5\n', '.dive-ci')).toThrow('.dive-ci:2: highestUserWastedPercent must be a ratio from 0 to 1 like 0.95, or "disabled" (got "1.5": outside 0-1).')
    expect(() => parseRules('rules:\n\n  highestWastedBytes: 1e6\n', '.dive-ci')).toThrow('.dive-ci:3: highestWastedBytes must be a size like 20MB')
    expect(() => parseRules('rules:\n  lowestEfficiency: " 0.5"\n', '.dive-ci')).toThrow('.dive-ci:2: lowestEfficiency must be a ratio')
    expect(() => parseRules('rules:\n  lowestEfficiency:\n    - 0.5\n', '.dive-ci')).toThrow('.dive-ci:2: lowestEfficiency must be a single value (got a list or mapping).')
    expect(() => parseRules('rules: 0.5\n', '.dive-ci')).toThrow('.dive-ci:1: expected a mapping of rules')
    expect(() => parseRules('rules:\n  lowestEfficiency: 0.5\n  lowestEfficiency: 0.6\n', '.dive-ci')).toThrow('.dive-ci:3: lowestEfficiency is already set on line 2.')
    expect(() => parseRules('rules:\n  lowestEfficiency: [0.5\n', '.dive-ci')).toThrow(/^\.dive-ci:\d+: not valid YAML/)
    // A rule written beside rules: instead of under it: dive ignores it silently; we say so.
    expect(() => parseRules('rules:\n  lowestEfficiency: 0.5\nhighestWastedBytes: 20MB\n', '.dive-ci')).toThrow('.dive-ci:3: highestWastedBytes must be under "rules:"')
  })
})

describe('gating as dive gates', () => {
  const img = singleAnalysis() // dive: efficiency 0.9581, wasted 14,000,000 bytes, user wasted 5.2 %

  it('fails only past the threshold: at it, every rule passes (dive: >, >, <)', () => {
    const at = parseRules('rules:\n  lowestEfficiency: 0.9581\n  highestWastedBytes: 14MB\n  highestUserWastedPercent: 0.052\n', '.dive-ci')
    expect(evaluateGate(at, img).checks.map((c) => [c.key, c.passed])).toEqual([
      ['lowestEfficiency', true],
      ['highestWastedBytes', true],
      ['highestUserWastedPercent', true]
    ])
    const past = parseRules('rules:\n  lowestEfficiency: 0.9582\n  highestWastedBytes: 13,999,999\n  highestUserWastedPercent: 0.0519\n', '.dive-ci')
    expect(evaluateGate(past, img).checks.map((c) => [c.key, c.passed])).toEqual([
      ['lowestEfficiency', false],
      ['highestWastedBytes', false],
      ['highestUserWastedPercent', false]
    ])
  })

  it("gates dive's sample file's defaults too: a file setting one rule still checks user wasted percent at 0.1", () => {
    const r = evaluateGate(parseRules('rules:\n  highestWastedBytes: 20MB\n', '.dive-ci'), img)
    expect(r.checks.map((c) => [c.key, c.limit, c.passed])).toEqual([
      ['lowestEfficiency', 0.9, true],
      ['highestWastedBytes', 20_000_000, true],
      ['highestUserWastedPercent', 0.1, true]
    ])
  })
})
