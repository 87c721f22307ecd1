// `layerscope ci` with dive-style .dive-ci files (dive's own sample layout: `---`, comments, a
// plugins list, a plugin rule, kebab-case keys) against an engine image: each rule gates at
// exactly dive's threshold semantics on the analysis's dive figures, through the real CLI.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import type { ImageAnalysis } from '../../../shared/models/analysis'

const IMG = 'layerscope-test/dive-ci-gate:1'
const CLI = resolve(__dirname, '../../cli/index.ts')
// The loader by path: the CLI runs in a folder of its own, outside this package.
const TSX = pathToFileURL(resolve(__dirname, '../../../../node_modules/tsx/dist/loader.mjs')).href
let dir: string
let dive: ImageAnalysis['waste']['dive']

function cli(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, '--cache-dir', join(dir, 'cache'), ...args], { encoding: 'utf8', cwd })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A .dive-ci in dive's own layout, in a folder of its own; returns the folder. */
function diveCi(rules: string): string {
  const sub = mkdtempSync(join(dir, 'dive-'))
  writeFileSync(join(sub, '.dive-ci'), `---\nplugins:\n  - plugin1\n\nrules:\n  # dive's comments\n${rules}\n  plugin1/rule1: error\n`)
  return sub
}

beforeAll(async () => {
  await ensureBaseImage()
  // Waste dive counts: /data written, then overwritten in a later layer.
  buildImage(IMG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/data bs=1k count=300\nRUN dd if=/dev/zero of=/data bs=1k count=200\n`)
  dir = mkdtempSync(join(tmpdir(), 'ls-dive-ci-'))
  const a = cli(['analyze', IMG, '--json'])
  expect(a.code, a.stderr).toBe(0)
  dive = (JSON.parse(a.stdout) as ImageAnalysis).waste.dive
  expect(dive.wastedBytes).toBeGreaterThan(0)
})

afterAll(() => {
  removeTestImages('layerscope-test/dive-ci-gate')
  rmSync(dir, { recursive: true, force: true })
})

type Check = { key: string; limit: number; passed: boolean }

describe("layerscope ci with dive's .dive-ci", () => {
  it('passes at exactly the thresholds (dive fails only past them), exit 0', () => {
    const sub = diveCi(`  lowestEfficiency: ${dive.score}\n  highest-wasted-bytes: ${dive.wastedBytes}\n  highestUserWastedPercent: ${dive.userWastedPercent}`)
    const r = cli(['ci', IMG, '--json'], sub)
    expect(r.code, r.stderr).toBe(0)
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks
    expect(checks.map((c) => [c.key, c.limit, c.passed])).toEqual([
      ['lowestEfficiency', dive.score, true],
      ['highestWastedBytes', dive.wastedBytes, true],
      ['highestUserWastedPercent', dive.userWastedPercent, true]
    ])
  })

  it('fails each rule one step past its threshold, exit 1', () => {
    for (const [rule, key] of [
      [`  lowestEfficiency: ${Math.min(1, dive.score + 1e-9)}\n  highestUserWastedPercent: disabled`, 'lowestEfficiency'],
      [`  lowestEfficiency: off\n  highestWastedBytes: ${dive.wastedBytes - 1}\n  highestUserWastedPercent: disabled`, 'highestWastedBytes'],
      [`  lowest-efficiency: "false"\n  highest-user-wasted-percent: ${Math.max(0, dive.userWastedPercent - 1e-9)}`, 'highestUserWastedPercent']
    ] as const) {
      const r = cli(['ci', IMG, '--json'], diveCi(rule))
      expect(r.code, `${key}: ${r.stderr}`).toBe(1)
      const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks
      expect(checks.filter((c) => !c.passed).map((c) => c.key)).toEqual([key])
    }
  })

  it("applies dive's defaults under a file that sets one rule, and refuses what dive refuses (exit 2, file:line)", () => {
    const r = cli(['ci', IMG, '--json'], diveCi('  highestWastedBytes: 20MB'))
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks
    expect(checks.map((c) => [c.key, c.limit])).toEqual([
      ['lowestEfficiency', 0.9],
      ['highestWastedBytes', 20_000_000],
      ['highestUserWastedPercent', 0.1]
    ])
    const bad = cli(['ci', IMG], diveCi('  lowestEfficiency: 95%'))
    expect(bad.code).toBe(2)
    // Line 7: ---, plugins:, - plugin1, blank, rules:, comment, the rule.
    expect(bad.stderr).toContain('.dive-ci:7: lowestEfficiency must be a ratio from 0 to 1 like 0.95, or "disabled" (got "95%").')
  })
})
