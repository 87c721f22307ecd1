import type { ChangeBytes, EntryKind, FileNode, ImageAnalysis, TreemapNode, WastePath } from '../../../shared/models/analysis'
import { normalizePath } from '../model/paths'
import { LayerscopeError } from '../errors'
import { F_OPAQUE, F_WHITEOUT, K_FILE, KIND_NAMES, type LayerEntries } from '../model/layer-entries'
import { ROOT, type PathTable } from '../model/path-table'
import { Lru } from '../model/lru'
import { rollUpChanges, type ChangeRollup } from './change-rollup'
import { CHANGE_NAMES, REASON_NAMES, Refs, stackLayers, type StackResult } from './stack'

/** One visible path of the stacked final filesystem. */
export interface FinalEntry {
  /** Normalised: no leading "./" or "/", no trailing "/" ("usr/lib/x.so"). */
  path: string
  kind: EntryKind
  /** Regular-file bytes (0 for dirs, links). */
  size: number
  mode: number
  /** Layer that last wrote the path. */
  layer: number
  linkTarget?: string
  uid?: number
  gid?: number
  /** sha256 (hex) of a regular file's (or hard link's) content, when the layer was hashed. */
  digest?: string
}

/** A tree to query: one layer's own entries, or the stack of layers 0..layer. */
interface Scope {
  key: string
  mode: 'layer' | 'stacked'
  layer: number
  vis: Int32Array
  bytes: Float64Array
  files: Uint32Array
  /** 1 = visible or has a visible descendant; 2 also = has present children. */
  present: Uint8Array
  opaque?: Set<number>
  /** Bytes by change kind, rolled up; made on the first treemap of the scope. */
  changes?: ChangeRollup
}

const MAX_SCOPES = 4
const MAX_SORTS = 64

/** The in-memory model behind an analysis: interned paths, layer columns, the full stack. */
export interface ImageModel {
  paths: PathTable
  layers: LayerEntries[]
  stack: StackResult
}

/**
 * Tree, search and treemap queries over a model (layers + their stack). Holds headers only,
 * never file contents. Directory roll-ups are computed once per scope. AnalyzedImage adds the
 * analysis; an analysis still running serves its read layers' trees through it too.
 */
export class ModelTrees {
  private m?: ImageModel & { refs: Refs }
  private scopes = new Lru<string, Scope>(MAX_SCOPES)
  private sorted = new Lru<string, Int32Array>(MAX_SORTS)
  private wasteOrder?: Int32Array

  /**
   * `model` may be a loader: an image re-opened from the cache shows its summary at once
   * and reads its layers only when a tree, treemap, search or compare needs them.
   */
  constructor(private readonly model: ImageModel | (() => ImageModel)) {
    if (typeof model !== 'function') this.m = { ...model, refs: new Refs(model.layers) }
  }

  private get loaded(): ImageModel & { refs: Refs } {
    if (!this.m) {
      const m = (this.model as () => ImageModel)()
      this.m = { ...m, refs: new Refs(m.layers) }
    }
    return this.m
  }

  /** True once the layers are in memory. */
  get isLoaded(): boolean {
    return this.m !== undefined
  }

  get paths(): PathTable {
    return this.loaded.paths
  }
  get layers(): LayerEntries[] {
    return this.loaded.layers
  }
  get stack(): StackResult {
    return this.loaded.stack
  }
  get refs(): Refs {
    return this.loaded.refs
  }

  /** Every visible path of the final filesystem, in no particular order. */
  *finalEntries(): Iterable<FinalEntry> {
    const vis = this.stack.vis
    for (let id = 1; id < vis.length; id++) {
      const r = vis[id]!
      if (r < 0) continue
      const L = this.refs.layerOf(r)
      const l = this.layers[L]!
      const i = r - this.refs.offsets[L]!
      const e: FinalEntry = { path: this.paths.path(id), kind: KIND_NAMES[l.kind[i]!]!, size: l.size[i]!, mode: l.mode[i]!, layer: L, uid: l.uid[i]!, gid: l.gid[i]! }
      const link = l.links.get(i)
      if (link !== undefined) e.linkTarget = link
      const digest = l.digestHex(i)
      if (digest !== undefined) e.digest = digest
      yield e
    }
  }

