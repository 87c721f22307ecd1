// The order of a series: by the config's `created` time (what was built when), or by version
// (what was released as what) for repositories whose tags are versions.
import semver from 'semver'
import type { HistoryOrder } from '../../../shared/models/history'

export interface Orderable {
  tag: string
  created?: string
}

/** The tag as a version ("v1.7.0", "1.7", "1.7.0-rc.1"), or null when it is not one ("latest"). */
export function tagVersion(tag: string): string | null {
  const exact = semver.valid(semver.clean(tag, { loose: true }) ?? '', { loose: true })
  if (exact) return exact
  // "1.7" and "v2" are versions as people tag them; "latest" and "main" are not.
  if (!/^v?\d+(\.\d+){0,2}$/.test(tag)) return null
  return semver.coerce(tag)?.version ?? null
}

/**
 * Orders tags and says which were left out and why. Created order: oldest first, ties by tag;
 * semver order: lowest version first, tags that are not versions left out.
 */
export function orderTags<T extends Orderable>(items: readonly T[], order: HistoryOrder): { ordered: T[]; skipped: Array<{ tag: string; reason: string }> } {
  const skipped: Array<{ tag: string; reason: string }> = []
  if (order === 'semver') {
    const withV: Array<{ item: T; v: string }> = []
    for (const item of items) {
      const v = tagVersion(item.tag)
      if (v) withV.push({ item, v })
      else skipped.push({ tag: item.tag, reason: 'not a version (semver order)' })
    }
    withV.sort((x, y) => semver.compare(x.v, y.v) || (x.item.tag < y.item.tag ? -1 : x.item.tag > y.item.tag ? 1 : 0))
    return { ordered: withV.map((x) => x.item), skipped }
  }
  const dated: Array<{ item: T; t: number }> = []
  for (const item of items) {
    const t = item.created ? Date.parse(item.created) : NaN
    if (Number.isFinite(t)) dated.push({ item, t })
    else skipped.push({ tag: item.tag, reason: 'its config has no created time (created order)' })
  }
  dated.sort((x, y) => x.t - y.t || (x.item.tag < y.item.tag ? -1 : x.item.tag > y.item.tag ? 1 : 0))
  return { ordered: dated.map((x) => x.item), skipped }
}

/** Layers two images start with in common (longest common diff-ID prefix). */
export function sharedPrefix(a: readonly string[], b: readonly string[]): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}
