// One line per jump, from the contributors the compare screen shows: the tag, the change, the
// top path and what it is ("1.7.0: +212 MB, /usr/lib/gcc: the build toolchain reached the
// final stage"). The path's kind comes from the savings rules, so a toolchain or a cache is
// named the same way here as in the savings list.
import type { Contributor } from '../../../shared/models/compare'
import { formatDelta } from '../../../shared/format'
import { RULES, classifyPath } from '../analysis/savings'

/** The contributor that explains a change of `delta`: the biggest moving the same way. */
export function leadContributor(rows: readonly Contributor[], delta: number): Contributor | undefined {
  const sameWay = rows.filter((r) => (delta >= 0 ? r.delta > 0 : r.delta < 0))
  const pool = sameWay.length > 0 ? sameWay : rows.filter((r) => r.delta !== 0)
  return pool.reduce<Contributor | undefined>((m, r) => (!m || Math.abs(r.delta) > Math.abs(m.delta) ? r : m), undefined)
}

/** What a path is, by the savings rules: a directory is classified by what lies below it. */
function ruleOf(c: Contributor): (typeof RULES)[number] | undefined {
  const p = c.path.replace(/^\/+/, '')
  const i = classifyPath(c.kind === 'dir' || c.hasChildren ? `${p}/x` : p)
  return i >= 0 ? RULES[i] : undefined
}

/** Why the lead path moved, in a few words. */
export function causeOf(c: Contributor, baseChanged: boolean): string {
  const grew = c.delta > 0
  const rule = ruleOf(c)
  if (rule?.group === 'toolchain') return grew ? 'the build toolchain reached the final stage' : 'the build toolchain left the final stage'
  if (rule?.group === 'cache') return grew ? `${rule.title} left in the image` : `${rule.title} cleaned up`
  if (rule) return `${rule.title} ${grew ? 'added' : 'removed'}`
  const what = baseChanged ? 'as the base layers changed' : ''
  const how = c.status === 'onlyB' ? 'added' : c.status === 'onlyA' ? 'removed' : grew ? 'grew' : 'shrank'
  return [how, what].filter(Boolean).join(' ')
}

export function jumpLine(to: string, delta: number, rows: readonly Contributor[], baseChanged: boolean): string {
  const lead = leadContributor(rows, delta)
  const head = `${to}: ${formatDelta(delta)}`
  if (!lead) return baseChanged ? `${head}, the base layers changed` : `${head}, no file differs`
  return `${head}, ${lead.path}: ${causeOf(lead, baseChanged)}`
}
