// A streaming tar reader that keeps only headers: entry contents are either skipped (offsets
// move, nothing is copied) or handed chunk by chunk to a sink the caller picks per entry.
// Handles ustar, GNU (long names 'L'/'K', base-256 sizes) and PAX ('x' path/linkpath/size).
import { LayerscopeError } from '../errors'
import { normalizePath } from '../model/paths'

export type { TarType, TarHeader, EntrySink } from '../model/tar-entry'
import type { TarHeader, EntrySink, TarType } from '../model/tar-entry'

export type OnEntry = (h: TarHeader) => EntrySink | null | undefined

const BLOCK = 512
/** Long names and PAX records are small; anything bigger is a broken or hostile archive. */
const MAX_META = 1024 * 1024

export interface TarReaderOptions {
  /** Used in error messages ("layer sha256:ab..", "archive foo.tar"). */
  label: string
}

/**
 * Push-style reader: `await write(chunk)` for every chunk, then `await end()`.
 * Every error is a LayerscopeError('ARCHIVE_INVALID') naming the archive.
 */
export class TarReader {
  private header = Buffer.alloc(BLOCK)
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

  async write(chunk: Buffer): Promise<void> {
    let pos = 0
    const len = chunk.length
    while (pos < len) {
      if (this.done) {
        // Bytes after the end-of-archive marker (record padding) are ignored.
        this.offset += len - pos
        return
      }
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, len - pos)
        if (this.sink) {
          const r = this.sink.write(chunk.subarray(pos, pos + n))
          if (r) await r
        } else if (this.meta) {
          this.meta.push(Buffer.from(chunk.subarray(pos, pos + n)))
        }
        this.remaining -= n
        pos += n
        this.offset += n
        if (this.remaining === 0) await this.finishEntry()
        continue
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, len - pos)
        this.padding -= n
        pos += n
        this.offset += n
        continue
      }
      // Header bytes.
      if (this.headerFill === 0 && len - pos >= BLOCK) {
        const block = chunk.subarray(pos, pos + BLOCK)
        pos += BLOCK
        this.offset += BLOCK
        await this.onHeader(block)
      } else {
        const n = Math.min(BLOCK - this.headerFill, len - pos)
        chunk.copy(this.header, this.headerFill, pos, pos + n)
        this.headerFill += n
        pos += n
        this.offset += n
        if (this.headerFill === BLOCK) {
          this.headerFill = 0
          await this.onHeader(this.header)
        }
      }
    }
  }

  /** The input failed or was cancelled: let the open entry's sink free what it holds. */
  abort(): void {
    this.sink?.abort?.()
    this.sink = null
  }

  /** Call when the input ends: an archive cut short is an error, not a shorter listing. */
  async end(): Promise<void> {
    if (this.done) return
    if (this.remaining > 0 || this.headerFill > 0 || this.meta) {
      throw this.invalid(`it ends in the middle of an entry (after ${this.offset} bytes): the file is truncated`)
    }
    if (this.zeroBlocks === 0) {
      if (this.entries === 0 && this.offset === 0) throw this.invalid('it is empty')
      throw this.invalid(`it has no end-of-archive marker (after ${this.offset} bytes): the file is truncated`)
    }
    this.done = true
  }

  private invalid(why: string): LayerscopeError {
    return new LayerscopeError('ARCHIVE_INVALID', `${this.opts.label} is not a readable tar archive: ${why}.`)
  }

  private async finishEntry(): Promise<void> {
    this.padding = (BLOCK - (this.offset % BLOCK)) % BLOCK
    if (this.sink) {
      const s = this.sink
      this.sink = null
      const r = s.end()
      if (r) await r
    } else if (this.meta) {
      this.applyMeta()
    }
  }

  private async onHeader(block: Buffer): Promise<void> {
    if (isZeroBlock(block)) {
      this.zeroBlocks++
      if (this.zeroBlocks >= 2) this.done = true
      return
    }
    if (this.zeroBlocks > 0) {
      // A lone zero block followed by more headers: tolerate (some writers pad oddly).
      this.zeroBlocks = 0
    }
    if (!checksumOk(block)) {
      if (this.entries === 0 && this.offset === BLOCK) throw this.invalid('the first header is not a tar header')
      throw this.invalid(`the header at byte ${this.offset - BLOCK} is corrupt (bad checksum)`)
    }
    const typeflag = String.fromCharCode(block[156]!)
    let size = parseNumber(block, 124, 12)
    if (size < 0 || !Number.isSafeInteger(size)) throw this.invalid(`the header at byte ${this.offset - BLOCK} has an impossible size`)

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META) throw this.invalid(`a long-name/PAX header of ${size} bytes is larger than any real one`)
      this.metaKind = typeflag
      this.meta = []
      this.metaLen = size
      this.remaining = size
      if (size === 0) {
        this.applyMeta()
      }
      return
    }

    const magic = block.toString('latin1', 257, 263)
    let name = cString(block, 0, 100)
    if (magic === 'ustar\u0000') {
      const prefix = cString(block, 345, 155)
      if (prefix) name = `${prefix}/${name}`
    }
    let linkName = cString(block, 157, 100)
    if (this.gnuLongName !== undefined) name = this.gnuLongName
    if (this.gnuLongLink !== undefined) linkName = this.gnuLongLink
    if (this.paxPath !== undefined) name = this.paxPath
    if (this.paxLink !== undefined) linkName = this.paxLink
    if (this.paxSize !== undefined) size = this.paxSize
    this.gnuLongName = this.gnuLongLink = this.paxPath = this.paxLink = this.paxSize = undefined

    let type: TarType
    switch (typeflag) {
      case '0':
      case '\u0000':
      case '7':
        type = name.endsWith('/') ? 'dir' : 'file'
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
    // Hard links, symlinks, dirs, devices carry no content even if a writer put a size there.
    const dataSize = typeflag === '1' || typeflag === '2' || typeflag === '5' ? 0 : size
    const h: TarHeader = {
      path: normalizePath(name),
      rawPath: name,
      type,
      size: type === 'file' ? size : 0,
      mode: parseNumber(block, 100, 8) & 0o7777,
      uid: parseNumber(block, 108, 8),
      gid: parseNumber(block, 116, 8),
      mtime: parseNumber(block, 136, 12),
      linkName
    }
    this.entries++
    const sink = this.onEntry(h)
    this.sink = dataSize > 0 && sink ? sink : null
    this.remaining = dataSize
    if (dataSize === 0) {
      this.padding = 0
      if (sink) {
        const r = sink.end()
        if (r) await r
      }
    }
  }

  private applyMeta(): void {
    const buf = Buffer.concat(this.meta ?? [], this.metaLen)
    const kind = this.metaKind
    this.meta = null
    this.metaKind = null
    if (kind === 'L') this.gnuLongName = cString(buf, 0, buf.length)
    else if (kind === 'K') this.gnuLongLink = cString(buf, 0, buf.length)
    else if (kind === 'x') {
      const rec = parsePax(buf)
      if (rec.path !== undefined) this.paxPath = rec.path
      if (rec.linkpath !== undefined) this.paxLink = rec.linkpath
      if (rec.size !== undefined) {
        const n = Number(rec.size)
        if (!Number.isSafeInteger(n) || n < 0) throw this.invalid(`a PAX size "${rec.size}" is not a number`)
        this.paxSize = n
      }
    }
    // 'g' (global PAX) records carry nothing we show.
  }
}

