// Bytes of a tree scope split by what the scope's layer did to them, rolled up per path id
// so a folder knows its proportions (a base layer's /usr is all "added", a mixed /app part
// added, part changed). Computed once per scope, on demand (treemaps), like the scope's
// bytes and files roll-ups: one pass over the visible entries, one over the hidden copies,
// one reverse pass over the ids (parents come before children).
import { F_WHITEOUT, K_FILE, type LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import { C_ADDED, C_CHANGED, R_DELETED, type Refs, type StackResult } from './stack'

/**
 * Per path id, bytes at or below it. `unchanged` is not stored: it is the scope's bytes minus
 * added and changed. `deleted` = bytes of lower-layer files the layer hid (they have no area
 * in the scope); `wasted` = visible bytes of the scope that a later layer hides again.
 */
export interface ChangeRollup {
  added: Float64Array
  changed: Float64Array
  deleted: Float64Array
  wasted: Float64Array
}

export interface RollupInput {
  paths: PathTable
  layers: LayerEntries[]
  refs: Refs
  /** The full stack of the image (with changes and waste). */
  stack: StackResult
  /** Visible entry ref per path id in the scope (-1 = absent). */
  vis: Int32Array
  /** The scope's layer: the one whose changes colour the scope. */
  layer: number
}

export function rollUpChanges(inp: RollupInput): ChangeRollup {
  const { paths, layers, refs, stack, vis, layer } = inp
  const P = paths.size
  const added = new Float64Array(P)
  const changed = new Float64Array(P)
  const deleted = new Float64Array(P)
  const wasted = new Float64Array(P)
  const wasteOf = stack.wasteOf
  for (let id = 1; id < P; id++) {
    const r = vis[id]!
    if (r < 0) continue
    const L = refs.layerOf(r)
    const l = layers[L]!
    const i = r - refs.offsets[L]!
    if (l.kind[i] !== K_FILE || l.flags[i]! & F_WHITEOUT) continue
    const size = l.size[i]!
    if (size === 0) continue
    // Bytes written by a lower layer are "unchanged" as far as this layer is concerned.
    if (L === layer) {
      const c = stack.change?.[L]?.[i]
      if (c === C_ADDED) added[id] = size
      else if (c === C_CHANGED) changed[id] = size
    }
    if (wasteOf && wasteOf[r]! >= 0) wasted[id] = size
  }
  const w = stack.waste
  if (w) {
    for (let k = 0; k < w.count; k++) {
      if (w.by[k] !== layer || w.reason[k] !== R_DELETED) continue
      const id = w.pathId[k]!
      deleted[id] = deleted[id]! + w.bytes[k]!
    }
  }
  for (let id = P - 1; id >= 1; id--) {
    const p = paths.parent(id)
    if (added[id]) added[p] = added[p]! + added[id]!
    if (changed[id]) changed[p] = changed[p]! + changed[id]!
    if (deleted[id]) deleted[p] = deleted[p]! + deleted[id]!
    if (wasted[id]) wasted[p] = wasted[p]! + wasted[id]!
  }
  return { added, changed, deleted, wasted }
}
