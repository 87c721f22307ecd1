// Streaming zstd decoding with bounded memory. A frame declares the window the decoder must
// keep; ZstdFrameScanner walks the compressed stream's frame and block headers (cheap: it
// skips block contents) so every frame's window is checked against ZSTD_MAX_WINDOW_LOG before
// a byte of it is decoded, refused by name as containerd refuses it, and a stream cut inside a
// frame is named as truncated whichever decoder runs. Then a native decoder:
//   1. Node's zlib zstd (Node >= 22.15, Electron 45), in libuv's thread pool, one decoder per
//      frame: Node 22's decoder stops after the first frame and does not report a truncated
//      one (Node 24's does both), so frames are cut here and each fed to its own;
//   2. else Debian's `zstd -d --memory=..` as a child process (Node 20; `apt-get install zstd`);
//   3. else fzstd (pure JS, slow), fed in small slices so one push cannot queue much output.
// LAYERSCOPE_ZSTD=zlib|cli|js forces one (tests, benchmarks).
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants as fsConstants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import * as zlib from 'node:zlib'
import { Decompress } from 'fzstd'
import { LayerscopeError } from '../errors'
import type { EntrySink } from '../model/tar-entry'
import { ZSTD_MAX_WINDOW_LOG } from './limits'

export type ZstdBackend = 'zlib' | 'cli' | 'js'

const MAX_WINDOW = 2 ** ZSTD_MAX_WINDOW_LOG
/** fzstd allocates the whole window up front, in the JS heap: it gets `zstd -d`'s default. */
const JS_MAX_WINDOW = 2 ** 27
const FRAME_MAGIC = 0xfd2fb528

type ZlibWithZstd = typeof zlib & {
  createZstdDecompress?: (o: { params?: Record<number, number>; chunkSize?: number }) => zlib.Gunzip
  constants: typeof zlib.constants & { ZSTD_d_windowLogMax?: number }
}

let cliPath: string | null | undefined
export function findZstdCli(): string | null {
  if (cliPath !== undefined) return cliPath
  cliPath = null
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, 'zstd')
    try {
      accessSync(p, fsConstants.X_OK)
      cliPath = p
      break
    } catch {
      // not here
    }
  }
  return cliPath
}

/** Which decoder this runtime uses. */
export function zstdBackend(): ZstdBackend {
  const forced = process.env.LAYERSCOPE_ZSTD
  if (forced === 'zlib' || forced === 'cli' || forced === 'js') return forced
  const z = zlib as ZlibWithZstd
  if (typeof z.createZstdDecompress === 'function' && z.constants.ZSTD_d_windowLogMax !== undefined) return 'zlib'
  if (findZstdCli()) return 'cli'
  return 'js'
}

export interface FrameHeader {
  windowSize: number
  /** Bytes of the header parsed (magic included). */
  headerBytes: number
}

/**
 * The window a zstd frame needs (RFC 8878 3.1.1.1), or null when `b` is too short to say.
 * Skippable frames and other magics return windowSize 0 (the decoder judges them).
 */
export function zstdFrameWindow(b: Uint8Array): FrameHeader | null {
  if (b.length < 5) return null
  const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0
  if (magic !== FRAME_MAGIC) return { windowSize: 0, headerBytes: 4 }
  const fhd = b[4]!
  const fcsFlag = fhd >> 6
  const single = (fhd >> 5) & 1
  const dictFlag = fhd & 3
  const dictBytes = [0, 1, 2, 4][dictFlag]!
  const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!
  const need = 5 + (single ? 0 : 1) + dictBytes + fcsBytes
  if (b.length < need) return null
  if (!single) {
    const wd = b[5]!
    const log = 10 + (wd >> 3)
    const base = 2 ** log
    return { windowSize: base + (base / 8) * (wd & 7), headerBytes: need }
  }
  // Single segment: the window is the whole content.
  let off = 5 + dictBytes
  let fcs = 0
  for (let i = 0; i < fcsBytes; i++) fcs += b[off++]! * 2 ** (8 * i)
  if (fcsBytes === 2) fcs += 256
  return { windowSize: fcs, headerBytes: need }
}

const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
/** Block_Maximum_Size (RFC 8878 3.1.1.2): no block holds more than 128 KiB. */
const MAX_BLOCK = 128 * 1024

export interface ZstdFrame {
  /** 0-based position among the stream's frames (skippable ones included). */
  index: number
  /** A skippable frame: user data no decoder reads. */
  skippable: boolean
  /** The window the decoder must keep: Window_Size, or the content size of a single-segment frame. */
  windowSize: number
}

