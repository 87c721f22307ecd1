// The file tree as flat rows for the virtual list: loaded children of expanded directories,
// depth-first, plus a "load more" row where a directory has more children than were fetched.
import type { FileNode } from '../../../../shared/models/analysis'

export interface Loaded {
  children: FileNode[]
  total: number
}

export type TreeRow = { kind: 'node'; node: FileNode; depth: number } | { kind: 'more'; parent: string; depth: number; loaded: number; total: number } | { kind: 'loading'; parent: string; depth: number }

export function flattenTree(rootPath: string, loaded: Map<string, Loaded>, expanded: Set<string>): TreeRow[] {
  const rows: TreeRow[] = []
  const walk = (path: string, depth: number): void => {
    const l = loaded.get(path)
    if (!l) {
      if (depth > 0) rows.push({ kind: 'loading', parent: path, depth })
      return
    }
    for (const node of l.children) {
      rows.push({ kind: 'node', node, depth })
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
