// The file tree as flat rows for the virtual list: loaded children of expanded directories,
// depth-first, plus a "load more" row where a directory has more children than were fetched.
// Each entry knows its place among its siblings (aria-posinset / aria-setsize): the list is
// virtual and partly loaded, so assistive tech cannot count the rows itself.
import type { FileNode } from '../../../../shared/models/analysis'

export interface Loaded {
  children: FileNode[]
  total: number
}

/** `pos` is 1-based among the entry's siblings, `size` how many siblings there are in all. */
export type NodeRow = { kind: 'node'; node: FileNode; depth: number; pos: number; size: number }
export type TreeRow = NodeRow | { kind: 'more'; parent: string; depth: number; loaded: number; total: number } | { kind: 'loading'; parent: string; depth: number }

export function flattenTree(rootPath: string, loaded: Map<string, Loaded>, expanded: Set<string>): TreeRow[] {
  const rows: TreeRow[] = []
  const walk = (path: string, depth: number): void => {
    const l = loaded.get(path)
    if (!l) {
      if (depth > 0) rows.push({ kind: 'loading', parent: path, depth })
      return
    }
    for (let i = 0; i < l.children.length; i++) {
      const node = l.children[i]!
      rows.push({ kind: 'node', node, depth, pos: i + 1, size: l.total })
      if (node.hasChildren && expanded.has(node.path)) walk(node.path, depth + 1)
    }
    if (l.children.length < l.total) rows.push({ kind: 'more', parent: path, depth, loaded: l.children.length, total: l.total })
  }
  walk(rootPath, 0)
  return rows
}

/** Index of the row for a node's parent directory (for ← and Backspace), or -1. */
export function parentRowIndex(rows: TreeRow[], index: number): number {
  const row = rows[index]
  if (!row || row.depth === 0) return -1
  for (let i = index - 1; i >= 0; i--) {
    const r = rows[i]!
    if (r.kind === 'node' && r.depth === row.depth - 1) return i
  }
  return -1
}

/**
 * Rows left by a filter, with each entry's place counted among the siblings that remain
 * (a filtered view announces "2 of 3", not "2 of 1,000"). Rows that fail `keep` are dropped.
 */
export function filterRows(rows: TreeRow[], keep: (r: TreeRow) => boolean): TreeRow[] {
  const out: TreeRow[] = []
  // Open sibling groups, one per depth, as indexes into `out`.
  const groups: number[][] = []
  const close = (g: number[]): void => {
    for (const i of g) (out[i] as NodeRow).size = g.length
  }
  for (const r of rows) {
    if (!keep(r)) continue
    while (groups.length > r.depth + 1) close(groups.pop()!)
    if (r.kind !== 'node') {
      out.push(r)
      continue
    }
    // Deeper groups were closed above (depth-first order: a parent's rows end before its next sibling).
    while (groups.length < r.depth + 1) groups.push([])
    const g = groups[r.depth]!
    g.push(out.length)
    out.push({ ...r, pos: g.length })
  }
  for (const g of groups) close(g)
  return out
}