function isZeroBlock(b: Buffer): boolean {
  // Checksum field is never zero in a real header, so test it first (fast path).
  if (b[148] !== 0 && b[148] !== undefined) return false
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false
  return true
}

function checksumOk(b: Buffer): boolean {
  const stored = parseNumber(b, 148, 8)
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : b[i]!
    unsigned += c
    signed += c > 127 ? c - 256 : c
  }
  return stored === unsigned || stored === signed
}

/** Octal text, or GNU base-256 when the high bit of the first byte is set. */
export function parseNumber(b: Buffer, off: number, len: number): number {
  const first = b[off]!
  if (first & 0x80) {
    let v = first & 0x7f
    // A set sign bit (0xff) would mean negative: not valid for sizes/ids we read.
    if (first === 0xff) return -1
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!
    return v
  }
  let v = 0
  let seen = false
  for (let i = 0; i < len; i++) {
    const c = b[off + i]!
    if (c === 0) break
    if (c === 32) {
      if (seen) break
      continue
    }
    if (c < 48 || c > 55) break
    v = v * 8 + (c - 48)
    seen = true
  }
  return v
}

function cString(b: Buffer, off: number, len: number): string {
  let end = off
  const max = off + len
  while (end < max && b[end] !== 0) end++
  return b.toString('utf8', off, end)
}

/** PAX records: "<len> <key>=<value>\n" repeated; len counts the whole record. */
export function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let pos = 0
  while (pos < buf.length) {
    const sp = buf.indexOf(0x20, pos)
    if (sp < 0) break
    const recLen = Number(buf.toString('latin1', pos, sp))
    if (!Number.isInteger(recLen) || recLen <= 0 || pos + recLen > buf.length) break
    const rec = buf.toString('utf8', sp + 1, pos + recLen - 1)
    const eq = rec.indexOf('=')
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1)
    pos += recLen
  }
  return out
}
