// The difference as a treemap: only differing entries, each sized by the larger of its two
// sides (a removed 40 MB file is as big as an added one), coloured by status. Small entries
// are folded into one "aggregate" node per directory and the node count is bounded, so the
// renderer never draws thousands of slivers.
import type { DiffTreemapNode } from '../../../shared/models/compare'
import { findNode, type DiffNode } from './fs-diff'
import { LayerscopeError } from '../errors'

export interface DiffTreemapOptions {
  depth?: number
  maxNodes?: number
  /** Entries smaller than this share of the requested node are aggregated. */
  minShare?: number
}

function statusOf(n: DiffNode): DiffTreemapNode['status'] {
  return n.status === 'onlyA' ? 'onlyA' : n.status === 'onlyB' ? 'onlyB' : 'changed'
}

export function diffTreemap(root: DiffNode, path = '/', opts: DiffTreemapOptions = {}): DiffTreemapNode {
  const start = findNode(root, path)
  if (!start) throw new LayerscopeError('NOT_FOUND', `${path} is in neither image.`)
  const depth = Math.max(1, Math.min(opts.depth ?? 4, 12))
  const maxNodes = Math.max(8, Math.min(opts.maxNodes ?? 400, 5000))
  // Rectangle size: max of the two sides per differing entry; a directory sums its parts.
  const sizeOf = (n: DiffNode): number => n.span
  const total = sizeOf(start)
  const minBytes = total * (opts.minShare ?? 0.002)
  let budget = maxNodes - 1

  const make = (n: DiffNode): DiffTreemapNode => ({
    name: n === root ? '/' : n.name,
    path: n.path,
    bytes: sizeOf(n),
    bytesA: n.diffA,
    bytesB: n.diffB,
    status: statusOf(n),
    ...(n.movedPath !== undefined ? { moved: n.movedPath } : {})
  })

  // Breadth-first, so the budget is spent on the big upper levels before small deep ones.
  const top = make(start)
  const queue: Array<{ node: DiffNode; out: DiffTreemapNode; level: number }> = [{ node: start, out: top, level: 0 }]
  while (queue.length > 0) {
    const { node, out, level } = queue.shift()!
    if (level >= depth || !node.children) continue
    const kids = [...node.children.values()].filter((c) => c.status !== 'same' && sizeOf(c) > 0)
    if (kids.length === 0) continue
    kids.sort((x, y) => sizeOf(y) - sizeOf(x) || (x.name < y.name ? -1 : 1))
    const children: DiffTreemapNode[] = []
    let rest: DiffNode[] = []
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!
      // Keep one slot for the aggregate when more follow.
      const room = budget - (i < kids.length - 1 ? 1 : 0)
      if (sizeOf(k) < minBytes || room <= 0) {
        rest = kids.slice(i)
        break
      }
      const o = make(k)
      children.push(o)
      budget--
      queue.push({ node: k, out: o, level: level + 1 })
    }
    if (rest.length > 0 && budget > 0) {
      budget--
      const bytesA = rest.reduce((s, r) => s + r.diffA, 0)
      const bytesB = rest.reduce((s, r) => s + r.diffB, 0)
      children.push({
        name: `${rest.length} smaller`,
        path: node.path,
        bytes: rest.reduce((s, r) => s + sizeOf(r), 0),
        bytesA,
        bytesB,
        status: 'aggregate',
        count: rest.length
      })
    }
    // A file replaced by a directory keeps its own bytes as a piece of its area.
    const own = node.self ? Math.max(node.sizeA, node.sizeB) : 0
    if (own > 0 && budget > 0) {
      budget--
      children.push({ name: `${node.name} (itself)`, path: node.path, bytes: own, bytesA: node.sizeA, bytesB: node.sizeB, status: 'changed' })
    }
    if (children.length > 0) out.children = children
  }
  return top
}