/** A run of one frame's bytes, in stream order; `first` carries the frame header. */
export interface ZstdPiece {
  frame: ZstdFrame
  data: Buffer
  first: boolean
  last: boolean
}

type ScanState = 'magic' | 'fhd' | 'header' | 'skipSize' | 'skipData' | 'blockHeader' | 'blockData' | 'checksum'

/**
 * Walks a zstd stream's structure (RFC 8878) as it arrives: frame headers, block headers, and
 * skippable frames, never the compressed contents. It cuts the input into per-frame pieces,
 * holds at most one frame header (18 bytes) across chunks, and throws a LayerscopeError for a
 * window over `maxWindow`, a reserved bit or block type, an oversized block, a foreign magic,
 * or (at end()) a stream that stops inside a frame.
 */
export class ZstdFrameScanner {
  private state: ScanState = 'magic'
  private field = Buffer.alloc(18)
  private fieldLen = 0
  private need = 4
  private remaining = 0
  private frame: ZstdFrame | null = null
  private frames = 0
  private started = false
  private headerDone = false
  private lastBlock = false
  private checksum = false
  private held: Buffer[] = []
  private total = 0

  constructor(
    private readonly label: string,
    private readonly maxWindow: number
  ) {}

  /** Frames seen so far (started ones included). */
  get frameCount(): number {
    return this.frames
  }

  scan(chunk: Buffer): ZstdPiece[] {
    const out: ZstdPiece[] = []
    let runStart = 0
    let i = 0
    const emit = (end: number, last: boolean): void => {
      const run = chunk.subarray(runStart, end)
      const data = this.held.length ? Buffer.concat([...this.held, run]) : run
      this.held = []
      runStart = end
      if (data.length || last) {
        out.push({ frame: this.frame!, data, first: !this.started, last })
        this.started = true
      }
    }
    this.total += chunk.length
    while (i < chunk.length) {
      if (this.state === 'skipData' || this.state === 'blockData') {
        const n = Math.min(this.remaining, chunk.length - i)
        i += n
        this.remaining -= n
        if (this.remaining === 0) {
          if (this.state === 'skipData' || this.afterBlock()) {
            emit(i, true)
            this.nextFrame()
          }
        }
        continue
      }
      const n = Math.min(this.need - this.fieldLen, chunk.length - i)
      chunk.copy(this.field, this.fieldLen, i, i + n)
      this.fieldLen += n
      i += n
      if (this.fieldLen < this.need) break
      this.fieldLen = 0
      if (this.fieldDone()) {
        emit(i, true)
        this.nextFrame()
      }
    }
    // Bytes of a frame whose header is not complete yet are held: its window is not known.
    if (runStart < chunk.length) {
      if (this.headerDone) emit(chunk.length, false)
      else this.held.push(Buffer.from(chunk.subarray(runStart)))
    }
    return out
  }

  /** The stream ended: it must end between frames. */
  end(): void {
    if (this.total === 0) throw corrupt(this.label, 'it is empty')
    if (this.state !== 'magic' || this.fieldLen > 0 || this.held.length) {
      const where = this.headerDone ? `inside frame ${this.frames}` : `in the header of frame ${this.frames + (this.state === 'magic' ? 1 : 0)}`
      throw corrupt(this.label, `the stream ends ${where}`)
    }
  }

  private nextFrame(): void {
    this.state = 'magic'
    this.need = 4
    this.frame = null
    this.started = false
    this.headerDone = false
  }

