// The gate as JUnit XML (one test case per rule) for CI systems that show test reports.
import type { GateResult } from './ci-gate'
import { esc } from './svg-text'

export function gateJunit(r: GateResult, elapsedMs = 0): string {
  const failures = r.checks.filter((c) => !c.passed).length
  const seconds = (elapsedMs / 1000).toFixed(3)
  const suite = `layerscope ci: ${r.image}`
  const cases = r.checks.map((c) => {
    const open = `  <testcase classname="${esc(`layerscope.ci.${r.image}`)}" name="${esc(`${c.rule} ${c.limitText}`)}" time="0">`
    const props = `    <system-out>${esc(`${c.key}: actual ${c.actualText} (${c.actual}), limit ${c.limitText} (${c.limit})`)}</system-out>`
    const failure = c.passed ? '' : `\n    <failure message="${esc(c.message)}" type="${esc(c.key)}">${esc(c.message)}</failure>`
    return `${open}${failure}\n${props}\n  </testcase>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="layerscope ci" tests="${r.checks.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `<testsuite name="${esc(suite)}" tests="${r.checks.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}">`,
    ...cases,
    '</testsuite>',
    '</testsuites>',
    ''
  ].join('\n')
}
