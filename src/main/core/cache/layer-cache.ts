// Per-layer parse results on disk, keyed by the layer's diff ID and a format version, plus
// the image config by image ID (for history when an image is re-opened without export).
// Writes are atomic (temp file + rename in the same folder); every file carries a SHA-256
// of its payload, so a damaged entry reads as "missing" and is rebuilt. Only digests of
// the form sha256:<64 hex> become file names: nothing is ever written outside the folder.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'

/** Bump when the layer record layout or its meaning changes (2: sha256 of every regular file). */
export const CACHE_FORMAT = 2
const MAGIC = 'LSLC'
const DIGEST = /^sha256:([a-f0-9]{64})$/

interface LayerMeta {
  diffId: string
  count: number
  contentBytes: number
  files: number
  entries: number
  pathsBytes: number
  /** Digest slots (32 bytes each) after the columns. */
  slots: number
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

export class LayerCache {
  readonly root: string

  constructor(readonly dir: string) {
    this.root = join(dir, `v${CACHE_FORMAT}`)
  }

  private layerFile(diffId: string): string | null {
    const m = DIGEST.exec(diffId)
    return m ? join(this.root, 'layers', `${m[1]}.lsl`) : null
  }

  private imageFile(id: string): string | null {
    const m = DIGEST.exec(id)
    return m ? join(this.root, 'images', `${m[1]}.json`) : null
  }

  hasLayer(diffId: string): boolean {
    const f = this.layerFile(diffId)
    return f !== null && existsSync(f)
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
    // Damaged: remove so the next analysis rebuilds it.
    void unlink(f).catch(() => undefined)
    return null
  }

  async saveLayer(diffId: string, entries: LayerEntries): Promise<void> {
    const f = this.layerFile(diffId)
    if (!f) return
    // Chunks, not one big buffer: a layer of a million paths should not double in memory.
    await this.atomicWrite(f, wrap(encodeLayer(diffId, entries)))
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

  async saveImage(img: CachedImage): Promise<void> {
    const f = this.imageFile(img.id)
    if (!f) return
    await this.atomicWrite(f, wrap([Buffer.from(JSON.stringify(img))]))
  }

  private async atomicWrite(file: string, data: Buffer[]): Promise<void> {
    const dir = join(file, '..')
    await mkdir(dir, { recursive: true })
    const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
    try {
      const fh = await open(tmp, 'w')
      try {
        for (const d of data) await fh.write(d)
      } finally {
        await fh.close()
      }
      await rename(tmp, file)
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined)
      throw e
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
          if (/^[a-f0-9]{64}\.(lsl|json)$/.test(name) || name.startsWith('.tmp-')) out.push(join(d, name))
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
  if (!Number.isInteger(meta.slots) || meta.slots < meta.files) return null
  const digests = new Uint8Array(Math.max(meta.slots, 1) * 32)
  digests.set(buf.subarray(pos, pos + meta.slots * 32))
  pos += meta.slots * 32
  if (pos !== buf.length) return null
  const pathId = new Int32Array(Math.max(n, 1))
  let start = 0
  for (let i = 0; i < n; i++) {
    let end = pathStr.indexOf('\0', start)
    if (end < 0) end = pathStr.length
    pathId[i] = paths.intern(pathStr.slice(start, end))
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
  e.links = new Map(meta.links)
  e.contentBytes = meta.contentBytes
  e.files = meta.files
  e.entries = meta.entries
  return e
}
