// `layerscope files`: the entries of the final filesystem, or of one layer's own changes, in
// tree order (a directory, then its children by name), with what `tar -tv` shows plus the
// layer that last wrote each entry and the sha256 of every regular file. Rows are produced
// one at a time, so a million entries are written without holding a million objects.
import { CHANGE_NAMES, type Refs, type StackResult } from '../analysis/stack'
import { F_OPAQUE, F_WHITEOUT, KIND_NAMES, type LayerEntries } from '../model/layer-entries'
import { ROOT, type PathTable } from '../model/path-table'
import { normalizePath } from '../model/paths'
import { LayerscopeError } from '../errors'
import { modeString } from '../../../shared/format'

export interface FileRow {
  /** "/usr/bin/env". */
  path: string
  /** Entry kind; in a layer listing also "whiteout" (the layer deletes the path) and "opaque" (it hides the directory's lower contents). */
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque'
  /** Permission bits and set-id/sticky bits (mode & 0o7777). */
  mode: number
  uid: number
  gid: number
  /** Regular-file bytes (0 for everything else). */
  size: number
  /** Index of the layer that last wrote the entry (0 = bottom). */
  layer: number
  /** In a layer listing: what the entry does to the filesystem below it. */
  change?: 'added' | 'changed' | 'deleted' | 'unchanged'
  /** Symlink target, or the path a hard link links to. */
  linkTarget?: string
  /** "sha256:<hex>" of a regular file's (or hard link's) content. */
  sha256?: string
  /** Why a regular file (or hard link) has no sha256, when that is on purpose: "sparse file too large to hash". */
  sha256Note?: string
}

export interface FileListingSource {
  paths: PathTable
  layers: LayerEntries[]
  refs: Refs
  stack: StackResult
}

export interface FileListingOptions {
  /** Only this path and what is below it ("/usr/lib"); default the whole tree. */
  path?: string
  /** One layer's own entries (its changes) instead of the final filesystem. */
  layer?: number
}

export function* fileRows(img: FileListingSource, opts: FileListingOptions = {}): Generator<FileRow> {
  const { paths, layers, refs } = img
  let at: (id: number) => number
  let layerIndex: number | undefined
  if (opts.layer !== undefined) {
    const L = opts.layer
    if (!Number.isInteger(L) || L < 0 || L >= layers.length) {
      throw new LayerscopeError('INVALID_INPUT', `Layer ${L} does not exist: this image has ${layers.length} layers (0-${layers.length - 1}).`)
    }
    layerIndex = L
    const l = layers[L]!
    const own = new Int32Array(paths.size).fill(-1)
    // A real entry wins over a whiteout of the same path (re-created after delete), as in the tree.
    for (let i = 0; i < l.count; i++) {
      const id = l.pathId[i]!
      const prev = own[id]!
      if (prev >= 0 && l.flags[i]! & F_WHITEOUT && !(l.flags[prev]! & F_WHITEOUT)) continue
      own[id] = i
    }
    at = (id) => own[id]!
  } else {
    const vis = img.stack.vis
    at = (id) => vis[id]!
  }
  const start = opts.path === undefined ? ROOT : paths.lookup(normalizePath(opts.path))
  if (start < 0 || (start !== ROOT && !hasAny(paths, start, at))) {
    throw new LayerscopeError('NOT_FOUND', `${opts.path} is not in ${layerIndex === undefined ? 'the final filesystem' : `layer ${layerIndex}`}.`)
  }
  const row = (id: number): FileRow | null => {
    const x = at(id)
    if (x < 0) return null
    let L: number
    let i: number
    if (layerIndex === undefined) {
      L = refs.layerOf(x)
      i = x - refs.offsets[L]!
    } else {
      L = layerIndex
      i = x
    }
    const l = layers[L]!
    const f = l.flags[i]!
    const r: FileRow = {
      path: `/${paths.path(id)}`,
      type: f & F_WHITEOUT ? 'whiteout' : f & F_OPAQUE ? 'opaque' : KIND_NAMES[l.kind[i]!]!,
      mode: l.mode[i]!,
      uid: l.uid[i]!,
      gid: l.gid[i]!,
      size: f & F_WHITEOUT ? 0 : l.size[i]!,
      layer: L
    }
    if (layerIndex !== undefined) {
      const c = CHANGE_NAMES[img.stack.change?.[L]?.[i] ?? 0]
      if (c) r.change = c
    }
    const link = l.links.get(i)
    if (link !== undefined) r.linkTarget = link
    const d = l.digestHex(i)
    if (d !== undefined) r.sha256 = `sha256:${d}`
    else {
      const note = l.digestNote(i)
      if (note !== undefined && !(f & F_WHITEOUT)) r.sha256Note = note
    }
    return r
  }
  // Depth first, children by name; an explicit stack so deep trees cannot overflow.
  const stack: number[] = [start]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (id !== ROOT) {
      const r = row(id)
      if (r) yield r
    }
    const kids = paths.children(id)
    if (!kids) continue
    const names = [...kids.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
    for (const n of names) stack.push(kids.get(n)!)
  }
}

/** The path or something below it is in the listing's scope. */
function hasAny(paths: PathTable, id: number, at: (id: number) => number): boolean {
  const stack = [id]
  while (stack.length > 0) {
    const x = stack.pop()!
    if (at(x) >= 0) return true
    const kids = paths.children(x)
    if (kids) for (const k of kids.values()) stack.push(k)
  }
  return false
}

/** One `tar -tv`-like line: mode, uid/gid, size, layer, sha256 (or "-"), path and link. */
export function fileLine(r: FileRow): string {
  const link = r.linkTarget === undefined ? '' : r.type === 'hardlink' ? ` link to ${r.linkTarget}` : ` -> ${r.linkTarget}`
  const digest = r.sha256 ? r.sha256.slice(7) : '-'.padEnd(64)
  return `${modeString(r.type, r.mode)} ${`${r.uid}/${r.gid}`.padEnd(11)} ${String(r.size).padStart(12)} L${String(r.layer).padEnd(3)} ${digest} ${r.path}${link}`
}
