// Diffs two final filesystems into one tree holding both sides, with sizes rolled up per
// directory. Regular files are compared by content digest (sha256, taken while the layers
// streamed): a same-size edit is a change; the same digest with another mode or owner is a
// metadata-only change; a file removed at one path and added at another with the same digest
// is a move (one pair, not an unrelated removal and addition). Entries without digests fall
// back to comparing sizes. Links compare their targets, every entry its kind.
import type { EntryKind } from '../../../shared/models/analysis'
import type { FileDeltaCount, MovedFiles } from '../../../shared/models/compare'
import type { FinalEntry } from '../analysis/analyzed-image'

export type DiffStatus = 'same' | 'onlyA' | 'onlyB' | 'changed'

export interface DiffNode {
  name: string
  /** "/" for the root, else "/usr/lib". */
  path: string
  kindA?: EntryKind
  kindB?: EntryKind
  sizeA: number
  sizeB: number
  linkA?: string
  linkB?: string
  /** sha256 (hex) of a regular file's content on each side. */
  digestA?: string
  digestB?: string
  modeA?: number
  modeB?: number
  uidA?: number
  uidB?: number
  gidA?: number
  gidB?: number
  /** Same content, other mode/uid/gid (regular files only). */
  metaOnly?: boolean
  /** Moved: on the onlyA side the path it moved to, on the onlyB side the path it came from. */
  movedPath?: string
  /** Layer that last wrote the entry on each side. */
  layerA?: number
  layerB?: number
  status: DiffStatus
  /** The entry itself differs (one side only, or kind/size/link target), not just something below it. */
  self: boolean
  /** Regular-file bytes at or below, per side. */
  totalA: number
  totalB: number
  /** Regular-file bytes of differing entries at or below, per side. */
  diffA: number
  diffB: number
  /** Sum of |sizeB - sizeA| over differing entries at or below. */
  churn: number
  /** Sum of max(sizeA, sizeB) over differing entries at or below: the diff treemap's area. */
  span: number
  /** Differing non-directory entries at or below (a move counts once, as `moved`, where it arrives). */
  added: number
  removed: number
  changed: number
  /** Of `changed`: content changed, size did not. */
  sameSize: number
  metadata: number
  moved: number
  children?: Map<string, DiffNode>
}

export interface FsDiff {
  root: DiffNode
  files: { added: FileDeltaCount; removed: FileDeltaCount; changed: FileDeltaCount; metadata: FileDeltaCount; moved: MovedFiles }
}

/** At most this many moves are listed (all are counted). */
export const MAX_MOVES_LISTED = 10_000

export interface FsDiffOptions {
  /**
   * Layers below this index are the same on both sides (the shared prefix): an entry last
   * written by the same shared layer on both sides is identical, whatever its headers say.
   */
  sharedLayers?: number
  signal?: AbortSignal
}

function newNode(name: string, path: string): DiffNode {
  return {
    name, path, sizeA: 0, sizeB: 0, status: 'same', self: false, totalA: 0, totalB: 0, diffA: 0, diffB: 0, churn: 0, span: 0,
    added: 0, removed: 0, changed: 0, sameSize: 0, metadata: 0, moved: 0
  }
}