  // ---- scopes -------------------------------------------------------------------------

  private scope(layer: number | null, mode: 'layer' | 'stacked'): Scope {
    const top = this.layers.length - 1
    const L = layer === null ? top : layer
    if (!Number.isInteger(L) || L < 0 || L > top) {
      throw new LayerscopeError('INVALID_INPUT', `Layer ${layer} does not exist: this image has ${this.layers.length} layers (0-${top}).`)
    }
    const m = mode === 'layer' ? 'layer' : 'stacked'
    const key = `${m}:${L}`
    const hit = this.scopes.get(key)
    if (hit) return hit
    const P = this.paths.size
    let vis: Int32Array
    let opaque: Set<number> | undefined
    if (m === 'stacked') {
      vis = L === top ? this.stack.vis : stackLayers(this.paths, this.refs, L, false).vis
    } else {
      vis = new Int32Array(P).fill(-1)
      const l = this.layers[L]!
      const off = this.refs.offsets[L]!
      opaque = new Set()
      for (let i = 0; i < l.count; i++) {
        const f = l.flags[i]!
        if (f & F_OPAQUE) {
          opaque.add(l.pathId[i]!)
          continue
        }
        const id = l.pathId[i]!
        // A real entry wins over a whiteout of the same path (re-created after delete).
        if (f & F_WHITEOUT && vis[id]! >= 0) continue
        vis[id] = off + i
      }
    }
    const bytes = new Float64Array(P)
    const files = new Uint32Array(P)
    const present = new Uint8Array(P)
    for (let id = 1; id < P; id++) {
      const r = vis[id]!
      if (r < 0) continue
      present[id] = 1
      const Lr = this.refs.layerOf(r)
      const l = this.layers[Lr]!
      const i = r - this.refs.offsets[Lr]!
      if (l.kind[i] === K_FILE && !(l.flags[i]! & F_WHITEOUT)) {
        bytes[id] = l.size[i]!
        files[id] = 1
      }
    }
    if (opaque) for (const id of opaque) present[id] ||= 1
    // Ids are created parent-first, so one reverse pass rolls everything up.
    for (let id = P - 1; id >= 1; id--) {
      if (!present[id]) continue
      const p = this.paths.parent(id)
      bytes[p] = bytes[p]! + bytes[id]!
      files[p] = files[p]! + files[id]!
      present[p] = 2
    }
    present[ROOT] = present[ROOT] || 1
    const s: Scope = { key, mode: m, layer: L, vis, bytes, files, present, opaque }
    this.scopes.set(key, s)
    return s
  }

  private node(s: Scope, id: number): FileNode {
    const r = s.vis[id]!
    const name = this.paths.name(id)
    const n: FileNode = {
      name: id === ROOT ? '/' : name,
      path: id === ROOT ? '/' : `/${this.paths.path(id)}`,
      kind: 'dir',
      bytes: s.bytes[id]!,
      files: s.files[id]!,
      hasChildren: s.present[id] === 2
    }
    if (r >= 0) {
      const L = this.refs.layerOf(r)
      const l = this.layers[L]!
      const i = r - this.refs.offsets[L]!
      const f = l.flags[i]!
      n.kind = KIND_NAMES[l.kind[i]!]!
      n.mode = l.mode[i]!
      n.uid = l.uid[i]!
      n.gid = l.gid[i]!
      const digest = l.digestHex(i)
      if (digest !== undefined && !(f & F_WHITEOUT)) n.sha256 = `sha256:${digest}`
      const note = digest === undefined && !(f & F_WHITEOUT) ? l.digestNote(i) : undefined
      if (note !== undefined) n.sha256Note = note
      n.layerIndex = L
      const c = CHANGE_NAMES[this.stack.change?.[L]?.[i] ?? 0]
      if (c) n.change = c
      if (f & F_WHITEOUT) {
        n.whiteout = true
        n.change = 'deleted'
        n.kind = this.paths.children(id) ? 'dir' : 'file'
        delete n.mode
        delete n.uid
        delete n.gid
      }
      const link = l.links.get(i)
      if (link !== undefined) n.linkTarget = link
      const w = this.stack.wasteOf?.[r] ?? -1
      const ws = this.stack.waste
      if (w >= 0 && ws) n.waste = { reason: REASON_NAMES[ws.reason[w]!]!, bytes: ws.bytes[w]!, byLayerIndex: ws.by[w]! }
    }
    if (s.opaque?.has(id)) n.opaque = true
    return n
  }