  /** A fixed-size field is complete in this.field; true when it ends the frame. */
  private fieldDone(): boolean {
    const f = this.field
    switch (this.state) {
      case 'magic': {
        const magic = f.readUInt32LE(0)
        this.frames++
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          this.frame = { index: this.frames - 1, skippable: true, windowSize: 0 }
          this.state = 'skipSize'
          this.need = 4
          return false
        }
        if (magic !== FRAME_MAGIC) throw corrupt(this.label, `frame ${this.frames} starts with 0x${magic.toString(16).padStart(8, '0')}, not a zstd frame's magic number`)
        this.state = 'fhd'
        this.need = 1
        return false
      }
      case 'fhd': {
        const fhd = f[0]!
        if (fhd & 0x08) throw corrupt(this.label, `frame ${this.frames} sets the reserved bit of its header`)
        const single = (fhd >> 5) & 1
        const fcsFlag = fhd >> 6
        const rest = (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + (fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!)
        this.checksum = (fhd & 0x04) !== 0
        // Parsed by zstdFrameWindow from the whole header: keep the descriptor in place.
        this.field[0] = fhd
        this.fieldLen = 1
        this.need = 1 + rest
        this.state = 'header'
        if (rest > 0) return false
        this.fieldLen = 0
        return this.headerComplete()
      }
      case 'header':
        return this.headerComplete()
      case 'skipSize':
        this.remaining = f.readUInt32LE(0)
        this.headerDone = true
        this.state = 'skipData'
        return this.remaining === 0
      case 'blockHeader': {
        const b = f[0]! | (f[1]! << 8) | (f[2]! << 16)
        this.lastBlock = (b & 1) === 1
        const type = (b >> 1) & 3
        const size = b >>> 3
        if (type === 3) throw corrupt(this.label, `frame ${this.frames} has a block of the reserved type`)
        if (size > MAX_BLOCK) throw corrupt(this.label, `frame ${this.frames} has a block of ${size} bytes, over zstd's 128 KiB`)
        this.remaining = type === 1 ? 1 : size
        this.state = 'blockData'
        return this.remaining === 0 ? this.afterBlock() : false
      }
      case 'checksum':
        return true
      default:
        return false
    }
  }

  private headerComplete(): boolean {
    const hdr = Buffer.alloc(4 + this.need)
    hdr.writeUInt32LE(FRAME_MAGIC, 0)
    this.field.copy(hdr, 4, 0, this.need)
    const fh = zstdFrameWindow(hdr)!
    this.frame = { index: this.frames - 1, skippable: false, windowSize: fh.windowSize }
    if (fh.windowSize > this.maxWindow) throw windowError(this.label, fh.windowSize, this.maxWindow)
    this.headerDone = true
    this.state = 'blockHeader'
    this.need = 3
    return false
  }

  /** A block's content has passed; true when that ends the frame. */
  private afterBlock(): boolean {
    if (!this.lastBlock) {
      this.state = 'blockHeader'
      this.need = 3
      return false
    }
    if (this.checksum) {
      this.state = 'checksum'
      this.need = 4
      return false
    }
    return true
  }
}

/** windowSize undefined: the decoder refused a window (the scanner checks first, so rarely). */
function windowError(label: string, windowSize: number | undefined, max = MAX_WINDOW): LayerscopeError {
  const log = Math.log2(max)
  const needs = `its zstd data needs a ${windowSize === undefined ? 'larger' : fmtWindow(windowSize)} window`
  const limit =
    max < MAX_WINDOW
      ? `above the built-in decoder's limit of ${fmtWindow(max)} (install zstd, e.g. \`apt-get install zstd\`, or use Node >= 22.15 to read windows up to ${fmtWindow(MAX_WINDOW)})`
      : `above Layerscope's limit of ${fmtWindow(max)}, which is also the limit of containerd, the layer reader of Docker`
  return new LayerscopeError(
    'ARCHIVE_INVALID',
    `${label}: ${needs}, ${limit}; recompress it with a smaller window (zstd --long=${log} or less).`,
    windowSize === undefined ? { limit: 'zstdWindow', max } : { limit: 'zstdWindow', max, value: windowSize }
  )
}

function fmtWindow(n: number): string {
  return n >= 2 ** 30 ? `${n / 2 ** 30} GiB` : n >= 2 ** 20 ? `${n / 2 ** 20} MiB` : `${n / 1024} KiB`
}

function corrupt(label: string, why: string): LayerscopeError {
  return new LayerscopeError('ARCHIVE_INVALID', `${label}: its zstd data is corrupt or truncated (${why}).`)
}

/** Runs async writes one after another (decoder callbacks do not wait for us). */
export class Serial {
  private chain: Promise<void> = Promise.resolve()
  pending = 0
  error: unknown
  push(fn: () => Promise<void>): void {
    this.pending++
    this.chain = this.chain.then(async () => {
      try {
        if (this.error === undefined) await fn()
      } catch (e) {
        this.error ??= e
      } finally {
        this.pending--
      }
    })
  }
  async drain(): Promise<void> {
    await this.chain
    if (this.error !== undefined) throw this.error
  }
}

export interface AbortableSink extends EntrySink {
  /** Stops decoding and frees what it holds (a child process, a zlib handle). */
  abort(): void
}

/**
 * Feeds a writable (compressed side) and forwards what its readable (decoded side) emits to
 * `out`, one write at a time, pausing the decoder while `out` is busy.
 */
export class StreamDecodeSink implements AbortableSink {
  private serial = new Serial()
  private streamError: unknown
  private ended: Promise<void>