/** "./usr/x/", "/usr/x", "usr/x" -> ["usr", "x"]. Names are data, never resolved ("..", "." kept as names except leading "."). */
export function splitPath(p: string): string[] {
  return p.split('/').filter((s, i) => s.length > 0 && !(i === 0 && s === '.'))
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`
}

function insert(root: DiffNode, e: FinalEntry, side: 'A' | 'B'): void {
  const parts = splitPath(e.path)
  if (parts.length === 0) return // the root itself
  let node = root
  for (const part of parts) {
    node.children ??= new Map()
    let child = node.children.get(part)
    if (!child) {
      child = newNode(part, joinPath(node.path, part))
      node.children.set(part, child)
    }
    node = child
  }
  if (side === 'A') {
    node.kindA = e.kind
    node.sizeA = e.kind === 'file' ? e.size : 0
    node.linkA = e.linkTarget
    node.layerA = e.layer
    node.digestA = e.digest
    node.modeA = e.mode
    node.uidA = e.uid
    node.gidA = e.gid
  } else {
    node.kindB = e.kind
    node.sizeB = e.kind === 'file' ? e.size : 0
    node.linkB = e.linkTarget
    node.layerB = e.layer
    node.digestB = e.digest
    node.modeB = e.mode
    node.uidB = e.uid
    node.gidB = e.gid
  }
}

/** Post-order pass: statuses and every rolled-up figure. Iterative, so deep trees cannot overflow the stack. */
function rollUp(root: DiffNode, sharedLayers: number): void {
  const order: DiffNode[] = []
  const stack: DiffNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    order.push(n)
    if (n.children) for (const c of n.children.values()) stack.push(c)
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!
    const inA = n.kindA !== undefined || n === root
    const inB = n.kindB !== undefined || n === root
    // A path present only as a parent of entries (no own header) is a directory on that side.
    const kindA = n.kindA ?? (n.children && hasSide(n, 'A') ? 'dir' : undefined)
    const kindB = n.kindB ?? (n.children && hasSide(n, 'B') ? 'dir' : undefined)
    n.kindA = n === root ? 'dir' : kindA
    n.kindB = n === root ? 'dir' : kindB
    const presentA = inA || kindA !== undefined
    const presentB = inB || kindB !== undefined
    let selfDiffers = false
    let metaOnly = false
    let sameSize = false
    if (presentA && presentB) {
      const sameLayer = n.layerA !== undefined && n.layerA === n.layerB && n.layerA < sharedLayers
      if (!sameLayer) {
        const file = n.kindA === 'file' && n.kindB === 'file'
        const byDigest = file && n.digestA !== undefined && n.digestB !== undefined
        const content =
          n.kindA !== n.kindB ||
          n.sizeA !== n.sizeB ||
          (byDigest && n.digestA !== n.digestB) ||
          (n.kindA !== 'dir' && (n.linkA ?? '') !== (n.linkB ?? ''))
        sameSize = content && file && n.sizeA === n.sizeB
        // Owners compare only when both sides know them (hand-made listings may not).
        const owner = n.uidA !== undefined && n.uidB !== undefined && (n.uidA !== n.uidB || n.gidA !== n.gidB)
        metaOnly = !content && file && (n.modeA !== n.modeB || owner)
        selfDiffers = content || metaOnly
      }
    }
    n.metaOnly = metaOnly || undefined
    n.totalA = n.sizeA
    n.totalB = n.sizeB
    n.diffA = 0
    n.diffB = 0
    n.churn = 0
    n.span = 0
    n.added = n.removed = n.changed = n.sameSize = n.metadata = n.moved = 0
    const countA = presentA && n.kindA !== 'dir'
    const countB = presentB && n.kindB !== 'dir'
    n.self = n !== root && (!presentA || !presentB || selfDiffers)
    if (n.self && metaOnly) {
      // Same bytes: no churn and no treemap area, only the count.
      n.metadata++
    } else if (n.self) {
      n.diffA += n.sizeA
      n.diffB += n.sizeB
      n.churn += Math.abs(n.sizeB - n.sizeA)
      n.span += Math.max(n.sizeA, n.sizeB)
      if (countA && countB) {
        n.changed++
        if (sameSize) n.sameSize++
      } else if (n.movedPath !== undefined) {
        if (countB) n.moved++
      } else if (countB) n.added++
      else if (countA) n.removed++
    }
    let childDiffers = false
    if (n.children) {
      for (const c of n.children.values()) {
        n.totalA += c.totalA
        n.totalB += c.totalB
        n.diffA += c.diffA
        n.diffB += c.diffB
        n.churn += c.churn
        n.span += c.span
        n.added += c.added
        n.removed += c.removed
        n.changed += c.changed
        n.sameSize += c.sameSize
        n.metadata += c.metadata
        n.moved += c.moved
        if (c.status !== 'same') childDiffers = true
      }
    }
    n.status = !presentB ? 'onlyA' : !presentA ? 'onlyB' : selfDiffers || childDiffers ? 'changed' : 'same'
  }
}

function hasSide(n: DiffNode, side: 'A' | 'B'): boolean {
  // Children are processed first (post-order), so their kinds are final.
  for (const c of n.children!.values()) if ((side === 'A' ? c.kindA : c.kindB) !== undefined) return true
  return false
}

/** Builds the diff tree of two final filesystems. Memory: one node per path of the union. */
export function diffFilesystems(a: Iterable<FinalEntry>, b: Iterable<FinalEntry>, opts: FsDiffOptions = {}): FsDiff {
  const root = newNode('', '/')
  let n = 0
  for (const e of a) {
    insert(root, e, 'A')
    if ((++n & 0xffff) === 0 && opts.signal?.aborted) throw abortError()
  }
  for (const e of b) {
    insert(root, e, 'B')
    if ((++n & 0xffff) === 0 && opts.signal?.aborted) throw abortError()
  }
  rollUp(root, opts.sharedLayers ?? 0)
  // Moves are only known once statuses are: pair them, then roll up again to count them.
  if (matchMoves(root) > 0) rollUp(root, opts.sharedLayers ?? 0)
  return { root, files: countFiles(root) }
}

/**
 * Pairs regular files removed at one path with files added at another holding the same
 * content (digest and size). Empty files are never paired: every empty file has one digest,
 * so a pair would say nothing. Several copies pair in path order, one to one.
 */
function matchMoves(root: DiffNode): number {
  const gone = new Map<string, DiffNode[]>()
  const came: DiffNode[] = []
  const stack: DiffNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.status === 'same') continue
    if (n.self && n.status === 'onlyA' && n.kindA === 'file' && n.sizeA > 0 && n.digestA) {
      const k = `${n.digestA}:${n.sizeA}`
      const list = gone.get(k)
      if (list) list.push(n)
      else gone.set(k, [n])
    } else if (n.self && n.status === 'onlyB' && n.kindB === 'file' && n.sizeB > 0 && n.digestB) {
      came.push(n)
    }
    if (n.children) for (const c of n.children.values()) stack.push(c)
  }
  if (gone.size === 0 || came.length === 0) return 0
  const byPath = (x: DiffNode, y: DiffNode): number => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)
  for (const list of gone.values()) list.sort(byPath).reverse()
  came.sort(byPath)
  let pairs = 0
  for (const b of came) {
    const a = gone.get(`${b.digestB}:${b.sizeB}`)?.pop()
    if (!a) continue
    a.movedPath = b.path
    b.movedPath = a.path
    pairs++
  }
  return pairs
}

function abortError(): Error {
  const e = new Error('Cancelled.')
  e.name = 'AbortError'
  return e
}

function countFiles(root: DiffNode): FsDiff['files'] {
  const added = { count: 0, bytes: 0, bytesA: 0, bytesB: 0 }
  const removed = { count: 0, bytes: 0, bytesA: 0, bytesB: 0 }
  const changed = { count: 0, bytes: 0, bytesA: 0, bytesB: 0, sameSize: 0 }
  const metadata = { count: 0, bytes: 0, bytesA: 0, bytesB: 0 }
  const moved: MovedFiles = { count: 0, bytes: 0, paths: [] }
  const stack: DiffNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.status === 'same') continue
    if (n.self) {
      const countA = n.status !== 'onlyB' && n.kindA !== 'dir'
      const countB = n.status !== 'onlyA' && n.kindB !== 'dir'
      if (n.metaOnly) {
        metadata.count++
        metadata.bytesA += n.sizeA
        metadata.bytesB += n.sizeB
      } else if (countA && countB) {
        changed.count++
        changed.bytesA += n.sizeA
        changed.bytesB += n.sizeB
        if (n.kindA === 'file' && n.kindB === 'file' && n.sizeA === n.sizeB) changed.sameSize++
      } else if (n.movedPath !== undefined) {
        // Counted once, where it arrives; its bytes are the same on both sides.
        if (countB) {
          moved.count++
          moved.bytes += n.sizeB
          if (moved.paths.length < MAX_MOVES_LISTED) moved.paths.push({ from: n.movedPath, to: n.path, bytes: n.sizeB, digest: `sha256:${n.digestB}` })
        }
      } else if (countB) {
        added.count++
        added.bytesB += n.sizeB
      } else if (countA) {
        removed.count++
        removed.bytesA += n.sizeA
      }
    }
    if (n.children) for (const c of n.children.values()) stack.push(c)
  }
  added.bytes = added.bytesB
  removed.bytes = removed.bytesA
  changed.bytes = changed.bytesB - changed.bytesA
  metadata.bytes = metadata.bytesB
  moved.paths.sort((x, y) => y.bytes - x.bytes || (x.to < y.to ? -1 : 1))
  if (moved.paths.length < moved.count) moved.truncated = true
  return { added, removed, changed, metadata, moved }
}

/** The first differing entry (depth first, by name) that `pick` accepts: the sentence's example. */
export function firstDiffering(root: DiffNode, pick: (n: DiffNode) => boolean): DiffNode | undefined {
  const stack: DiffNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.status === 'same') continue
    if (n.self && pick(n)) return n
    if (n.children) stack.push(...[...n.children.values()].sort((x, y) => (x.name < y.name ? 1 : -1)))
  }
  return undefined
}

/** The node at a path ("/", "/usr/lib", "usr/lib/"), or undefined. */
export function findNode(root: DiffNode, path: string): DiffNode | undefined {
  let node: DiffNode | undefined = root
  for (const part of splitPath(path)) {
    node = node.children?.get(part)
    if (!node) return undefined
  }
  return node
}
