// One layer's tar entries as columns (typed arrays + interned path ids): about 30 bytes an
// entry plus the shared path table, so a million entries stay well inside the memory budget.
import type { EntryKind } from '../../../shared/models/analysis'
import type { TarHeader } from './tar-entry'
import { basename, dirname } from './paths'
import type { PathTable } from './path-table'
import { grow } from './typed-arrays'

export const K_FILE = 0
export const K_DIR = 1
export const K_SYMLINK = 2
export const K_HARDLINK = 3
export const K_OTHER = 4
export const KIND_NAMES: EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'other']

/** The entry is a whiteout: its path id is the path it deletes. */
export const F_WHITEOUT = 1
/** The entry makes its path (a directory) opaque. */
export const F_OPAQUE = 2

const WH = '.wh.'
const OPQ = '.wh..wh..opq'

export interface LayerCounts {
  /** Sum of regular-file sizes (uncompressed content bytes). */
  contentBytes: number
  /** Regular files. */
  files: number
  /** Tar entries except whiteout markers and the root entry. */
  entries: number
}

export class LayerEntries implements LayerCounts {
  count = 0
  pathId = new Int32Array(256)
  kind = new Uint8Array(256)
  flags = new Uint8Array(256)
  size = new Float64Array(256)
  mode = new Uint32Array(256)
  uid = new Uint32Array(256)
  gid = new Uint32Array(256)
  mtime = new Float64Array(256)
  /** Symlink targets and hard-link sources by entry index (sparse). */
  links = new Map<number, string>()
  contentBytes = 0
  files = 0
  entries = 0

  constructor(readonly paths: PathTable) {}

  private ensure(): void {
    if (this.count < this.pathId.length) return
    const n = this.pathId.length * 2
    this.pathId = grow(this.pathId, n)
    this.kind = grow(this.kind, n)
    this.flags = grow(this.flags, n)
    this.size = grow(this.size, n)
    this.mode = grow(this.mode, n)
    this.uid = grow(this.uid, n)
    this.gid = grow(this.gid, n)
    this.mtime = grow(this.mtime, n)
  }

  /** Low-level append (used by the cache loader and by addHeader). */
  push(pathId: number, kind: number, flags: number, size: number, mode: number, uid: number, gid: number, mtime: number, link?: string): number {
    this.ensure()
    const i = this.count++
    this.pathId[i] = pathId
    this.kind[i] = kind
    this.flags[i] = flags
    this.size[i] = size
    this.mode[i] = mode
    this.uid[i] = uid
    this.gid[i] = gid
    this.mtime[i] = mtime
    if (link !== undefined) this.links.set(i, link)
    if (!(flags & (F_WHITEOUT | F_OPAQUE))) {
      this.entries++
      if (kind === K_FILE) {
        this.files++
        this.contentBytes += size
      }
    }
    return i
  }

  addHeader(h: TarHeader): void {
    const path = h.path
    if (path === '') return // the archive root ("./") is not a path of the image
    const base = basename(path)
    if (base.startsWith(WH)) {
      const dir = dirname(path)
      if (base === OPQ) {
        this.push(this.paths.intern(dir), K_DIR, F_OPAQUE, 0, h.mode, h.uid, h.gid, h.mtime)
      } else if (base.startsWith('.wh..wh.')) {
        // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the image's filesystem.
      } else {
        const target = dir === '' ? base.slice(WH.length) : `${dir}/${base.slice(WH.length)}`
        this.push(this.paths.intern(target), K_FILE, F_WHITEOUT, 0, h.mode, h.uid, h.gid, h.mtime)
      }
      return
    }
    const kind = h.type === 'file' ? K_FILE : h.type === 'dir' ? K_DIR : h.type === 'symlink' ? K_SYMLINK : h.type === 'hardlink' ? K_HARDLINK : K_OTHER
    const link = kind === K_SYMLINK ? h.linkName : kind === K_HARDLINK ? h.linkName : undefined
    this.push(this.paths.intern(path), kind, 0, kind === K_FILE ? h.size : 0, h.mode, h.uid, h.gid, h.mtime, link)
  }

  /** Copy into another path table (layers shared between images). */
  rebase(into: PathTable): LayerEntries {
    if (into === this.paths) return this
    const out = new LayerEntries(into)
    const map = new Map<number, number>()
    for (let i = 0; i < this.count; i++) {
      const old = this.pathId[i]!
      let id = map.get(old)
      if (id === undefined) {
        id = into.intern(this.paths.path(old))
        map.set(old, id)
      }
      out.push(id, this.kind[i]!, this.flags[i]!, this.size[i]!, this.mode[i]!, this.uid[i]!, this.gid[i]!, this.mtime[i]!, this.links.get(i))
    }
    return out
  }
}
