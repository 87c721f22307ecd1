// A streaming tar reader that keeps only headers: entry contents are either skipped (offsets
// move, nothing is copied) or handed chunk by chunk to a sink the caller picks per entry.
// Handles ustar, GNU (long names 'L'/'K', base-256 sizes) and PAX ('x' path/linkpath/size).
import { LayerscopeError } from '../errors'
import { decodeName, normalizePath, pathDepth } from '../model/paths'
import { limitError, MAX_ENTRIES_PER_LAYER, MAX_META_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from './limits'
import { SparseFile, type SparseMap } from './sparse'

export type { TarType, TarHeader, EntrySink } from '../model/tar-entry'
import type { TarHeader, EntrySink, TarType } from '../model/tar-entry'

export type OnEntry = (h: TarHeader) => EntrySink | null | undefined

const BLOCK = 512
const DONE: Promise<void> = Promise.resolve()

export interface TarReaderOptions {
  /** Used in error messages ("layer sha256:ab..", "archive foo.tar"). */
  label: string
  /** Entries allowed in this tar (default MAX_ENTRIES_PER_LAYER). */
  maxEntries?: number
}

/**
 * Push-style reader: `await write(chunk)` for every chunk, then `await end()`.
 * Every error is a LayerscopeError('ARCHIVE_INVALID') naming the archive.
 */
export class TarReader {
  // Its own memory, so its word view is aligned.
  private header = Buffer.from(new ArrayBuffer(BLOCK))
  private headerWords = new Uint32Array(this.header.buffer, this.header.byteOffset, BLOCK / 4)
  private headerFill = 0
  /** Content bytes of the current entry still to come. */
  private remaining = 0
  /** Padding after the current entry's content. */
  private padding = 0
  private sink: EntrySink | null = null
  private meta: Buffer[] | null = null
  private metaKind: 'L' | 'K' | 'x' | 'g' | null = null
  private metaLen = 0
  private paxPath: string | undefined
  private paxLink: string | undefined
  private paxSize: number | undefined
  private paxSparse: { realSize: number; name: string | undefined; map: SparseMap | null } | undefined
  private sparseExt = false
  /** GNU 'S' entry being read: its map so far (extension headers add to it) and sizes. */
  private gnuSparse: { map: SparseMap; realSize: number } | null = null
  private pendingSink: EntrySink | null = null
  private pendingData = 0
  private gnuLongName: string | undefined
  private gnuLongLink: string | undefined
  private zeroBlocks = 0
  private done = false
  private entries = 0
  /** Bytes consumed so far (for messages). */
  offset = 0

  constructor(
    private readonly onEntry: OnEntry,
    private readonly opts: TarReaderOptions
  ) {}

  get entryCount(): number {
    return this.entries
  }

  /** The end-of-archive marker has been read: nothing after it belongs to the archive. */
  get finished(): boolean {
    return this.done
  }

  /**
   * Consumes `chunk` (valid only until the returned promise settles). Synchronous unless an
   * entry's sink answers with a promise: at 100k small files, an await per header and per
   * entry was most of the reader's cost, so the loop only waits where a sink makes it.
   */
  write(chunk: Buffer): Promise<void> {
    try {
      return this.consume(chunk, 0) ?? DONE
    } catch (e) {
      return Promise.reject(e)
    }
  }

  /**
   * write() for a reader of a socket: undefined when `chunk` is consumed already (then the
   * socket reads on without pausing for a promise), else the promise of write(). Throws as write rejects.
   */
  push(chunk: Buffer): Promise<void> | undefined {
    return this.consume(chunk, 0)
  }

  /** Reads `chunk` from `pos`; returns a promise only when a sink is still working on it. */
  private consume(chunk: Buffer, pos: number): Promise<void> | undefined {
    const len = chunk.length
    // Header checksums are summed from this word view of the chunk's memory, in place.
    const base = chunk.byteOffset
    const words = this.wordsOf(chunk)
    while (pos < len) {
      if (this.done) {
        // Bytes after the end-of-archive marker (record padding) are ignored.
        this.offset += len - pos
        return undefined
      }
      let wait: void | Promise<void> = undefined
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, len - pos)
        const sink = this.sink
        if (sink) wait = n === len ? sink.write(chunk) : sink.writeAt ? sink.writeAt(chunk, pos, pos + n) : sink.write(chunk.subarray(pos, pos + n))
        else if (this.meta) this.meta.push(Buffer.from(chunk.subarray(pos, pos + n)))
        this.remaining -= n
        pos += n
        this.offset += n
        if (this.remaining === 0) {
          if (wait) {
            const at = pos
            return wait.then(() => this.resumeAfter(this.finishEntry(), chunk, at))
          }
          wait = this.finishEntry()
        }
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, len - pos)
        this.padding -= n
        pos += n
        this.offset += n
      } else if (this.headerFill === 0 && len - pos >= BLOCK) {
        // A whole header in this chunk: read in place (no view made for it).
        const at = pos
        pos += BLOCK
        this.offset += BLOCK
        wait = this.onHeader(chunk, at, words, base + at)
      } else {
        const n = Math.min(BLOCK - this.headerFill, len - pos)
        chunk.copy(this.header, this.headerFill, pos, pos + n)
        this.headerFill += n
        pos += n
        this.offset += n
        if (this.headerFill === BLOCK) {
          this.headerFill = 0
          wait = this.onHeader(this.header, 0, this.headerWords, 0)
        }
      }
      if (wait) {
        const at = pos
        return wait.then(() => this.consume(chunk, at))
      }
    }
    return undefined
  }

  private resumeAfter(step: void | Promise<void>, chunk: Buffer, pos: number): Promise<void> | undefined {
    if (step) return step.then(() => this.consume(chunk, pos))
    return this.consume(chunk, pos)
  }

  /** The input failed or was cancelled: let the open entry's sink free what it holds. */
  abort(): void {
    this.sink?.abort?.()
    this.sink = null
  }

  /** Call when the input ends: an archive cut short is an error, not a shorter listing. */
  async end(): Promise<void> {
    if (this.done) return
    if (this.remaining > 0 || this.headerFill > 0 || this.meta || this.sparseExt) {
      throw this.invalid(`it ends in the middle of an entry (after ${this.offset} bytes): the file is truncated`)
    }
    if (this.zeroBlocks === 0) {
      if (this.entries === 0 && this.offset === 0) throw this.invalid('it is empty')
      throw this.invalid(`it has no end-of-archive marker (after ${this.offset} bytes): the file is truncated`)
    }
    this.done = true
  }

  private wordsBuffer: ArrayBufferLike | null = null
  private words: Uint32Array<ArrayBufferLike> = new Uint32Array(0)

  /** A numeric field of the header at byte `headerAt`, or a named error. */
  private num(b: Buffer, at: number, len: number, field: string, headerAt: number): number {
    const v = parseNumber(b, at, len)
    if (v === null) throw this.invalid(`the header at byte ${headerAt} has a malformed ${field} field`)
    return v
  }

  /** A view of `chunk`'s memory as 32-bit words, kept while chunks share it (one per chunk or fewer). */
  private wordsOf(chunk: Buffer): Uint32Array {
    const ab = chunk.buffer
    if (ab !== this.wordsBuffer) {
      this.wordsBuffer = ab
      this.words = new Uint32Array(ab, 0, ab.byteLength >>> 2)
    }
    return this.words
  }

  private invalid(why: string): LayerscopeError {
    return new LayerscopeError('ARCHIVE_INVALID', `${this.opts.label} is not a readable tar archive: ${why}.`)
  }

  private finishEntry(): void | Promise<void> {
    this.padding = (BLOCK - (this.offset % BLOCK)) % BLOCK
    if (this.sink) {
      const s = this.sink
      this.sink = null
      return s.end()
    } else if (this.meta) {
      this.applyMeta()
    }
  }

  /** The header at b[o, o + 512), byte `mem` of b's memory seen as `words`. */
  private onHeader(b: Buffer, o: number, words: Uint32Array, mem: number): void | Promise<void> {
    if (this.sparseExt) return this.onSparseExt(b, o)
    if (isZeroBlock(b, o)) {
      this.zeroBlocks++
      if (this.zeroBlocks >= 2) this.done = true
      return
    }
    if (this.zeroBlocks > 0) {
      // A lone zero block followed by more headers: tolerate (some writers pad oddly).
      this.zeroBlocks = 0
    }
    const at = this.offset - BLOCK
    if (!checksumOk(b, o, words, mem)) {
      if (this.entries === 0 && this.offset === BLOCK) throw this.invalid('the first header is not a tar header')
      throw this.invalid(`the header at byte ${at} is corrupt (bad checksum)`)
    }
    const typeflag = String.fromCharCode(b[o + 156]!)
    let size = this.num(b, o + 124, 12, 'size', at)
    if (size < 0 || !Number.isSafeInteger(size)) throw this.invalid(`the header at byte ${at} has an impossible size`)

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META_BYTES) throw limitError('metaBytes', MAX_META_BYTES, `${this.opts.label}: a long-name/PAX header of ${size} bytes is larger than any real one`)
      this.metaKind = typeflag
      this.meta = []
      this.metaLen = size
      this.remaining = size
      if (size === 0) {
        this.applyMeta()
      }
      return
    }

    // "ustar\0": POSIX ustar, whose prefix field holds the start of a long name.
    const ustar = b[o + 257] === 0x75 && b[o + 258] === 0x73 && b[o + 259] === 0x74 && b[o + 260] === 0x61 && b[o + 261] === 0x72 && b[o + 262] === 0
    let name = textField(b, o, 100)
    // Whether `name` is already normal (no normalizePath needed), from the bytes just scanned.
    let clean = scanClean
    if (ustar && b[o + 345] !== 0) {
      name = `${textField(b, o + 345, 155)}/${name}`
      clean &&= scanClean
    }
    let linkName = b[o + 157] === 0 ? '' : textField(b, o + 157, 100)
    if (this.gnuLongName !== undefined) name = this.gnuLongName
    if (this.gnuLongLink !== undefined) linkName = this.gnuLongLink
    if (this.paxPath !== undefined) name = this.paxPath
    if (this.paxLink !== undefined) linkName = this.paxLink
    if (this.paxSize !== undefined) size = this.paxSize
    const sparse = this.paxSparse
    if (this.gnuLongName !== undefined || this.paxPath !== undefined || sparse?.name !== undefined) clean = false
    this.gnuLongName = this.gnuLongLink = this.paxPath = this.paxLink = this.paxSize = this.paxSparse = undefined
    if (sparse?.name !== undefined) name = sparse.name

    let type: TarType
    switch (typeflag) {
      case '0':
      case '\u0000':
      case '7':
        type = name.endsWith('/') && !sparse ? 'dir' : 'file'
        break
      case 'S':
        type = 'file'
        break
      case '1':
        type = 'hardlink'
        break
      case '2':
        type = 'symlink'
        break
      case '5':
        type = 'dir'
        break
      default:
        type = 'other'
    }
    // Go's archive/tar: links, dirs, devices and FIFOs carry no content whatever the size says.
    const headerOnly = typeflag === '1' || typeflag === '2' || typeflag === '3' || typeflag === '4' || typeflag === '5' || typeflag === '6'
    const dataSize = headerOnly ? 0 : size
    // Sparse files: the size field counts the stored fragments; the file is its real size.
    let realSize = size
    if (typeflag === 'S') {
      realSize = this.num(b, o + 483, 12, 'sparse real size', at)
      if (b[o + 482] !== 0) this.sparseExt = true
    } else if (sparse) realSize = sparse.realSize
    // Cheap bounds first: a UTF-16 unit is at most 3 UTF-8 bytes; each segment past the first costs a slash and a character.
    if (name.length * 3 > MAX_PATH_BYTES && Buffer.byteLength(name) > MAX_PATH_BYTES) throw limitError('pathBytes', MAX_PATH_BYTES, `${this.opts.label}: an entry path of ${Buffer.byteLength(name)} bytes is longer than any real one`)
    const path = clean ? name : normalizePath(name)
    if (path.length >= 2 * MAX_PATH_DEPTH && pathDepth(path) > MAX_PATH_DEPTH) throw limitError('pathDepth', MAX_PATH_DEPTH, `${this.opts.label}: an entry path ${pathDepth(path)} directories deep is deeper than any real one`)
    const max = this.opts.maxEntries ?? MAX_ENTRIES_PER_LAYER
    if (this.entries >= max) throw limitError('entriesPerLayer', max, `${this.opts.label} has more entries than Layerscope reads in one layer`)
    const h: TarHeader = {
      path,
      rawPath: name,
      type,
      size: type === 'file' ? realSize : 0,
      mode: this.num(b, o + 100, 8, 'mode', at) & 0o7777,
      uid: this.num(b, o + 108, 8, 'uid', at),
      gid: this.num(b, o + 116, 8, 'gid', at),
      mtime: this.num(b, o + 136, 12, 'mtime', at),
      linkName
    }
    const isSparse = typeflag === 'S' || sparse !== undefined
    if (isSparse && headerOnly) throw this.invalid(`the header at byte ${at} marks a link, directory or device as sparse`)
    if (isSparse) h.sparse = true
    this.entries++
    const sink = this.onEntry(h)
    this.pendingData = dataSize
    if (typeflag === 'S') {
      const map: SparseMap = []
      this.gnuSparseEntries(b, o + 386, 4, map, at)
      this.gnuSparse = { map, realSize }
      this.pendingSink = sink ?? null
      if (this.sparseExt) return
      this.pendingSink = this.sparseFile(map, realSize, dataSize, sink ?? null)
    } else if (sparse) {
      // The stored bytes are fragments (and for PAX 1.0 a map): the sink gets the extracted file.
      this.pendingSink = this.sparseFile(sparse.map, realSize, dataSize, sink ?? null)
    } else this.pendingSink = sink ?? null
    return this.startData()
  }

  private sparseFile(map: SparseMap | null, realSize: number, storedSize: number, sink: EntrySink | null): SparseFile {
    return new SparseFile({ map, realSize, storedSize, sink, label: this.opts.label })
  }

  /** Old GNU sparse entries (offset, length: 12 bytes each) until one starts with NUL, as GNU and Go read them. */
  private gnuSparseEntries(block: Buffer, off: number, count: number, map: SparseMap, at: number): void {
    for (let i = 0; i < count; i++) {
      const o = off + i * 24
      if (block[o] === 0) return
      const offset = parseNumber(block, o, 12)
      const length = parseNumber(block, o + 12, 12)
      if (offset === null || length === null) throw this.invalid(`the sparse map at byte ${at} has a malformed entry`)
      map.push(offset, length)
    }
  }

  /** GNU sparse extension headers (21 map entries each) sit between the header and the data. */
  private onSparseExt(b: Buffer, o: number): void | Promise<void> {
    const g = this.gnuSparse!
    if (g.map.length / 2 > MAX_META_BYTES / 24) throw limitError('metaBytes', MAX_META_BYTES, `${this.opts.label}: a sparse file's map is larger than any real one`)
    this.gnuSparseEntries(b, o, 21, g.map, this.offset - BLOCK)
    if (b[o + 504] === 0) {
      this.sparseExt = false
      this.pendingSink = this.sparseFile(g.map, g.realSize, this.pendingData, this.pendingSink)
      this.gnuSparse = null
      return this.startData()
    }
  }

  private startData(): void | Promise<void> {
    const sink = this.pendingSink
    const dataSize = this.pendingData
    this.pendingSink = null
    this.pendingData = 0
    this.sink = dataSize > 0 && sink ? sink : null
    this.remaining = dataSize
    if (dataSize === 0) {
      this.padding = 0
      if (sink) return sink.end()
    }
  }

  private applyMeta(): void {
    const buf = Buffer.concat(this.meta ?? [], this.metaLen)
    const kind = this.metaKind
    this.meta = null
    this.metaKind = null
    if (kind === 'L') this.gnuLongName = decodeName(cBytes(buf, 0, buf.length))
    else if (kind === 'K') this.gnuLongLink = decodeName(cBytes(buf, 0, buf.length))
    else if (kind === 'x' || kind === 'g') {
      const rec = parsePax(buf)
      if (typeof rec === 'string') throw this.invalid(`a PAX header is malformed (${rec})`)
      // 'g' (global PAX) records carry nothing we show, but must still be well formed.
      if (kind === 'g') return
      if (rec.path !== undefined) this.paxPath = rec.path
      if (rec.linkpath !== undefined) this.paxLink = rec.linkpath
      if (rec.size !== undefined) this.paxSize = this.paxNumber(rec.size, 'size')
      this.paxSparse = this.paxSparseOf(rec)
    }
  }

  /** GNU sparse PAX records, versions told apart as Go's archive/tar does; undefined: not sparse. */
  private paxSparseOf(rec: Record<string, string>): { realSize: number; name: string | undefined; map: SparseMap | null } | undefined {
    const major = rec['GNU.sparse.major']
    const minor = rec['GNU.sparse.minor']
    let v1: boolean
    if (major === '0' && (minor === '0' || minor === '1')) v1 = false
    else if (major === '1' && minor === '0') v1 = true
    else if (major !== undefined || minor !== undefined) return undefined // an unknown version: a regular file, as for Go
    else if (rec['GNU.sparse.map']) v1 = false // 0.0 and 0.1 name no version
    else return undefined
    const real = rec['GNU.sparse.size'] ?? rec['GNU.sparse.realsize']
    if (real === undefined) throw this.invalid('a PAX sparse file has no real size')
    const realSize = this.paxNumber(real, 'GNU.sparse.size')
    const name = rec['GNU.sparse.name'] || undefined
    if (v1) return { realSize, name, map: null }
    const count = this.paxNumber(rec['GNU.sparse.numblocks'] ?? '', 'GNU.sparse.numblocks')
    const text = rec['GNU.sparse.map'] ?? ''
    const parts = text === '' ? [] : text.split(',')
    if (parts.length !== 2 * count) throw this.invalid(`a PAX sparse map has ${parts.length} numbers for ${count} entries`)
    return { realSize, name, map: parts.map((p) => this.paxNumber(p, 'GNU.sparse.map')) }
  }

  private paxNumber(v: string, key: string): number {
    const n = /^[0-9]{1,16}$/.test(v) ? Number(v) : NaN
    if (!Number.isSafeInteger(n)) throw this.invalid(`a PAX ${key} "${v.slice(0, 40)}" is not a number`)
    return n
  }
}