  private resolve(s: Scope, path: string): number {
    const id = this.paths.lookup(normalizePath(path))
    if (id < 0 || !s.present[id]) {
      throw new LayerscopeError('NOT_FOUND', `${path} is not in ${s.mode === 'layer' ? `layer ${s.layer}` : `the filesystem up to layer ${s.layer}`}.`)
    }
    return id
  }

  private sortedChildren(s: Scope, id: number, sort: 'size' | 'name'): Int32Array {
    const key = `${s.key}|${id}|${sort}`
    const hit = this.sorted.get(key)
    if (hit) return hit
    const kids = this.paths.children(id)
    const list: number[] = []
    if (kids) for (const k of kids.values()) if (s.present[k]) list.push(k)
    const names = this.paths.names
    const byName = (a: number, b: number): number => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0)
    if (sort === 'name') list.sort(byName)
    else list.sort((a, b) => s.bytes[b]! - s.bytes[a]! || s.files[b]! - s.files[a]! || byName(a, b))
    const out = Int32Array.from(list)
    this.sorted.set(key, out)
    return out
  }

  // ---- queries ------------------------------------------------------------------------

  tree(layer: number | null, mode: 'layer' | 'stacked', path: string, sort: 'size' | 'name' = 'size', offset = 0, limit = 200): { node: FileNode; children: FileNode[]; total: number } {
    const s = this.scope(layer, mode)
    const id = this.resolve(s, path)
    const kids = this.sortedChildren(s, id, sort)
    const from = Math.max(0, Math.floor(offset))
    const n = Math.min(Math.max(1, Math.floor(limit)), 5000)
    const children: FileNode[] = []
    for (let i = from; i < kids.length && i < from + n; i++) children.push(this.node(s, kids[i]!))
    return { node: this.node(s, id), children, total: kids.length }
  }

  /**
   * Paths whose name (or, when the query has a "/", whole path) contains the query,
   * case-insensitive; a hex query of 6+ digits ("sha256:" optional) also finds files whose
   * content digest starts with it.
   */
  search(layer: number | null, mode: 'layer' | 'stacked', query: string, limit = 200): { matches: FileNode[]; total: number } {
    const s = this.scope(layer, mode)
    const q = query.toLowerCase()
    if (q.length === 0) return { matches: [], total: 0 }
    const n = Math.min(Math.max(1, Math.floor(limit)), 2000)
    const whole = q.includes('/')
    const found: number[] = []
    let total = 0
    const P = this.paths.size
    const hex = /^(sha256:)?([0-9a-f]{6,64})$/.exec(q)?.[2]
    const digestStarts = (id: number): boolean => {
      const r = s.vis[id]!
      if (r < 0) return false
      const L = this.refs.layerOf(r)
      return this.layers[L]!.digestHex(r - this.refs.offsets[L]!)?.startsWith(hex!) ?? false
    }
    for (let id = 1; id < P; id++) {
      if (!s.present[id]) continue
      const hay = whole ? `/${this.paths.path(id)}` : this.paths.name(id)
      if (!hay.toLowerCase().includes(q) && !(hex !== undefined && digestStarts(id))) continue
      total++
      if (found.length < n * 4) found.push(id)
    }
    // Biggest first among what was collected, so a bounded answer still shows what matters.
    found.sort((a, b) => s.bytes[b]! - s.bytes[a]! || a - b)
    return { matches: found.slice(0, n).map((id) => this.node(s, id)), total }
  }

  treemap(layer: number | null, mode: 'layer' | 'stacked', path: string, depth = 2, maxNodes = 500): TreemapNode {
    const s = this.scope(layer, mode)
    const rootId = this.resolve(s, path)
    const maxDepth = Math.min(Math.max(0, Math.floor(depth)), 8)
    const budgetMax = Math.min(Math.max(1, Math.floor(maxNodes)), 20000)
    const ch = (s.changes ??= rollUpChanges({ paths: this.paths, layers: this.layers, refs: this.refs, stack: this.stack, vis: s.vis, layer: s.layer }))
    const splitOf = (ids: ArrayLike<number>, from: number): ChangeBytes => {
      const b: ChangeBytes = { added: 0, changed: 0, unchanged: 0, deleted: 0, wasted: 0 }
      for (let j = from; j < ids.length; j++) {
        const id = ids[j]!
        b.added += ch.added[id]!
        b.changed += ch.changed[id]!
        b.unchanged += s.bytes[id]! - ch.added[id]! - ch.changed[id]!
        b.deleted += ch.deleted[id]!
        b.wasted += ch.wasted[id]!
      }
      return b
    }
    const mk = (id: number): TreemapNode => {
      const f = this.node(s, id)
      const t: TreemapNode = { name: f.name, path: f.path, bytes: f.bytes, files: f.files, kind: f.kind, split: splitOf([id], 0) }
      if (f.change) t.change = f.change
      return t
    }
    const root = mk(rootId)
    let budget = budgetMax - 1
    // Breadth-first, so the budget goes to the upper levels before the details.
    let level: Array<{ id: number; node: TreemapNode }> = [{ id: rootId, node: root }]
    const small = s.bytes[rootId]! / budgetMax
    for (let d = 0; d < maxDepth && level.length > 0 && budget > 0; d++) {
      const next: Array<{ id: number; node: TreemapNode }> = []
      for (const { id, node } of level) {
        if (budget <= 0) break
        const kids = this.sortedChildren(s, id, 'size')
        if (kids.length === 0) continue
        node.children = []
        let i = 0
        // Keep one slot for the aggregate when something is left over.
        for (; i < kids.length; i++) {
          const k = kids[i]!
          const left = kids.length - i
          if (budget <= (left > 1 ? 1 : 0)) break
          // A folder of many equal small children still shows its biggest few (not one grey block).
          if (s.bytes[k]! < small && left > 1 && node.children.length >= (d === 0 ? 24 : 6)) break
          const child = mk(k)
          node.children.push(child)
          budget--
          if (s.present[k] === 2) next.push({ id: k, node: child })
        }
        if (i < kids.length) {
          let bytes = 0
          let files = 0
          for (let j = i; j < kids.length; j++) {
            bytes += s.bytes[kids[j]!]!
            files += s.files[kids[j]!]! || (s.present[kids[j]!] === 2 ? 0 : 1)
          }
          const count = kids.length - i
          node.children.push({ name: `${count} small ${count === 1 ? 'entry' : 'entries'}`, path: `${node.path === '/' ? '' : node.path}/…`, bytes, files, kind: 'aggregate', count, split: splitOf(kids, i) })
          budget--
        }
      }
      level = next
    }
    return root
  }

  wastePaths(offset = 0, limit = 100): { paths: WastePath[]; total: number } {
    const w = this.stack.waste
    if (!w) return { paths: [], total: 0 }
    this.wasteOrder ??= w.order()
    const from = Math.max(0, Math.floor(offset))
    const n = Math.min(Math.max(1, Math.floor(limit)), 5000)
    const out: WastePath[] = []
    for (let k = from; k < w.count && k < from + n; k++) {
      const i = this.wasteOrder[k]!
      out.push({ path: `/${this.paths.path(w.pathId[i]!)}`, bytes: w.bytes[i]!, reason: REASON_NAMES[w.reason[i]!]!, layerIndex: w.layer[i]!, byLayerIndex: w.by[i]! })
    }
    return { paths: out, total: w.count }
  }
}

/**
 * An analysed image kept in memory for follow-up queries (tree, treemap, compare, report).
 * `model` may be a loader (see ModelTrees).
 */
export class AnalyzedImage extends ModelTrees {
  constructor(
    public analysis: ImageAnalysis,
    model: ImageModel | (() => ImageModel)
  ) {
    super(model)
  }
}

/** Kind of a path in the final filesystem, or undefined (used by tests and compare). */
export function kindAt(img: AnalyzedImage, path: string): EntryKind | undefined {
  const id = img.paths.lookup(normalizePath(path))
  if (id < 0) return undefined
  const r = img.stack.vis[id]!
  if (r < 0) return undefined
  const L = img.refs.layerOf(r)
  return KIND_NAMES[img.layers[L]!.kind[r - img.refs.offsets[L]!]!]
}

