// Regular files of the final filesystem that hold the same content (same sha256) at several
// paths: vendored copies, a binary copied twice. Grouped without a string per file: visible
// files are chained by their first digest bytes (a typed-array hash table), and only files
// that agree there are compared in full. Hard links are one inode, not copies, and empty files save
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
  /** The first 4 digest bytes as a number: the hash key and the listing's tie-break. */
  const key = new Uint32Array(vis.length)
  for (let id = 1; id < vis.length; id++) {
    const r = vis[id]!
    if (r < 0) continue
    const L = refs.layerOf(r)
    const l = layers[L]!
    const i = r - refs.offsets[L]!
    if (l.kind[i] !== K_FILE || l.flags[i]! & F_WHITEOUT || l.size[i]! === 0) continue
    // Read in place from the digest column (no view object per file).
    const slot = l.digestSlot[i]!
    if (slot < 0) continue
    const d = l.digests
    const o = slot * 32
    ids[n] = id
    layerOf[n] = L
    index[n] = i
    size[n] = l.size[i]!
    key[n] = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0
    n++
  }
  // Candidates with the same first 4 digest bytes, chained in candidate order through an
  // open-addressing table of typed arrays: a Map of 100k number keys was most of the time.
  const next = new Int32Array(n).fill(-1)
  let cap = 16
  while (cap < n * 2) cap *= 2
  const mask = cap - 1
  const head = new Int32Array(cap).fill(-1)
  for (let k = n - 1; k >= 0; k--) {
    const w = key[k]!
    // Fibonacci hashing spreads the digest word; linear probing on a half-full table.
    let at = Math.imul(w, 0x9e3779b1) & mask
    while (head[at] !== -1 && key[head[at]!] !== w) at = (at + 1) & mask
    next[k] = head[at]!
    head[at] = k
  }
  const digestOf = (k: number): Uint8Array => layers[layerOf[k]!]!.digestBytes(index[k]!)!
  const same = (x: number, y: number): boolean => {
    if (size[x] !== size[y]) return false
    const a = layers[layerOf[x]!]!
    const b = layers[layerOf[y]!]!
    const ao = a.digestSlot[index[x]!]! * 32
    const bo = b.digestSlot[index[y]!]! * 32
    for (let j = 0; j < 32; j++) if (a.digests[ao + j] !== b.digests[bo + j]) return false
    return true
  }
  const found: Array<{ size: number; members: number[] }> = []
  for (let at = 0; at < cap; at++) {
    const h = head[at]!
    if (h === -1 || next[h] === -1) continue
    // Within a chain, split by size and full digest (a 32-bit prefix collision is rare but real: the test finds one).
    const left: number[] = []
    for (let m = h; m >= 0; m = next[m]!) left.push(m)
    while (left.length > 1) {
      const head = left[0]!
      const members = left.filter((m) => same(head, m))
      if (members.length > 1) found.push({ size: size[head]!, members })
      const rest = left.filter((m) => !same(head, m))
      left.length = 0
      left.push(...rest)
    }
  }
  // The order groups were listed in before (by size, then digest prefix, then first path), kept
  // so ties in the ranking below come out as they always did.
  const groups = found.sort((x, y) => x.size - y.size || key[x.members[0]!]! - key[y.members[0]!]! || x.members[0]! - y.members[0]!)
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