function isZeroBlock(b: Buffer, o: number): boolean {
  // Checksum field is never zero in a real header, so test it first (fast path).
  if (b[o + 148] !== 0 && b[o + 148] !== undefined) return false
  for (let i = o; i < o + BLOCK; i++) if (b[i] !== 0) return false
  return true
}

/**
 * Whether the header at b[o, o + 512) has a valid checksum. `words`: all of b's memory (from
 * its byte 0) as 32-bit words, the header at byte `mem` of it; without them, one copy is summed.
 */
export function checksumOk(b: Buffer, o = 0, words?: Uint32Array, mem = b.byteOffset + o): boolean {
  const stored = parseNumber(b, o + 148, 8)
  if (stored === null) return false
  // The checksum field counts as 8 spaces. The usual unsigned sum first; the signed one (some
  // old writers) only when that fails.
  const unsigned = words ? sumAt(b, o, words, mem) : unsignedSum(b, o)
  if (stored === unsigned) return true
  let high = 0
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && b[o + i]! > 127) high++
  return stored === unsigned - 256 * high
}

const SCRATCH = new Uint8Array(BLOCK)
const WORDS = new Uint32Array(SCRATCH.buffer)

/** Sum of a header's bytes (see sumAt) through one copy of it. */
function unsignedSum(b: Buffer, o: number): number {
  SCRATCH.set(new Uint8Array(b.buffer, b.byteOffset + o, BLOCK))
  return sumAt(SCRATCH, 0, WORDS, 0)
}