  constructor(
    private readonly input: Writable,
    output: Readable,
    private readonly out: EntrySink,
    private readonly describe: (e: unknown) => LayerscopeError,
    private readonly finished: () => Promise<unknown> = async () => undefined,
    private readonly onAbort: () => void = () => input.destroy()
  ) {
    output.on('data', (d: Buffer) => {
      this.serial.push(async () => {
        const r = this.out.write(d)
        if (r) await r
      })
      if (this.serial.pending > 8) {
        output.pause()
        void this.serial.drain().then(
          () => output.resume(),
          () => output.resume()
        )
      }
    })
    const fail = (e: unknown): void => {
      this.streamError ??= e
    }
    input.on('error', fail)
    this.ended = new Promise((resolve) => {
      output.on('end', () => resolve())
      output.on('error', (e) => {
        fail(e)
        resolve()
      })
      output.on('close', () => resolve())
    })
  }

  write(chunk: Buffer): Promise<void> | void {
    // A child that exited (bad data) has its stdin destroyed without an error event: a write
    // there would wait forever for a 'drain' (found by the fuzzer, on a busy machine).
    if (this.streamError !== undefined || this.input.destroyed) return this.failed()
    if (this.serial.error !== undefined) throw this.serial.error
    // Copied: the caller may reuse its buffer while the decoder still queues this chunk.
    if (!this.input.write(Buffer.from(chunk))) {
      return new Promise((resolve) => {
        const done = (): void => {
          this.input.off('drain', done)
          this.input.off('error', done)
          this.input.off('close', done)
          resolve()
        }
        this.input.once('drain', done)
        this.input.once('error', done)
        this.input.once('close', done)
      })
    }
  }

  /**
   * The decoder side failed. A child that exited on bad data makes our next write fail with
   * EPIPE: its own exit message (from stderr) says what was wrong, so it wins.
   */
  private async failed(): Promise<never> {
    const exit = await this.finished()
    throw this.describe(exit instanceof Error ? exit : (this.streamError ?? new Error('the decoder stopped before the end of its input')))
  }

  async end(): Promise<void> {
    this.input.end()
    await this.ended
    const exit = await this.finished()
    if (this.streamError === undefined && exit instanceof Error) this.streamError = exit
    if (this.streamError !== undefined) throw this.describe(this.streamError)
    await this.serial.drain()
    const r = this.out.end()
    if (r) await r
  }

  abort(): void {
    this.onAbort()
  }
}

/** zstd -d's own default memory limit: windows up to this are decoded in our process. */
export const IN_PROCESS_MAX_WINDOW = 2 ** 27

/**
 * Where a zlib-backend frame is decoded. zlib holds the window inside our process (in
 * Electron, the app's); a bigger window goes to the zstd CLI where one is installed, so the
 * app stays small and the window lives and dies with a child.
 */
export function frameDecoder(windowSize: number, cliAvailable: boolean): 'zlib' | 'cli' {
  return windowSize > IN_PROCESS_MAX_WINDOW && cliAvailable ? 'cli' : 'zlib'
}

/** A zstd layer: decoded and handed to `out` (a TarReader) as it streams. */
export class ZstdSink implements AbortableSink {
  private readonly scanner: ZstdFrameScanner
  /** cli / js: the stream's decoder; zlib: the current frame's. */
  private inner: AbortableSink | null = null
  private aborted = false
  /** zlib: each frame's decoder writes here; only the whole stream's end ends `out`. */
  private readonly frameOut: EntrySink

  constructor(
    private readonly out: EntrySink,
    private readonly label: string,
    private readonly backend: ZstdBackend = zstdBackend()
  ) {
    this.scanner = new ZstdFrameScanner(label, backend === 'js' ? JS_MAX_WINDOW : MAX_WINDOW)
    this.frameOut = { write: (c) => out.write(c), end: () => undefined }
  }

  write(chunk: Buffer): void | Promise<void> {
    // A failed write stops every decoder this sink runs, whoever called us.
    const failed = (e: unknown): never => {
      this.abort()
      throw e
    }
    try {
      // Throws before a byte of a refused frame reaches a decoder.
      const pieces = this.scanner.scan(chunk)
      const r = pieces.length === 1 ? this.feed(pieces[0]!) : pieces.length > 1 ? this.feedAll(pieces) : undefined
      if (r) return r.catch(failed)
    } catch (e) {
      failed(e)
    }
  }

  private async feedAll(pieces: ZstdPiece[]): Promise<void> {
    for (const p of pieces) {
      const r = this.feed(p)
      if (r) await r
    }
  }

