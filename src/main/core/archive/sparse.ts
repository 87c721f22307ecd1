// Sparse files (GNU 'S' headers with extension blocks, PAX 0.0 / 0.1 / 1.0) as GNU tar and
// Go's archive/tar extract them: each stored fragment at its offset, zeros in the holes, up to
// the real size. The content sink sees exactly the bytes of the extracted file (so its sha256 is
// what `sha256sum` prints), without the whole size ever being allocated: holes are fed from one
// shared zero buffer. Maps are validated as Go validates them (in order, no overlap, inside the
// real size) and the stored bytes must be exactly what the map references.
import { LayerscopeError } from '../errors'
import type { EntrySink } from '../model/tar-entry'
import { limitError, MAX_META_BYTES } from './limits'

/** Flat [offset, length, offset, length, ...] of the stored fragments, in file order. */
export type SparseMap = number[]

/** Holes are fed to the sink from this one buffer (never written to). */
const ZEROS = Buffer.alloc(1024 * 1024)
const BLOCK = 512

/** Why a sparse map is not one Docker would extract, or null when it is valid. */
export function checkSparseMap(map: SparseMap, realSize: number): string | null {
  let end = 0
  for (let i = 0; i < map.length; i += 2) {
    const off = map[i]!
    const len = map[i + 1]!
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0) return 'an entry is not a valid number'
    if (!Number.isSafeInteger(off + len) || off + len > realSize) return 'an entry runs past the real size'
    if (off < end) return 'its entries overlap or are out of order'
    end = off + len
  }
  return null
}

function mapBytes(map: SparseMap): number {
  let n = 0
  for (let i = 1; i < map.length; i += 2) n += map[i]!
  return n
}

export interface SparseFileOptions {
  /** The map, or null for PAX 1.0 (the map is the start of the stored data). */
  map: SparseMap | null
  realSize: number
  /** Bytes stored in the archive for this entry (map text for 1.0 included). */
  storedSize: number
  /** Receives the extracted file's bytes; null: only validated and skipped. */
  sink: EntrySink | null
  label: string
}

/** An EntrySink for a sparse entry's stored bytes that writes the extracted file to `sink`. */
export class SparseFile implements EntrySink {
  private map: SparseMap | null
  /** PAX 1.0 map text parsing: numbers read so far, the digits of the one being read. */
  private numbers: number[] = []
  private digits = ''
  private mapRead = 0
  /** After the 1.0 map: padding bytes to its block boundary still to skip. */
  private skip = 0
  private frag = -2
  private fragLeft = 0
  /** Bytes of the extracted file written to the sink so far. */
  private pos = 0

  constructor(private readonly o: SparseFileOptions) {
    this.map = o.map
    if (o.map) this.checkMap(o.map, o.storedSize)
  }

  private invalid(why: string): LayerscopeError {
    return new LayerscopeError('ARCHIVE_INVALID', `${this.o.label} is not a readable tar archive: a sparse file's map is malformed (${why}).`)
  }

  private checkMap(map: SparseMap, dataBytes: number): void {
    const bad = checkSparseMap(map, this.o.realSize)
    if (bad) throw this.invalid(bad)
    const refd = mapBytes(map)
    if (refd !== dataBytes) throw this.invalid(`it references ${refd} bytes but ${dataBytes} are stored`)
  }

  async write(chunk: Buffer): Promise<void> {
    let at = 0
    if (this.map === null) {
      at = this.readMapText(chunk)
      if (this.map === null) return
    }
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length - at)
      this.skip -= n
      at += n
    }
    while (at < chunk.length) {
      if (this.fragLeft === 0) await this.nextFragment()
      const n = Math.min(this.fragLeft, chunk.length - at)
      // Checked up front (stored bytes = referenced bytes), so a fragment is always open here.
      if (this.o.sink) await this.o.sink.write(n === chunk.length ? chunk : chunk.subarray(at, at + n))
      this.pos += n
      this.fragLeft -= n
      at += n
    }
  }

  /** Moves to the next fragment with bytes, feeding the hole before it as zeros. */
  private async nextFragment(): Promise<void> {
    const map = this.map!
    do this.frag += 2
    while (this.frag < map.length && map[this.frag + 1] === 0)
    if (this.frag >= map.length) throw this.invalid('more bytes are stored than it references')
    await this.zerosTo(map[this.frag]!)
    this.fragLeft = map[this.frag + 1]!
  }

  private async zerosTo(end: number): Promise<void> {
    const sink = this.o.sink
    if (!sink) {
      this.pos = end
      return
    }
    while (this.pos < end) {
      const n = Math.min(ZEROS.length, end - this.pos)
      const r = sink.write(ZEROS.subarray(0, n))
      if (r) await r
      this.pos += n
    }
  }

  /**
   * PAX 1.0: "<count>\n" then "<offset>\n<length>\n" per entry, padded to whole blocks, before
   * the fragments. Returns how many bytes of `chunk` the map (and its padding) took.
   */
  private readMapText(chunk: Buffer): number {
    let i = 0
    while (i < chunk.length) {
      const c = chunk[i++]!
      this.mapRead++
      if (this.mapRead > MAX_META_BYTES) throw limitError('metaBytes', MAX_META_BYTES, `${this.o.label}: a sparse file's map is larger than any real one`)
      if (c === 0x0a) {
        if (this.digits === '' || this.digits.length > 16) throw this.invalid(`"${this.digits.slice(0, 20)}" is not a number`)
        this.numbers.push(Number(this.digits))
        this.digits = ''
        const want = 1 + 2 * this.numbers[0]!
        if (this.numbers.length === want) {
          const map = this.numbers.slice(1)
          this.numbers = []
          const padded = Math.ceil(this.mapRead / BLOCK) * BLOCK
          this.checkMap(map, this.o.storedSize - padded)
          this.map = map
          this.skip = padded - this.mapRead
          return i
        }
      } else if (c >= 0x30 && c <= 0x39) this.digits += String.fromCharCode(c)
      else throw this.invalid('a character that is not a digit or a newline')
    }
    return i
  }

  async end(): Promise<void> {
    // An entry of zero stored bytes (a file that is all hole) never saw write().
    if (this.map === null) {
      if (this.o.storedSize === 0) throw this.invalid('its map is missing')
      throw this.invalid('the stored data ends inside it')
    }
    await this.zerosTo(this.o.realSize)
    const r = this.o.sink?.end()
    if (r) await r
  }

  abort(): void {
    this.o.sink?.abort?.()
  }
}