/**
 * Sum of the header b[o, o + 512) (byte `mem` of `words`, any alignment), the checksum field
 * (bytes 148-155) counted as spaces. Four bytes a step over the words inside it: bytes 0 and 2
 * of each word add up in the two 16-bit lanes of `lo`, bytes 1 and 3 in those of `hi` (at most
 * 128 x 255 a lane, so nothing carries across and each stays a 32-bit integer, V8's fastest
 * add; byte order does not change a sum). The bytes before the first and after the last whole
 * word (an unaligned header) are added one by one, and the field's own bytes taken back out.
 */
function sumAt(b: Uint8Array, o: number, words: Uint32Array, mem: number): number {
  const first = (mem + 3) >>> 2
  const end = (mem + BLOCK) >>> 2
  let lo = 0
  let hi = 0
  for (let i = first; i < end; i++) {
    const x = words[i]!
    lo += x & 0xff00ff
    hi += (x >>> 8) & 0xff00ff
  }
  let sum = (lo & 0xffff) + (lo >>> 16) + (hi & 0xffff) + (hi >>> 16)
  const r = mem & 3
  if (r !== 0) {
    for (let i = o; i < o + 4 - r; i++) sum += b[i]!
    for (let i = o + BLOCK - r; i < o + BLOCK; i++) sum += b[i]!
  }
  for (let i = o + 148; i < o + 156; i++) sum -= b[i]!
  return sum + 8 * 32
}

