// Regular files of the final filesystem that hold the same content (same sha256) at several
// paths: vendored copies, a binary copied twice. Grouped without a string per file: visible
// files are sorted by size and the first 6 digest bytes (a number), and only runs that agree
// there are compared in full. Hard links are one inode, not copies, and empty files save
// nothing: both are left out. Waste (hidden copies) is a different measure and stays apart.
import type { DuplicateGroup, DuplicatesSummary } from '../../../shared/models/analysis'
import { K_FILE, F_WHITEOUT, type LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import type { Refs } from '../analysis/stack'

export interface DuplicateOptions {
  /** Groups listed (all are counted); default 200. */
  maxGroups?: number
  /** Paths listed per group; default 50. */
  maxPaths?: number
}

export function findDuplicates(paths: PathTable, layers: LayerEntries[], refs: Refs, vis: Int32Array, opts: DuplicateOptions = {}): DuplicatesSummary {
  const maxGroups = opts.maxGroups ?? 200
  const maxPaths = opts.maxPaths ?? 50
  // Candidates: visible regular files with content and a digest.
  let n = 0
  const ids = new Int32Array(vis.length)
  const layerOf = new Int32Array(vis.length)
  const index = new Int32Array(vis.length)
  const size = new Float64Array(vis.length)
  const key = new Float64Array(vis.length)
  for (let id = 1; id < vis.length; id++) {
    const r = vis[id]!
    if (r < 0) continue
    const L = refs.layerOf(r)
    const l = layers[L]!
    const i = r - refs.offsets[L]!
    if (l.kind[i] !== K_FILE || l.flags[i]! & F_WHITEOUT || l.size[i]! === 0) continue
    const d = l.digestBytes(i)
    if (!d) continue
    ids[n] = id
    layerOf[n] = L
    index[n] = i
    size[n] = l.size[i]!
    key[n] = d[0]! * 2 ** 40 + d[1]! * 2 ** 32 + d[2]! * 2 ** 24 + d[3]! * 2 ** 16 + d[4]! * 2 ** 8 + d[5]!
    n++
  }
  const order = new Int32Array(n)
  for (let k = 0; k < n; k++) order[k] = k
  order.sort((x, y) => size[x]! - size[y]! || key[x]! - key[y]!)
  const digestOf = (k: number): Uint8Array => layers[layerOf[k]!]!.digestBytes(index[k]!)!
  const same = (x: number, y: number): boolean => {
    const a = digestOf(x)
    const b = digestOf(y)
    for (let j = 0; j < 32; j++) if (a[j] !== b[j]) return false
    return true
  }
  const groups: Array<{ size: number; members: number[] }> = []
  for (let s = 0; s < n; ) {
    let e = s + 1
    while (e < n && size[order[e]!] === size[order[s]!] && key[order[e]!] === key[order[s]!]) e++
    if (e - s > 1) {
      // Within a run, split by full digest (a 48-bit prefix collision is rare but possible).
      const left = Array.from(order.subarray(s, e))
      while (left.length > 1) {
        const head = left[0]!
        const members = left.filter((k) => same(head, k))
        if (members.length > 1) groups.push({ size: size[head]!, members })
        const rest = left.filter((k) => !same(head, k))
        left.length = 0
        left.push(...rest)
      }
    }
    s = e
  }
  let bytes = 0
  let files = 0
  for (const g of groups) {
    bytes += g.size * (g.members.length - 1)
    files += g.members.length
  }
  groups.sort((x, y) => y.size * (y.members.length - 1) - x.size * (x.members.length - 1) || y.members.length - x.members.length || x.size - y.size)
  const listed: DuplicateGroup[] = groups.slice(0, maxGroups).map((g) => {
    // Strings only for the paths listed: a group can hold a million copies.
    const some = g.members.length > maxPaths ? g.members.slice().sort((x, y) => ids[x]! - ids[y]!).slice(0, maxPaths) : g.members
    const shown = some.map((k) => `/${paths.path(ids[k]!)}`).sort()
    return {
      digest: `sha256:${Buffer.from(digestOf(g.members[0]!)).toString('hex')}`,
      size: g.size,
      bytes: g.size * (g.members.length - 1),
      copies: g.members.length,
      paths: shown
    }
  })
  const truncated = groups.length > maxGroups || groups.slice(0, maxGroups).some((g) => g.members.length > maxPaths)
  return { bytes, groupCount: groups.length, files, groups: listed, truncated }
}
