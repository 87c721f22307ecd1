// Stacks layers bottom-up the way overlayfs does: whiteouts and opaque dirs of a layer hide
// what is below it, then the layer's entries are laid on top. One pass gives, per layer,
// what it added/changed/deleted, every hidden copy (waste, with its reason), dive's score
// inputs, and the visible final filesystem. Works on path ids and typed arrays only.
import type { ChangeKind, LayerSummary, WasteReason } from '../../../shared/models/analysis'
import { F_OPAQUE, F_WHITEOUT, K_DIR, K_FILE, type LayerEntries } from '../model/layer-entries'
import { ROOT, type PathTable } from '../model/path-table'
import { grow } from '../model/typed-arrays'

export const C_UNCHANGED = 0
export const C_ADDED = 1
export const C_CHANGED = 2
export const C_DELETED = 3
/** A whiteout that hid nothing. */
export const C_NOOP = 4
export const CHANGE_NAMES: (ChangeKind | undefined)[] = ['unchanged', 'added', 'changed', 'deleted', undefined]

export const R_DELETED = 0
export const R_OVERWRITTEN = 1
export const R_METADATA = 2
export const REASON_NAMES: WasteReason[] = ['deleted', 'overwritten', 'metadata-only']

export type LayerChanges = Pick<LayerSummary, 'added' | 'changed' | 'deleted' | 'addedBytes' | 'changedBytes' | 'deletedBytes'>

/** Every hidden copy of a regular file, as columns. */
export class WasteList {
  count = 0
  pathId = new Int32Array(64)
  bytes = new Float64Array(64)
  reason = new Uint8Array(64)
  layer = new Uint16Array(64)
  by = new Uint16Array(64)
  /** Global entry ref of the hidden copy. */
  ref = new Int32Array(64)
  total = 0

  add(pathId: number, bytes: number, reason: number, layer: number, by: number, ref: number): void {
    if (this.count === this.pathId.length) {
      const n = this.count * 2
      this.pathId = grow(this.pathId, n)
      this.bytes = grow(this.bytes, n)
      this.reason = grow(this.reason, n)
      this.layer = grow(this.layer, n)
      this.by = grow(this.by, n)
      this.ref = grow(this.ref, n)
    }
    const i = this.count++
    this.pathId[i] = pathId
    this.bytes[i] = bytes
    this.reason[i] = reason
    this.layer[i] = layer
    this.by[i] = by
    this.ref[i] = ref
    this.total += bytes
  }

  /** Indexes sorted largest first (ties by path id, so the order is stable). */
  order(): Int32Array {
    const idx = new Int32Array(this.count)
    for (let i = 0; i < this.count; i++) idx[i] = i
    const b = this.bytes
    const p = this.pathId
    return idx.sort((x, y) => b[y]! - b[x]! || p[x]! - p[y]! || x - y)
  }
}

export interface StackResult {
  /** Global entry ref visible at each path id, or -1. */
  vis: Int32Array
  /** Per layer, per entry: C_* change kind. Only with `full`. */
  change?: Uint8Array[]
  changes?: LayerChanges[]
  waste?: WasteList
  /** Global ref -> index in waste (the hidden copy's record), or -1. Only with `full`. */
  wasteOf?: Int32Array
  dive?: { score: number; wastedBytes: number }
}

/** Global entry refs: layer offset + index. */
export class Refs {
  readonly offsets: number[] = []
  readonly total: number
  /** The layer of each ref: a lookup, not a search, in every pass over a million entries. */
  private readonly layerAt: Uint16Array | Uint32Array
  constructor(readonly layers: LayerEntries[]) {
    let n = 0
    for (const l of layers) {
      this.offsets.push(n)
      n += l.count
    }
    this.total = n
    this.layerAt = layers.length <= 0xffff ? new Uint16Array(n) : new Uint32Array(n)
    for (let L = 0; L < layers.length; L++) this.layerAt.fill(L, this.offsets[L]!, this.offsets[L]! + layers[L]!.count)
  }
  layerOf(ref: number): number {
    if (ref >= 0 && ref < this.total) return this.layerAt[ref]!
    // Past the end: the last layer, as the offsets say (no entry lives there).
    const o = this.offsets
    let L = o.length - 1
    while (L > 0 && o[L]! > ref) L--
    return L
  }
}

