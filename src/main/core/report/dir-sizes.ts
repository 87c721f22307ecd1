// "Biggest directories" of a final filesystem for the report: rolled up from the visible
// entries, drilling into a directory while it alone holds most of the bytes (so an image
// that is 90 % /usr reads as /usr/lib/x86_64-linux-gnu, /usr/share, ... not just "/usr").
import type { DirSize } from './report-model'

interface EntryLike {
  path: string
  kind: string
  size: number
}

const MAX_DEPTH = 4

export function biggestDirectories(entries: Iterable<EntryLike>, limit = 8): DirSize[] {
  // Bytes and files of every prefix up to MAX_DEPTH segments; leaves are files themselves.
  const sizes = new Map<string, { bytes: number; files: number; leaf: boolean }>()
  let total = 0
  for (const e of entries) {
    if (e.kind !== 'file') continue
    const segs = e.path.split('/').filter((s) => s.length > 0)
    total += e.size
    for (let d = 1; d <= Math.min(MAX_DEPTH, segs.length); d++) {
      const key = '/' + segs.slice(0, d).join('/')
      const cur = sizes.get(key) ?? { bytes: 0, files: 0, leaf: d === segs.length }
      cur.bytes += e.size
      cur.files += 1
      sizes.set(key, cur)
    }
  }
  if (total === 0) return []
  const childrenOf = (p: string): string[] => {
    const depth = p.split('/').length // "/usr" -> 2
    return [...sizes.keys()].filter((k) => k.startsWith(p + '/') && k.split('/').length === depth + 1)
  }
  let groups = [...sizes.keys()].filter((k) => k.split('/').length === 2)
  // Drill into the biggest group while it dominates and the list stays short.
  for (let i = 0; i < 6; i++) {
    groups.sort((x, y) => sizes.get(y)!.bytes - sizes.get(x)!.bytes)
    const top = groups[0]
    if (!top || sizes.get(top)!.leaf || sizes.get(top)!.bytes < total * 0.5) break
    const kids = childrenOf(top)
    // A directory with a single child says more than that child alone.
    if (kids.length < 2 || top.split('/').length > MAX_DEPTH) break
    // Every file below `top` has a prefix one level deeper (a sub-directory or the file itself).
    groups = [...groups.slice(1), ...kids]
  }
  return groups
    .map((path) => ({ path, bytes: sizes.get(path)!.bytes, files: sizes.get(path)!.files }))
    .sort((x, y) => y.bytes - x.bytes || x.path.localeCompare(y.path))
    .slice(0, limit)
}
