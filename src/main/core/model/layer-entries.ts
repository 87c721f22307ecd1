// One layer's tar entries as columns (typed arrays + interned path ids): about 34 bytes an
// entry, plus 32 bytes of sha256 per regular file, plus the shared path table, so a million
// entries stay well inside the memory budget.
import type { EntryKind } from '../../../shared/models/analysis'
import type { TarHeader } from './tar-entry'
import { basename, dirname, normalizePath } from './paths'
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

/** digestSlot value of a sparse file too large to hash (see MAX_SPARSE_HASH_BYTES): it keeps no digest, on purpose. */
export const SLOT_SPARSE_TOO_LARGE = -2
/** Why an entry with SLOT_SPARSE_TOO_LARGE has no sha256, in words (files --json, details). */
export const SPARSE_TOO_LARGE = 'sparse file too large to hash'

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
  /** Per entry: its slot in `digests`, or -1 (not a regular file, or not hashed), or SLOT_SPARSE_TOO_LARGE. Hard links share their source's slot. */
  digestSlot = new Int32Array(256).fill(-1)
  /** 32 bytes of sha256 per slot; slots are handed out to regular files in entry order. */
  digests = new Uint8Array(256 * 32)
  slots = 0
  /** Regular files left without a digest on purpose (SLOT_SPARSE_TOO_LARGE). */
  unhashed = 0
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
    const old = this.digestSlot.length
    this.digestSlot = grow(this.digestSlot, n)
    this.digestSlot.fill(-1, old)
  }

  /** A digest slot for entry `i` (a regular file); its bytes are written by setDigest. */
  allocDigest(i: number): number {
    if ((this.slots + 1) * 32 > this.digests.length) this.digests = grow(this.digests, this.digests.length * 2)
    const s = this.slots++
    this.digestSlot[i] = s
    return s
  }

  /** Entry `i` (a regular file) keeps no digest on purpose: a sparse file too large to hash. */
  markTooLarge(i: number): void {
    this.digestSlot[i] = SLOT_SPARSE_TOO_LARGE
    this.unhashed++
  }

  /** Why entry `i` has no digest, when that was on purpose; undefined otherwise. */
  digestNote(i: number): string | undefined {
    return this.digestSlot[i] === SLOT_SPARSE_TOO_LARGE ? SPARSE_TOO_LARGE : undefined
  }

  /** The digest as a 32-character latin1 string (what crypto.hash makes fastest: no Buffer per file). */
  setDigestLatin1(slot: number, digest: string): void {
    // 32 charCodeAt beat buf.write(digest, at, 32, 'latin1') in a cold process (measured at 100k files).
    const d = this.digests
    const at = slot * 32
    for (let k = 0; k < 32; k++) d[at + k] = digest.charCodeAt(k)
  }

  setDigest(slot: number, digest: Uint8Array): void {
    // 32 bytes: a plain loop beats subarray + set (an object and a native call per file).
    const d = this.digests
    const at = slot * 32
    for (let k = 0; k < 32; k++) d[at + k] = digest[k]!
  }

  /** The sha256 of entry `i`'s content as hex, or undefined when it has none. */
  digestHex(i: number): string | undefined {
    const s = this.digestSlot[i]!
    if (s < 0) return undefined
    return Buffer.from(this.digests.buffer, this.digests.byteOffset + s * 32, 32).toString('hex')
  }

  /** The 32 digest bytes of entry `i` (a view, valid until the next append), or undefined. */
  digestBytes(i: number): Uint8Array | undefined {
    const s = this.digestSlot[i]!
    return s < 0 ? undefined : this.digests.subarray(s * 32, s * 32 + 32)
  }

  /** Every regular file has a digest or a reason for none (false for layers cached before digests existed). */
  get hashed(): boolean {
    return this.slots + this.unhashed >= this.files
  }

  /**
   * Hard links carry no content in a tar: point each at the slot of the file it links to
   * (an earlier entry of the same layer), so it reads as that file's digest.
   */
  linkDigests(): void {
    let any = false
    for (const [i] of this.links) if (this.kind[i] === K_HARDLINK) any = true
    if (!any) return
    const lastFile = new Map<number, number>()
    for (let i = 0; i < this.count; i++) {
      if (this.digestSlot[i]! >= 0 || this.digestSlot[i] === SLOT_SPARSE_TOO_LARGE) lastFile.set(this.pathId[i]!, i)
      else if (this.kind[i] === K_HARDLINK) {
        const src = this.paths.lookup(normalizePath(this.links.get(i) ?? ''))
        const j = src < 0 ? undefined : lastFile.get(src)
        if (j !== undefined) {
          this.digestSlot[i] = this.digestSlot[j]!
          lastFile.set(this.pathId[i]!, i)
        }
      }
    }
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

  /** Appends the entry; returns its index, or -1 when the header is not an entry of the image (root, whiteout, aufs bookkeeping). */
  addHeader(h: TarHeader): number {
    const path = h.path
    if (path === '') return -1 // the archive root ("./") is not a path of the image
    // Only a name starting ".wh." is a whiteout: skip the basename string for every other entry.
    const base = path.includes(WH) ? basename(path) : ''
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
      return -1
    }
    const kind = h.type === 'file' ? K_FILE : h.type === 'dir' ? K_DIR : h.type === 'symlink' ? K_SYMLINK : h.type === 'hardlink' ? K_HARDLINK : K_OTHER
    const link = kind === K_SYMLINK ? h.linkName : kind === K_HARDLINK ? h.linkName : undefined
    return this.push(this.paths.intern(path), kind, 0, kind === K_FILE ? h.size : 0, h.mode, h.uid, h.gid, h.mtime, link)
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
      const j = out.push(id, this.kind[i]!, this.flags[i]!, this.size[i]!, this.mode[i]!, this.uid[i]!, this.gid[i]!, this.mtime[i]!, this.links.get(i))
      out.digestSlot[j] = this.digestSlot[i]!
    }
    // Digest bytes are never changed once written: the copy shares them.
    out.digests = this.digests
    out.slots = this.slots
    out.unhashed = this.unhashed
    return out
  }
}
