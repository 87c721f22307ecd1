import { describe, expect, it } from 'vitest'
import { parseBytes, parseRatio, parseRules } from './rules'

describe('values', () => {
  it('reads sizes in decimal and binary units like docker and dive', () => {
    expect(parseBytes('200MB')).toBe(200_000_000)
    expect(parseBytes('1.5 GB')).toBe(1_500_000_000)
    expect(parseBytes('20mb')).toBe(20_000_000)
    expect(parseBytes('512MiB')).toBe(512 * 1024 * 1024)
    expect(parseBytes('1000')).toBe(1000)
    expect(parseBytes(1000)).toBe(1000)
    expect(parseBytes('12 parsecs')).toBeUndefined()
    expect(parseBytes('-5MB')).toBeUndefined()
  })
  it('reads ratios and percents, refusing ambiguous numbers above 1', () => {
    expect(parseRatio('0.95')).toBe(0.95)
    expect(parseRatio('95%')).toBe(0.95)
    expect(parseRatio(0.2)).toBe(0.2)
    expect(parseRatio('95')).toBeUndefined()
    expect(parseRatio('150%')).toBeUndefined()
  })
})

describe('parseRules', () => {
  it('reads a .layerscope-ci.json file', () => {
    const r = parseRules('{\n  "maxSize": "200MB",\n  "minEfficiency": 0.95,\n  "maxWastedBytes": 20000000,\n  "maxWastedPercent": "10%",\n  "maxGrowth": "5%"\n}', '.layerscope-ci.json')
    expect(r).toEqual({ maxSize: 200_000_000, minEfficiency: 0.95, maxWastedBytes: 20_000_000, maxWastedPercent: 0.1, maxGrowthPercent: 0.05 })
  })

  it('reads the YAML subset with comments and a byte growth', () => {
    const r = parseRules('# gate\nmaxSize: 1.2GB   # hard limit\nmaxGrowth: "10MB"\nminEfficiency: 90%\n', 'ci.yml')
    expect(r).toEqual({ maxSize: 1_200_000_000, maxGrowthBytes: 10_000_000, minEfficiency: 0.9 })
  })

  it("reads dive's .dive-ci, with disabled rules left off", () => {
    const dive = 'rules:\n  # If the efficiency is measured below X%, mark as failed.\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n'
    expect(parseRules(dive, '.dive-ci')).toEqual({ lowestEfficiency: 0.95, highestWastedBytes: 20_000_000 })
  })

  it('names the key, the line and a suggestion for a typo', () => {
    expect(() => parseRules('maxSize: 1GB\nminEficiency: 0.9\n', 'rules.yml')).toThrow('rules.yml:2: unknown key "minEficiency". Did you mean "minEfficiency"?')
    expect(() => parseRules('rules:\n  lowestEfficency: 0.9\n', '.dive-ci')).toThrow('.dive-ci:2: unknown key "lowestEfficency". Did you mean "lowestEfficiency"?')
    expect(() => parseRules('{\n  "maxsize": "1GB"\n}', 'r.json')).toThrow('r.json:2: unknown key "maxsize". Did you mean "maxSize"?')
  })

  it('names the key, the line and what was expected for a wrong type', () => {
    expect(() => parseRules('maxSize: big\n', 'r.yml')).toThrow('r.yml:1: maxSize must be a size like 200MB, 1.5GB, 512MiB or a number of bytes (got "big").')
    expect(() => parseRules('{\n "a": 1,\n "minEfficiency": true\n}', 'r.json')).toThrow(/r\.json:2: unknown key "a"/)
    expect(() => parseRules('{\n "minEfficiency": true\n}', 'r.json')).toThrow('r.json:2: minEfficiency must be a ratio like 0.95 or a percent like 95% (got true).')
    expect(() => parseRules('lowestEfficiency: 95\n', '.dive-ci')).toThrow(/lowestEfficiency must be a ratio/)
  })

  it('refuses malformed lines, duplicates and broken JSON with a line number', () => {
    expect(() => parseRules('maxSize 200MB\n', 'r.yml')).toThrow('r.yml:1: expected "key: value", got "maxSize 200MB".')
    expect(() => parseRules('maxSize: 1GB\nmaxSize: 2GB\n', 'r.yml')).toThrow('r.yml:2: maxSize is already set on line 1.')
    expect(() => parseRules('{\n "maxSize": "1GB",\n}', 'r.json')).toThrow(/^r\.json:\d+: not valid JSON/)
  })
})
