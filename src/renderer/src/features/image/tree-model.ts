// The file tree as flat rows for the virtual list: loaded children of expanded directories,
// depth-first, plus a "load more" row where a directory has more children than were fetched.
// Each entry knows its place among its siblings (aria-posinset / aria-setsize): the list is
// virtual and partly loaded, so assistive tech cannot count the rows itself. Also what every
// file tree does with its pages, folders and keys (FileTree, PreviewLayerTree), so they agree.
import type { FileNode } from '../../../../shared/models/analysis'
import { isTyping, moveIndex } from '../../lib/list-nav'

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

/** The loaded folders once a page of `path`'s children came: after those loaded when `offset` > 0, else in their place. */
export function withPage(loaded: ReadonlyMap<string, Loaded>, path: string, offset: number, page: Loaded): Map<string, Loaded> {
  const next = new Map(loaded)
  const before = offset > 0 ? (loaded.get(path)?.children ?? []) : []
  next.set(path, { children: [...before, ...page.children], total: page.total })
  return next
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

/** What a key does in a file tree: select a row, open or close a folder, load the next page. */
export type TreeKeyAction = { do: 'move'; index: number } | { do: 'open'; node: FileNode; open: boolean } | { do: 'more'; parent: string; offset: number } | { do: 'stay' }

/** Rows one PageUp/PageDown moves. */
const TREE_PAGE = 20

/**
 * The tree keys, one rule for every file tree: ↑/↓/Home/End/PageUp/PageDown move; → or Enter
 * opens a folder, or on an open one goes to its first child; ← closes an open folder, else it
 * and Backspace go to the parent; Enter on a "load more" row loads the next page. A `flat` list
 * (search results) has no folders to open. null: not a tree key here, let it through.
 */
export function treeKey(rows: TreeRow[], active: number, key: string, expanded: ReadonlySet<string>, flat = false): TreeKeyAction | null {
  const next = moveIndex(active, rows.length, key, TREE_PAGE)
  if (next !== null) return { do: 'move', index: next }
  const row = rows[active]
  if (!row) return null
  if (row.kind === 'more') return key === 'Enter' ? { do: 'more', parent: row.parent, offset: row.loaded } : null
  if (row.kind !== 'node' || flat) return null
  const { node } = row
  const open = expanded.has(node.path)
  if (key === 'ArrowRight' || key === 'Enter') {
    if (!node.hasChildren) return { do: 'stay' }
    return open ? { do: 'move', index: Math.min(rows.length - 1, active + 1) } : { do: 'open', node, open: true }
  }
  if (key === 'ArrowLeft' && open) return { do: 'open', node, open: false }
  if (key === 'ArrowLeft' || key === 'Backspace') {
    const p = parentRowIndex(rows, active)
    return p >= 0 ? { do: 'move', index: p } : { do: 'stay' }
  }
  return null
}

/** The open folders once `node` is opened (`open` true), closed (false) or flipped; null when that changes nothing. */
export function toggleFolder(expanded: ReadonlySet<string>, node: FileNode, open?: boolean): Set<string> | null {
  if (!node.hasChildren) return null
  const isOpen = expanded.has(node.path)
  if ((open ?? !isOpen) === isOpen) return null
  const next = new Set(expanded)
  if (isOpen) next.delete(node.path)
  else next.add(node.path)
  return next
}

/** A tree component's state and setters, from which treeControls makes its handlers. */
export interface TreeState {
  rows: TreeRow[]
  active: number
  expanded: ReadonlySet<string>
  loaded: ReadonlyMap<string, Loaded>
  /** Search results: a flat list, nothing to open. */
  flat?: boolean
  setActive: (index: number) => void
  setExpanded: (expanded: Set<string>) => void
  /** Fetches a folder's children (from `offset`, for "load more"). */
  loadDir: (path: string, offset?: number) => void
}

/** The key event fields the handlers read (a React or DOM KeyboardEvent). */
export interface KeyLike {
  key: string
  target: EventTarget | null
  preventDefault: () => void
}

/** Folder toggling (fetching a folder the first time it opens) and the tree keys, for every file tree. */
export function treeControls(s: TreeState): { toggle: (node: FileNode, open?: boolean) => void; onKey: (e: KeyLike) => void } {
  const toggle = (node: FileNode, open?: boolean): void => {
    const next = toggleFolder(s.expanded, node, open)
    if (!next) return
    if (next.has(node.path) && !s.loaded.has(node.path)) s.loadDir(node.path)
    s.setExpanded(next)
  }
  const onKey = (e: KeyLike): void => {
    if (isTyping(e.target)) return
    const a = treeKey(s.rows, s.active, e.key, s.expanded, s.flat)
    if (!a) return
    e.preventDefault()
    if (a.do === 'move') s.setActive(a.index)
    else if (a.do === 'open') toggle(a.node, a.open)
    else if (a.do === 'more') s.loadDir(a.parent, a.offset)
  }
  return { toggle, onKey }
}
