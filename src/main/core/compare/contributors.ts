// Rolls a diff tree up into a short list of the directories (or files) that make up the
// difference. A directory is replaced by its children while one child dominates it, so rows
// read "/usr/lib/gcc +180 MB" rather than just "/usr"; the rows stay disjoint, so their
// deltas never count a byte twice.
import type { Contributor } from '../../../shared/models/compare'
import { findNode, type DiffNode } from './fs-diff'
import { LayerscopeError } from '../errors'

/** A child holding at least this share of its parent's churn is descended into. */
export const DOMINANCE = 0.75
/** A directory whose net delta is below this share of its churn is split into its children. */
export const CANCEL_OUT = 0.5

export interface ContributorOptions {
  limit?: number
  /** Descend while one child dominates (default). Off: plain direct children. */
  rollUp?: boolean
}

function differs(n: DiffNode): boolean {
  return n.status !== 'same'
}

/** Ranking: bytes that moved first, then how many entries differ (zero-byte links, empty files). */
function weigh(n: DiffNode): number {
  return n.churn
}

function compareNodes(x: DiffNode, y: DiffNode): number {
  return (
    weigh(y) - weigh(x) ||
    Math.abs(y.totalB - y.totalA) - Math.abs(x.totalB - x.totalA) ||
    // Same-size edits carry no churn; they still outrank rows where nothing was rewritten.
    y.sameSize - x.sameSize ||
    y.added + y.removed + y.changed - (x.added + x.removed + x.changed) ||
    (x.path < y.path ? -1 : 1)
  )
}

function differingChildren(n: DiffNode): DiffNode[] {
  if (!n.children) return []
  const out: DiffNode[] = []
  for (const c of n.children.values()) if (differs(c)) out.push(c)
  return out
}

/** Descends from `n` while a single differing child carries most of it. */
function expand(n: DiffNode): DiffNode[] {
  const kids = differingChildren(n)
  if (kids.length === 0) return [n]
  // The directory's own header change (e.g. a file replaced by a directory) keeps it a row.
  if (n.self && n.status === 'changed') return [n]
  if (kids.length === 1) return expand(kids[0]!)
  const total = weigh(n)
  const top = kids.reduce((m, c) => (weigh(c) > weigh(m) ? c : m))
  if (total > 0 && weigh(top) >= DOMINANCE * total) {
    return kids.flatMap((c) => (c === top ? expand(c) : [c]))
  }
  // Children that cancel out (+400 MB here, -400 MB there) explain more than their parent's
  // small net delta: show them instead.
  if (total > 0 && Math.abs(n.totalB - n.totalA) < CANCEL_OUT * total) return kids
  return [n]
}

export function toContributor(n: DiffNode): Contributor {
  const status = n.status === 'onlyA' ? 'onlyA' : n.status === 'onlyB' ? 'onlyB' : 'changed'
  return {
    path: n.path,
    bytesA: n.totalA,
    bytesB: n.totalB,
    delta: n.totalB - n.totalA,
    status,
    hasChildren: differingChildren(n).length > 0,
    kind: n.kindB ?? n.kindA,
    churn: n.churn,
    differing: n.added + n.removed + n.changed + n.metadata + n.moved,
    ...(n.movedPath !== undefined ? { moved: n.movedPath } : {}),
    ...(n.sameSize > 0 ? { sameSize: n.sameSize } : {}),
    ...(n.metadata > 0 ? { metadata: n.metadata } : {}),
    ...(n.moved > 0 ? { movedFiles: n.moved } : {})
  }
}

/**
 * The biggest contributors below `path` (the root by default): each differing child, rolled
 * down while one of its children dominates, largest churn first.
 */
export function contributorsAt(root: DiffNode, path = '/', opts: ContributorOptions = {}): Contributor[] {
  const node = findNode(root, path)
  if (!node) throw new LayerscopeError('NOT_FOUND', `${path} is in neither image.`)
  const limit = opts.limit ?? 200
  const rows = opts.rollUp === false ? differingChildren(node) : differingChildren(node).flatMap(expand)
  // A node with no children at all (a file) is its own only contributor.
  if (rows.length === 0 && differs(node) && node !== root && !node.children) rows.push(node)
  return rows.sort(compareNodes).slice(0, limit).map(toContributor)
}

/**
 * Rows that carry bytes in either image. Zero-byte rows (symlinks, empty files) are real
 * differences but read as noise in a "where the bytes go" list; summaries count them instead.
 */
export function splitByBytes(rows: readonly Contributor[]): { withBytes: Contributor[]; zeroByte: number } {
  const withBytes = rows.filter((r) => r.bytesA > 0 || r.bytesB > 0)
  return { withBytes, zeroByte: rows.length - withBytes.length }
}