/**
 * Go's archive/tar parseNumeric: GNU base-256 when the high bit of the first byte is set
 * (0xff first = negative, returned as -1: never valid for what we read), else octal text
 * padded with spaces or NULs on either side. Anything else is null (a malformed header).
 */
export function parseNumber(b: Buffer, off: number, len: number): number | null {
  const first = b[off]!
  if (first & 0x80) {
    if (first === 0xff) return -1
    let v = first & 0x7f
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!
    return Number.isSafeInteger(v) ? v : null
  }
  let start = off
  let end = off + len
  while (start < end && (b[start] === 0 || b[start] === 32)) start++
  while (end > start && (b[end - 1] === 0 || b[end - 1] === 32)) end--
  let v = 0
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c < 48 || c > 55) return null
    v = v * 8 + (c - 48)
  }
  return v
}

/**
 * Set by textField: the field just read is a path normalizePath returns unchanged (not empty;
 * no "/" or "." first, no "//" or "/." anywhere, no "/" last), so the reader skips that call.
 * Byte checks are string checks here: decoding keeps "/" and "." where they are ("\xHH" and
 * UTF-8 sequences hold neither).
 */
let scanClean = false

/**
 * A NUL-terminated name field as text, read in place: ASCII (nearly every name) straight from
 * the header block, anything else through decodeName (UTF-8, other bytes shown as \xHH).
 * Decoding prefix and name apart equals decoding them joined: "/" never continues a sequence.
 */