/**
 * Stacks layers 0..upTo. With `full`, also collects changes, waste and dive's figures
 * (only meaningful when upTo is the top layer, but correct for any prefix).
 */
export function stackLayers(paths: PathTable, refs: Refs, upTo: number, full: boolean): StackResult {
  const P = paths.size
  const layers = refs.layers
  const vis = new Int32Array(P).fill(-1)
  const stamp = new Int32Array(P)
  const change: Uint8Array[] = []
  const changes: LayerChanges[] = []
  const waste = new WasteList()
  const wasteOf = full ? new Int32Array(refs.total).fill(-1) : undefined
  // dive: per path, min and cumulative size over layers where it is a leaf or a whiteout.
  const diveMin = full ? new Float64Array(P).fill(-1) : undefined
  const diveCum = full ? new Float64Array(P) : undefined
  const diveCnt = full ? new Uint16Array(P) : undefined

  const sizeOf = (ref: number): number => {
    const L = refs.layerOf(ref)
    const l = layers[L]!
    return l.size[ref - refs.offsets[L]!]!
  }
  const kindOf = (ref: number): number => {
    const L = refs.layerOf(ref)
    return layers[L]!.kind[ref - refs.offsets[L]!]!
  }

  for (let L = 0; L <= upTo && L < layers.length; L++) {
    const l = layers[L]!
    const off = refs.offsets[L]!
    const ch = full ? new Uint8Array(l.count) : undefined
    const c: LayerChanges = { added: 0, changed: 0, deleted: 0, addedBytes: 0, changedBytes: 0, deletedBytes: 0 }

    /** Hides a visible path (and what is below it); records waste for regular files. */
    const hide = (id: number, reason: number, withSelf: boolean): { paths: number; bytes: number } => {
      let n = 0
      let bytes = 0
      const todo = [id]
      let first = true
      while (todo.length > 0) {
        const p = todo.pop()!
        if (!first || withSelf) {
          const r = vis[p]!
          if (r >= 0) {
            n++
            const rl = refs.layerOf(r)
            const ll = layers[rl]!
            const ri = r - refs.offsets[rl]!
            if (ll.kind[ri] === K_FILE) {
              const sz = ll.size[ri]!
              bytes += sz
              if (full && sz > 0) {
                wasteOf![r] = waste.count
                waste.add(p, sz, reason, rl, L, r)
              }
            }
            vis[p] = -1
          }
        }
        first = false
        const kids = paths.children(p)
        if (kids) for (const k of kids.values()) todo.push(k)
      }
      return { paths: n, bytes }
    }

    // 1. Whiteouts and opaque markers act on the layers below only.
    for (let i = 0; i < l.count; i++) {
      const f = l.flags[i]!
      if (!(f & (F_WHITEOUT | F_OPAQUE))) continue
      const id = l.pathId[i]!
      const before = vis[id]!
      const wasDir = before >= 0 ? kindOf(before) === K_DIR : paths.children(id) !== undefined
      const r = hide(id, R_DELETED, (f & F_WHITEOUT) !== 0)
      if (r.paths > 0) {
        c.deleted += r.paths
        c.deletedBytes += r.bytes
      }
      if (ch) ch[i] = r.paths > 0 ? C_DELETED : C_NOOP
      if (full && f & F_WHITEOUT) {
        // dive sizes a whiteout by what it hid only when that was a directory.
        diveAdd(id, wasDir ? r.bytes : 0)
      }
    }

    // 2. Parents of this layer's entries: dive leaves, and lower non-dirs turned into dirs.
    const tag = L + 1
    for (let i = 0; i < l.count; i++) {
      if (l.flags[i]! & F_OPAQUE) continue
      let p = paths.parent(l.pathId[i]!)
      while (p !== ROOT && stamp[p] !== tag) {
        stamp[p] = tag
        const r = vis[p]!
        if (r >= 0 && refs.layerOf(r) < L && kindOf(r) !== K_DIR) {
          // A file below became a directory here (implied by a child path).
          if (kindOf(r) === K_FILE && sizeOf(r) > 0 && full) {
            wasteOf![r] = waste.count
            waste.add(p, sizeOf(r), R_OVERWRITTEN, refs.layerOf(r), L, r)
          }
          vis[p] = -1
        }
        p = paths.parent(p)
      }
    }

    // 3. The layer's own entries, in tar order (a later duplicate wins).
    for (let i = 0; i < l.count; i++) {
      if (l.flags[i]! & (F_WHITEOUT | F_OPAQUE)) continue
      const id = l.pathId[i]!
      const kind = l.kind[i]!
      const size = l.size[i]!
      const ref = off + i
      const prev = vis[id]!
      let kindChange = C_ADDED
      let dup = false
      if (prev >= 0) {
        const pl = refs.layerOf(prev)
        const pll = layers[pl]!
        const pi = prev - refs.offsets[pl]!
        const pkind = pll.kind[pi]!
        dup = pl === L
        if (pkind === K_DIR && kind === K_DIR) {
          const same = pll.mode[pi] === l.mode[i] && pll.uid[pi] === l.uid[i] && pll.gid[pi] === l.gid[i]
          kindChange = same ? C_UNCHANGED : C_CHANGED
        } else {
          kindChange = C_CHANGED
          if (pkind === K_DIR) hide(id, R_OVERWRITTEN, false)
          if (pkind === K_FILE) {
            const psz = pll.size[pi]!
            if (full && psz > 0) {
              const meta = kind === K_FILE && psz === size && pll.mtime[pi] === l.mtime[i]
              wasteOf![prev] = waste.count
              waste.add(id, psz, meta ? R_METADATA : R_OVERWRITTEN, pl, L, prev)
            }
          }
        }
        // A duplicate path inside one layer keeps the first entry's verdict and is counted once.
        if (dup && ch) kindChange = ch[pi]!
      }
      if (ch) ch[i] = kindChange
      if (!dup) {
        if (kindChange === C_ADDED) {
          c.added++
          if (kind === K_FILE) c.addedBytes += size
        } else if (kindChange === C_CHANGED) {
          c.changed++
          if (kind === K_FILE) c.changedBytes += size
        }
      }
      vis[id] = ref
      if (full && stamp[id] !== tag) diveAdd(id, kind === K_FILE ? size : 0)
    }
    if (ch) change.push(ch)
    changes.push(c)
  }

  function diveAdd(id: number, size: number): void {
    if (!diveCum) return
    diveCum[id] = diveCum[id]! + size
    if (diveMin![id]! < 0 || size < diveMin![id]!) diveMin![id] = size
    if (diveCnt![id]! < 65535) diveCnt![id] = diveCnt![id]! + 1
  }

  const out: StackResult = { vis }
  if (full) {
    let minSum = 0
    let cumSum = 0
    let wasted = 0
    for (let p = 0; p < P; p++) {
      const n = diveCnt![p]!
      if (n === 0) continue
      minSum += diveMin![p]!
      cumSum += diveCum![p]!
      if (n >= 2) wasted += diveCum![p]!
    }
    out.change = change
    out.changes = changes
    out.waste = waste
    out.wasteOf = wasteOf
    out.dive = { score: cumSum === 0 ? 1 : minSum / cumSum, wastedBytes: wasted }
  }
  return out
}
