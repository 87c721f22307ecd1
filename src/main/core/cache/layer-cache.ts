// Per-layer parse results on disk, keyed by the layer's diff ID and a format version, plus
// the image config by image ID (for history when an image is re-opened without export).
// Writes are atomic and durable (temp file, fsync, rename, fsync of the folder); every file
// carries a SHA-256 of its payload, so a damaged or truncated entry reads as "missing" and is
// rebuilt. Only digests of the form sha256:<64 hex> become file names: nothing is ever written
// outside the folder. The cache is an optimisation: a cache that cannot be written (full disk,
// read-only folder) never fails an analysis; the problem is reported once, in words.
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from 'node:fs'
import { mkdir, readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { writeChunksAtomic } from '../report/atomic-write'
import { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'

/**
 * Bump when the layer record layout or its meaning changes (2: sha256 of every regular file;
 * 3: sparse files hashed over their holes, where 2 kept an all-zero digest for them).
 */
export const CACHE_FORMAT = 3
const MAGIC = 'LSLC'
const DIGEST = /^sha256:([a-f0-9]{64})$/
/** Temp files of atomic writes (this and earlier versions), left behind only by a killed process. */
const TEMP = /^(\.tmp-|\.[a-f0-9]{64}\.(lsl|json)\.\d+\.[a-f0-9]+\.tmp$)/

interface LayerMeta {
  diffId: string
  count: number
  contentBytes: number
  files: number
  entries: number
  pathsBytes: number
  /** Digest slots (32 bytes each) after the columns. */
  slots: number
  /** Regular files without a digest on purpose (sparse, too large to hash). */
  unhashed?: number
  links: Array<[number, string]>
}

export interface CachedImage {
  id: string
  config: ImageConfig
  format: 'docker-archive' | 'oci'
  /** Compressed blob sizes by diff ID, when the source knew them. */
  compressed?: Record<string, number>
  /** The whole analysis, so a re-open shows it without reading the layers. */
  analysis?: ImageAnalysis
  /** Base image found last time, valid while the engine's image list has this fingerprint. */
  base?: { fingerprint: string; base: { ref: string; layers: number } | null }
}

/** What went wrong with the cache folder, for the one message a person sees. */
export type CacheProblemKind = 'full' | 'read-only' | 'unwritable' | 'damaged'

export interface CacheProblem {
  kind: CacheProblemKind
  message: string
}

export interface LayerCacheOptions {
  /** Told once per kind of problem; default: one line on stderr. */
  onProblem?: (p: CacheProblem) => void
}

const STALE_TEMP_MS = 60 * 60 * 1000

/** After a full or read-only folder, writes are skipped this long instead of failing on every layer. */
const WRITE_BACKOFF_MS = 60_000

export class LayerCache {
  readonly root: string
  /** Problems met so far, each kind once (newest last). */
  readonly problems: CacheProblem[] = []
  private writesOffUntil = 0
  private readonly onProblem: (p: CacheProblem) => void

  constructor(
    readonly dir: string,
    opts: LayerCacheOptions = {}
  ) {
    this.root = join(dir, `v${CACHE_FORMAT}`)
    this.onProblem = opts.onProblem ?? ((p) => process.stderr.write(`layerscope: ${p.message}\n`))
  }

  private report(kind: CacheProblemKind, message: string): void {
    if (this.problems.some((p) => p.kind === kind)) return
    const p = { kind, message }
    this.problems.push(p)
    try {
      this.onProblem(p)
    } catch {
      // a listener's failure is not the cache's
    }
  }

  /** Why a write failed, in words, with what to do about it. */
  private writeFailed(e: unknown): void {
    const code = (e as NodeJS.ErrnoException | undefined)?.code
    const tail = 'this result is not cached (the analysis itself is complete and correct)'
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.writesOffUntil = Date.now() + WRITE_BACKOFF_MS
      this.report('full', `The layer cache at ${this.dir} is full (no space left on the device): ${tail}. Free some space, run \`layerscope cache clear\`, or move the cache with --cache-dir.`)
    } else if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      this.writesOffUntil = Date.now() + WRITE_BACKOFF_MS
      this.report('read-only', `The layer cache folder ${this.dir} cannot be written (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}): ${tail}. Make it writable or move the cache with --cache-dir.`)
    } else {
      const reason = e instanceof Error ? e.message : String(e)
      this.report('unwritable', `Cannot write the layer cache at ${this.dir} (${reason}): ${tail}.`)
    }
  }

  private layerFile(diffId: string): string | null {
    const m = DIGEST.exec(diffId)
    return m ? join(this.root, 'layers', `${m[1]}.lsl`) : null
  }

  private imageFile(id: string): string | null {
    const m = DIGEST.exec(id)
    return m ? join(this.root, 'images', `${m[1]}.json`) : null
  }

  /** An image summary is stored (a cheap stat, for marking analysed images in lists). */
  hasImage(id: string): boolean {
    const f = this.imageFile(id)
    return f !== null && existsSync(f)
  }

  /** An entry is there and whole (its frame's length matches the file; the checksum is checked on load). */
  hasLayer(diffId: string): boolean {
    const f = this.layerFile(diffId)
    if (f === null || !existsSync(f)) return false
    if (framedLength(f)) return true
    this.drop(f)
    return false
  }

  /** The layer's entry is present and intact (checksum verified; the page cache keeps the re-read cheap). */
  verifyLayer(diffId: string): boolean {
    const f = this.layerFile(diffId)
    if (!f || !existsSync(f)) return false
    try {
      if (unwrap(readFileSync(f))) return true
    } catch {
      // unreadable: treated as damaged
    }
    this.drop(f)
    return false
  }

  /** Entries of a cached layer interned into `paths`, or null when absent or damaged. */
  loadLayer(diffId: string, paths: PathTable): LayerEntries | null {
    const f = this.layerFile(diffId)
    if (!f || !existsSync(f)) return null
    try {
      const payload = unwrap(readFileSync(f))
      if (!payload) return this.drop(f)
      return decodeLayer(payload, diffId, paths) ?? this.drop(f)
    } catch {
      return this.drop(f)
    }
  }

  private drop(f: string): null {
    // Damaged (truncated, bit-flipped, another version's bytes): remove so the next analysis rebuilds it.
    this.report('damaged', `A damaged layer cache entry (${f}) was removed; its layer is read from the image again.`)
    // At once, so a write that follows in this run sees the entry gone and rebuilds it.
    try {
      unlinkSync(f)
    } catch {
      // already gone, or a read-only cache: the entry is ignored either way
    }
    return null
  }

  /** Writes a layer's entry; false (and the problem reported once) when the folder cannot take it. */
  async saveLayer(diffId: string, entries: LayerEntries): Promise<boolean> {
    const f = this.layerFile(diffId)
    if (!f) return false
    // Chunks, not one big buffer: a layer of a million paths should not double in memory.
    return this.atomicWrite(f, () => wrap(encodeLayer(diffId, entries)))
  }

  loadImage(id: string): CachedImage | null {
    const f = this.imageFile(id)
    if (!f || !existsSync(f)) return null
    try {
      const payload = unwrap(readFileSync(f))
      if (!payload) return this.drop(f)
      const img = JSON.parse(payload.toString('utf8')) as CachedImage
      return img.id === id ? img : this.drop(f)
    } catch {
      return this.drop(f)
    }
  }

  async saveImage(img: CachedImage): Promise<boolean> {
    const f = this.imageFile(img.id)
    if (!f) return false
    return this.atomicWrite(f, () => wrap([Buffer.from(JSON.stringify(img))]))
  }

  /**
   * Never throws: a failed write removes its temp file and is reported. Two processes writing
   * one entry each write their own temp file; the last rename wins, and both wrote the same bytes.
   */
  private async atomicWrite(file: string, data: () => Buffer[]): Promise<boolean> {
    if (Date.now() < this.writesOffUntil) return false
    try {
      await this.makeFolders(join(file, '..'))
      await this.sweepStale(join(file, '..'))
      await writeChunksAtomic(file, data())
      return true
    } catch (e) {
      this.writeFailed(e)
      return false
    }
  }

  private swept = new Set<string>()

  /**
   * Temp files a killed process left behind (older than an hour: no live write takes that long),
   * removed once per folder and process so they do not pile up.
   */
  private async sweepStale(dir: string): Promise<void> {
    if (this.swept.has(dir)) return
    this.swept.add(dir)
    const cutoff = Date.now() - STALE_TEMP_MS
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!TEMP.test(name)) continue
      const f = join(dir, name)
      const st = await stat(f).catch(() => null)
      if (st && st.mtimeMs < cutoff) await unlink(f).catch(() => undefined)
    }
  }

  /**
   * The cache folder (with its parents), then v<N>/ and its sub-folder one at a time: a recursive
   * mkdir on a read-only file system says ENOENT, one level at a time says EROFS.
   */
  private async makeFolders(sub: string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    for (const d of [this.root, sub]) {
      try {
        await mkdir(d)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
    }
  }

  /** Entries and bytes of every cache file (all format versions). */
  async info(): Promise<{ dir: string; entries: number; bytes: number }> {
    let entries = 0
    let bytes = 0
    for (const f of await this.files()) {
      const st = await stat(f).catch(() => null)
      if (!st) continue
      if (f.endsWith('.lsl')) entries++
      bytes += st.size
    }
    return { dir: this.dir, entries, bytes }
  }

  async clear(): Promise<{ removedEntries: number; removedBytes: number }> {
    let removedEntries = 0
    let removedBytes = 0
    for (const f of await this.files()) {
      const st = await stat(f).catch(() => null)
      if (!st) continue
      await unlink(f).catch(() => undefined)
      if (f.endsWith('.lsl')) removedEntries++
      removedBytes += st.size
    }
    return { removedEntries, removedBytes }
  }

  /** Our files only: v<N>/{layers,images}/ under the cache folder. */
  private async files(): Promise<string[]> {
    const out: string[] = []
    const versions = await readdir(this.dir).catch(() => [] as string[])
    for (const v of versions) {
      if (!/^v\d+$/.test(v)) continue
      for (const sub of ['layers', 'images']) {
        const d = join(this.dir, v, sub)
        for (const name of await readdir(d).catch(() => [] as string[])) {
          if (/^[a-f0-9]{64}\.(lsl|json)$/.test(name) || TEMP.test(name)) out.push(join(d, name))
        }
      }
    }
    return out
  }
}