function textField(b: Buffer, off: number, len: number): string {
  let end = off
  const max = off + len
  let ascii = true
  let clean = b[off] !== 0x2f && b[off] !== 0x2e
  let prev = 0
  while (end < max) {
    const c = b[end]!
    if (c === 0) break
    if (c >= 0x80) ascii = false
    else if (prev === 0x2f && (c === 0x2f || c === 0x2e)) clean = false
    prev = c
    end++
  }
  scanClean = clean && end > off && prev !== 0x2f
  if (!ascii) return decodeName(b.subarray(off, end))
  return latin1Slice ? latin1Slice.call(b, off, end) : b.toString('latin1', off, end)
}

/** Buffer's own latin1 decoder, what toString('latin1', ...) ends in, without its per-call argument handling (one name per entry). */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice

/** Bytes of a NUL-terminated field. */
function cBytes(b: Buffer, off: number, len: number): Buffer {
  let end = off
  const max = off + len
  while (end < max && b[end] !== 0) end++
  return b.subarray(off, end)
}

/**
 * PAX records "<len> <key>=<value>\n" as Go's archive/tar reads them: the length counts the
 * whole record, every record ends in a newline, keys are non-empty, and path, linkpath,
 * uname and gname hold no NUL. Returns the records, or why they are malformed.
 */