  private feed(p: ZstdPiece): void | Promise<void> {
    if (this.backend !== 'zlib') {
      // One decoder for the stream (it reads every frame, and skips skippable ones itself).
      this.inner ??= this.open()
      return this.inner.write(p.data)
    }
    if (p.frame.skippable) return
    if (p.first) this.inner = frameDecoder(p.frame.windowSize, findZstdCli() !== null) === 'cli' ? cliSink(this.frameOut, this.label, this.describe) : this.openZlib()
    const frame = this.inner!
    const r = frame.write(p.data)
    if (!p.last) return r
    return (async () => {
      if (r) await r
      this.inner = null
      await frame.end()
    })()
  }

  private describe = (e: unknown): LayerscopeError => {
    if (e instanceof LayerscopeError) return e
    const msg = e instanceof Error ? e.message : String(e)
    if (/window|too much memory/i.test(msg)) return windowError(this.label, undefined)
    return corrupt(this.label, msg.trim() || 'the decoder failed')
  }

  private openZlib(): AbortableSink {
    // 256 KiB output chunks: a quarter of the thread-pool round trips of 64 KiB (CPU -30% here).
    const z = zlib as ZlibWithZstd
    const d = z.createZstdDecompress!({ params: { [z.constants.ZSTD_d_windowLogMax!]: ZSTD_MAX_WINDOW_LOG }, chunkSize: 256 * 1024 })
    return new StreamDecodeSink(d, d, this.frameOut, this.describe)
  }

  private open(): AbortableSink {
    if (this.backend === 'cli') return cliSink(this.out, this.label, this.describe)
    return new JsZstdSink(this.out, this.label)
  }

  async end(): Promise<void> {
    try {
      this.scanner.end()
      if (this.backend === 'zlib') {
        const r = this.out.end()
        if (r) await r
      } else await this.inner!.end()
    } catch (e) {
      this.abort()
      throw e
    }
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    this.inner?.abort()
    this.inner = null
  }
}

function cliSink(out: EntrySink, label: string, describe: (e: unknown) => LayerscopeError): AbortableSink {
  const bin = findZstdCli() ?? 'zstd'
  const child: ChildProcess = spawn(bin, ['-d', '-q', '-c', `--memory=${MAX_WINDOW / 2 ** 20}MB`], { stdio: ['pipe', 'pipe', 'pipe'] })
  // Bounded: only the first lines of a failure are worth showing.
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8')
  })
  let spawnError: Error | undefined
  const exited = new Promise<Error | undefined>((resolve) => {
    child.on('error', (e) => {
      spawnError = e
      resolve(new Error(`could not run ${bin}: ${e.message}`))
    })
    child.on('close', (code, signal) => {
      if (spawnError) return
      if (code === 0) resolve(undefined)
      else resolve(new Error(stderr.replace(/\*\*\*.*\n/g, '').replace(/^\/\*stdin\*\\ : /gm, '').trim().split('\n').slice(0, 3).join('; ') || `zstd exited with ${code ?? signal}`))
    })
  })
  // Writes after the child died must not crash the process with EPIPE.
  child.stdin!.on('error', () => undefined)
  return new StreamDecodeSink(
    child.stdin!,
    child.stdout!,
    out,
    describe,
    () => exited,
    () => {
      child.stdin!.destroy()
      child.kill('SIGKILL')
    }
  )
}

/** fzstd, the last resort: slow, but fed 4 KiB at a time so its output per push stays small. */
class JsZstdSink implements AbortableSink {
  private dec: Decompress
  private serial = new Serial()

  constructor(
    private readonly out: EntrySink,
    private readonly label: string
  ) {
    this.dec = new Decompress((data) => {
      const copy = Buffer.from(data)
      this.serial.push(async () => {
        const r = this.out.write(copy)
        if (r) await r
      })
    })
  }

  private push(chunk: Uint8Array, final: boolean): void {
    try {
      this.dec.push(chunk, final)
    } catch (e) {
      throw corrupt(this.label, e instanceof Error ? e.message : String(e))
    }
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.serial.error !== undefined) throw this.serial.error
    for (let i = 0; i < chunk.length; i += 4096) {
      this.push(Buffer.from(chunk.subarray(i, Math.min(i + 4096, chunk.length))), false)
      if (this.serial.pending > 0) await this.serial.drain()
    }
  }

  async end(): Promise<void> {
    this.push(new Uint8Array(0), true)
    await this.serial.drain()
    const r = this.out.end()
    if (r) await r
  }

  abort(): void {
    this.serial.error ??= new LayerscopeError('CANCELLED', 'Cancelled.')
  }
}