// ---- file framing: MAGIC | u32 version | u32 payload length (x2: hi, lo) | sha256 | payload

function wrap(payload: Buffer[]): Buffer[] {
  const head = Buffer.alloc(4 + 4 + 8 + 32)
  const hash = createHash('sha256')
  let len = 0
  for (const p of payload) {
    hash.update(p)
    len += p.length
  }
  head.write(MAGIC, 0, 'latin1')
  head.writeUInt32LE(CACHE_FORMAT, 4)
  head.writeUInt32LE(len % 2 ** 32, 8)
  head.writeUInt32LE(Math.floor(len / 2 ** 32), 12)
  hash.digest().copy(head, 16)
  return [head, ...payload]
}

/** The file holds exactly the header plus the payload length its header claims. */
function framedLength(f: string): boolean {
  let fd: number | undefined
  try {
    fd = openSync(f, 'r')
    const head = Buffer.alloc(48)
    if (readSync(fd, head, 0, 48, 0) !== 48) return false
    if (head.toString('latin1', 0, 4) !== MAGIC || head.readUInt32LE(4) !== CACHE_FORMAT) return false
    return fstatSync(fd).size === 48 + head.readUInt32LE(8) + head.readUInt32LE(12) * 2 ** 32
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function unwrap(buf: Buffer): Buffer | null {
  if (buf.length < 48 || buf.toString('latin1', 0, 4) !== MAGIC || buf.readUInt32LE(4) !== CACHE_FORMAT) return null
  const len = buf.readUInt32LE(8) + buf.readUInt32LE(12) * 2 ** 32
  if (buf.length !== 48 + len) return null
  const payload = buf.subarray(48)
  const sum = createHash('sha256').update(payload).digest()
  return sum.equals(buf.subarray(16, 48)) ? payload : null
}

// ---- layer record: u32 meta length | meta JSON | paths ("\0"-joined) | columns

function encodeLayer(diffId: string, e: LayerEntries): Buffer[] {
  const n = e.count
  const pathBufs: Buffer[] = []
  let pathsBytes = 0
  const BATCH = 4096
  for (let i = 0; i < n; i += BATCH) {
    const part: string[] = []
    for (let j = i; j < n && j < i + BATCH; j++) part.push(e.paths.path(e.pathId[j]!))
    const b = Buffer.from((i > 0 ? '\0' : '') + part.join('\0'), 'utf8')
    pathBufs.push(b)
    pathsBytes += b.length
  }
  const meta: LayerMeta = {
    diffId,
    count: n,
    contentBytes: e.contentBytes,
    files: e.files,
    entries: e.entries,
    pathsBytes,
    slots: e.slots,
    unhashed: e.unhashed,
    links: [...e.links.entries()]
  }
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32LE(metaBuf.length)
  const col = (a: ArrayBufferView, bytesPer: number): Buffer => Buffer.from(a.buffer, a.byteOffset, n * bytesPer)
  return [len, metaBuf, ...pathBufs, col(e.size, 8), col(e.mtime, 8), col(e.mode, 4), col(e.uid, 4), col(e.gid, 4), col(e.kind, 1), col(e.flags, 1), col(e.digestSlot, 4), Buffer.from(e.digests.buffer, e.digests.byteOffset, e.slots * 32)]
}

function decodeLayer(buf: Buffer, diffId: string, paths: PathTable): LayerEntries | null {
  const metaLen = buf.readUInt32LE(0)
  const meta = JSON.parse(buf.toString('utf8', 4, 4 + metaLen)) as LayerMeta
  if (meta.diffId !== diffId) return null
  const n = meta.count
  // Checked before any allocation: a record claiming more rows than its bytes can hold is damaged.
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(meta.pathsBytes) || 4 + metaLen + meta.pathsBytes + n * 30 > buf.length) return null
  let pos = 4 + metaLen
  const pathStr = buf.toString('utf8', pos, pos + meta.pathsBytes)
  pos += meta.pathsBytes
  const take = <T>(C: new (n: number) => T & { buffer: ArrayBufferLike }, bytesPer: number): T => {
    const a = new C(n)
    new Uint8Array(a.buffer).set(buf.subarray(pos, pos + n * bytesPer))
    pos += n * bytesPer
    return a
  }
  const e = new LayerEntries(paths)
  const size = take(Float64Array, 8)
  const mtime = take(Float64Array, 8)
  const mode = take(Uint32Array, 4)
  const uid = take(Uint32Array, 4)
  const gid = take(Uint32Array, 4)
  const kind = take(Uint8Array, 1)
  const flags = take(Uint8Array, 1)
  const digestSlot = take(Int32Array, 4)
  // A record without a digest for every regular file is from before digests: read the layer again.
  const unhashed = meta.unhashed ?? 0
  if (!Number.isInteger(meta.slots) || !Number.isInteger(unhashed) || meta.slots + unhashed < meta.files) return null
  const digests = new Uint8Array(Math.max(meta.slots, 1) * 32)
  digests.set(buf.subarray(pos, pos + meta.slots * 32))
  pos += meta.slots * 32
  if (pos !== buf.length) return null
  const pathId = new Int32Array(Math.max(n, 1))
  let start = 0
  for (let i = 0; i < n; i++) {
    let end = pathStr.indexOf('\0', start)
    if (end < 0) end = pathStr.length
    pathId[i] = paths.internAt(pathStr, start, end)
    start = end + 1
  }
  e.count = n
  e.pathId = pathId
  e.size = size.length ? size : new Float64Array(1)
  e.mtime = mtime.length ? mtime : new Float64Array(1)
  e.mode = mode.length ? mode : new Uint32Array(1)
  e.uid = uid.length ? uid : new Uint32Array(1)
  e.gid = gid.length ? gid : new Uint32Array(1)
  e.kind = kind.length ? kind : new Uint8Array(1)
  e.flags = flags.length ? flags : new Uint8Array(1)
  e.digestSlot = digestSlot.length ? digestSlot : new Int32Array(1).fill(-1)
  e.digests = digests
  e.slots = meta.slots
  e.unhashed = unhashed
  e.links = new Map(meta.links)
  e.contentBytes = meta.contentBytes
  e.files = meta.files
  e.entries = meta.entries
  return e
}
