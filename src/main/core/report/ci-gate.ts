// The CI gate's decisions: each rule checked against the analysed image (and the baseline for
// growth rules), with the figure it used, so the table and the JUnit XML say why.
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { formatBytes, formatDelta, formatDockerSize, formatPercent, groupDigits } from '../../../shared/format'
import { LayerscopeError } from '../errors'
import type { CiRules, RuleKey } from './rules'
import { imageName } from './report-model'

export interface GateCheck {
  key: RuleKey
  /** "max size", "dive: lowest efficiency". */
  rule: string
  limit: number
  limitText: string
  actual: number
  actualText: string
  passed: boolean
  /** One sentence: "110MB is within 200MB." / "efficiency 82.1% is below 95.0%." */
  message: string
}

export interface GateResult {
  image: string
  imageId: string
  size: number
  baseline?: { image: string; imageId: string; size: number }
  checks: GateCheck[]
  passed: boolean
}

type Figure = { actual: number; actualText: string }

interface RuleDef {
  rule: string
  /** 'max': fails when actual > limit; 'min': fails when actual < limit. */
  dir: 'max' | 'min'
  fmt: (n: number) => string
  needsBaseline?: boolean
  figure: (a: ImageAnalysis, base?: ImageAnalysis) => Figure
}

const pct = (n: number): string => formatPercent(n)

/** Growth is measured like compare does: engine sizes, or layer content when either is an archive. */
function sizeBasis(a: ImageAnalysis, base: ImageAnalysis): [number, number] {
  const engine = a.image.sizeKind === 'engine' && base.image.sizeKind === 'engine'
  return engine ? [a.image.size, base.image.size] : [a.layerBytes, base.layerBytes]
}

/** maxGrowthSinceTags picks the baseline (the median tag) rather than being a check of its own. */
type CheckKey = Exclude<RuleKey, 'maxGrowthSinceTags'>

const RULES: Record<CheckKey, RuleDef> = {
  maxSize: {
    rule: 'max size',
    dir: 'max',
    fmt: formatDockerSize,
    figure: (a) => ({ actual: a.image.size, actualText: formatDockerSize(a.image.size) })
  },
  minEfficiency: {
    rule: 'min efficiency',
    dir: 'min',
    fmt: pct,
    figure: (a) => ({ actual: a.waste.efficiency, actualText: pct(a.waste.efficiency) })
  },
  maxWastedBytes: {
    rule: 'max wasted bytes',
    dir: 'max',
    fmt: formatBytes,
    figure: (a) => ({ actual: a.waste.bytes, actualText: formatBytes(a.waste.bytes) })
  },
  maxWastedPercent: {
    rule: 'max wasted percent',
    dir: 'max',
    fmt: pct,
    figure: (a) => {
      const r = a.layerBytes > 0 ? a.waste.bytes / a.layerBytes : 0
      return { actual: r, actualText: pct(r) }
    }
  },
  maxGrowthBytes: {
    rule: 'max growth vs baseline',
    dir: 'max',
    fmt: formatDelta,
    needsBaseline: true,
    figure: (a, base) => {
      const [x, y] = sizeBasis(a, base!)
      return { actual: x - y, actualText: formatDelta(x - y) }
    }
  },
  maxGrowthPercent: {
    rule: 'max growth vs baseline (%)',
    dir: 'max',
    fmt: (n) => `+${pct(n)}`,
    needsBaseline: true,
    figure: (a, base) => {
      const [x, y] = sizeBasis(a, base!)
      const r = y > 0 ? (x - y) / y : x > 0 ? Number.POSITIVE_INFINITY : 0
      return { actual: r, actualText: `${r >= 0 ? '+' : ''}${pct(r)}` }
    }
  },
  lowestEfficiency: {
    rule: 'dive: lowest efficiency',
    dir: 'min',
    fmt: pct,
    figure: (a) => ({ actual: a.waste.dive.score, actualText: pct(a.waste.dive.score) })
  },
  highestWastedBytes: {
    rule: 'dive: highest wasted bytes',
    dir: 'max',
    fmt: formatBytes,
    figure: (a) => ({ actual: a.waste.dive.wastedBytes, actualText: formatBytes(a.waste.dive.wastedBytes) })
  },
  highestUserWastedPercent: {
    rule: 'dive: highest user wasted percent',
    dir: 'max',
    fmt: pct,
    figure: (a) => ({ actual: a.waste.dive.userWastedPercent, actualText: pct(a.waste.dive.userWastedPercent) })
  }
}

/** Rules that need --baseline but have none: an error before any image is analysed. */
export function checkBaselineNeeded(rules: CiRules, hasBaseline: boolean): void {
  const missing = (Object.keys(rules) as RuleKey[]).filter((k) => rules[k] !== undefined && k !== 'maxGrowthSinceTags' && RULES[k].needsBaseline)
  if (missing.length > 0 && !hasBaseline) {
    throw new LayerscopeError('INVALID_INPUT', `${missing.join(' and ')} compare against a baseline: give --baseline IMAGE, or drop the rule.`)
  }
}

export function evaluateGate(rules: CiRules, image: ImageAnalysis, baseline?: ImageAnalysis): GateResult {
  checkBaselineNeeded(rules, baseline !== undefined)
  const checks: GateCheck[] = []
  for (const key of Object.keys(RULES) as CheckKey[]) {
    const limit = rules[key]
    if (limit === undefined) continue
    const def = RULES[key]
    const { actual, actualText } = def.figure(image, baseline)
    const passed = def.dir === 'max' ? actual <= limit : actual >= limit
    const limitText = def.fmt(limit)
    const word = def.dir === 'max' ? (passed ? 'is within' : 'is over') : passed ? 'meets' : 'is below'
    checks.push({
      key,
      rule: def.rule,
      limit,
      limitText: `${def.dir === 'max' ? '≤' : '≥'} ${limitText}`,
      actual,
      actualText,
      passed,
      message: `${def.rule}: ${actualText} ${word} the limit ${limitText}.`
    })
  }
  return {
    image: imageName(image),
    imageId: image.image.id,
    size: image.image.size,
    ...(baseline ? { baseline: { image: imageName(baseline), imageId: baseline.image.id, size: baseline.image.size } } : {}),
    checks,
    passed: checks.every((c) => c.passed)
  }
}

/** The readable table for a terminal or a CI log. */
export function formatGateTable(r: GateResult): string {
  const head = [`Image:    ${r.image} (${formatDockerSize(r.size)}, ${groupDigits(r.size)} bytes)`]
  if (r.baseline) head.push(`Baseline: ${r.baseline.image} (${formatDockerSize(r.baseline.size)}, ${groupDigits(r.baseline.size)} bytes)`)
  const rows = [['RULE', 'LIMIT', 'ACTUAL', 'RESULT'], ...r.checks.map((c) => [c.rule, c.limitText, c.actualText, c.passed ? 'PASS' : 'FAIL'])]
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)))
  const lines = rows.map((row) =>
    // Rule left-aligned, figures right-aligned so digits line up.
    [row[0]!.padEnd(w[0]!), row[1]!.padStart(w[1]!), row[2]!.padStart(w[2]!), row[3]!.padEnd(w[3]!)].join('   ').trimEnd()
  )
  const failed = r.checks.filter((c) => !c.passed).length
  const verdict = r.passed
    ? `PASS: ${r.checks.length} rule${r.checks.length === 1 ? '' : 's'} passed.`
    : `FAIL: ${failed} of ${r.checks.length} rule${r.checks.length === 1 ? '' : 's'} failed.`
  return [...head, '', ...lines, '', verdict, ''].join('\n')
}