export function parsePax(buf: Buffer): Record<string, string> | string {
  const out: Record<string, string> = {}
  const sparseMap: string[] = []
  let pos = 0
  while (pos < buf.length) {
    // Trailing NUL padding after the last record (some writers) is allowed.
    if (buf[pos] === 0) {
      for (let i = pos; i < buf.length; i++) if (buf[i] !== 0) return 'bytes after its NUL padding'
      break
    }
    const sp = buf.indexOf(0x20, pos)
    if (sp < 0 || sp - pos > 20) return 'a record has no length'
    const lenText = buf.toString('latin1', pos, sp)
    if (!/^[0-9]+$/.test(lenText)) return `a record length "${lenText.slice(0, 20)}" is not a number`
    const recLen = Number(lenText)
    if (recLen <= sp - pos + 1 || pos + recLen > buf.length) return `a record length ${lenText} runs past its header`
    if (buf[pos + recLen - 1] !== 0x0a) return 'a record does not end in a newline'
    const body = buf.subarray(sp + 1, pos + recLen - 1)
    const eq = body.indexOf(0x3d)
    if (eq <= 0) return 'a record has no key'
    const key = body.toString('utf8', 0, eq)
    const valueBytes = body.subarray(eq + 1)
    if (key.includes('\u0000')) return 'a key holds a NUL byte'
    if ((key === 'path' || key === 'linkpath' || key === 'uname' || key === 'gname') && valueBytes.includes(0)) {
      return `its ${key} holds a NUL byte`
    }
    const value = key === 'path' || key === 'linkpath' || key === 'GNU.sparse.name' ? decodeName(valueBytes) : valueBytes.toString('utf8')
    if (key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes') {
      // Sparse 0.0 repeats offset/numbytes pairs: kept in order as one map, as Go does.
      if ((sparseMap.length % 2 === 0) !== (key === 'GNU.sparse.offset') || value.includes(',')) return 'its sparse offsets and sizes are out of order'
      sparseMap.push(value)
    } else out[key] = value
    pos += recLen
  }
  if (sparseMap.length > 0) out['GNU.sparse.map'] = sparseMap.join(',')
  return out
}
