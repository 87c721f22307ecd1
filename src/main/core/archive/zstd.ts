// Streaming zstd decoding with bounded memory. A frame declares the window the decoder must
// keep; we refuse any window above ZSTD_MAX_WINDOW_LOG by name (as `zstd -d` does past its
// --memory limit) before a byte is decoded, then decode with a native decoder:
//   1. Node's zlib zstd (Node >= 22.15, Electron 45), in libuv's thread pool;
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
function findZstdCli(): string | null {
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

/** windowSize undefined: a later frame, refused by the decoder itself (it does not say how big). */
function windowError(label: string, windowSize: number | undefined, max = MAX_WINDOW): LayerscopeError {
  const log = Math.log2(max)
  const js = max < MAX_WINDOW ? ` (the built-in decoder's limit; install zstd, e.g. \`apt-get install zstd\`, or use Node >= 22.15 for ${fmtWindow(MAX_WINDOW)})` : ''
  return new LayerscopeError(
    'ARCHIVE_INVALID',
    `${label}: its zstd frame needs a ${windowSize === undefined ? 'larger' : fmtWindow(windowSize)} window, above Layerscope's limit of ${fmtWindow(max)} (zstd --long=${log})${js}; recompress it with a smaller window (zstd --long=${log} or less).`,
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
    if (this.streamError !== undefined) throw this.describe(this.streamError)
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

/** A zstd layer: decoded and handed to `out` (a TarReader) as it streams. */
export class ZstdSink implements AbortableSink {
  private head: Buffer[] = []
  private headLen = 0
  private inner: AbortableSink | null = null
  private aborted = false

  constructor(
    private readonly out: EntrySink,
    private readonly label: string,
    private readonly backend: ZstdBackend = zstdBackend()
  ) {}

  write(chunk: Buffer): void | Promise<void> {
    if (this.inner) return this.inner.write(chunk)
    // Hold the first bytes until the frame header says which window it needs.
    this.head.push(Buffer.from(chunk))
    this.headLen += chunk.length
    const all = Buffer.concat(this.head)
    this.head = [all]
    const fh = zstdFrameWindow(all)
    if (!fh && all.length < 18) return
    return this.start(all, fh)
  }

  private start(head: Buffer, fh: FrameHeader | null): void | Promise<void> {
    this.head = []
    const max = this.backend === 'js' ? JS_MAX_WINDOW : MAX_WINDOW
    if (fh && fh.windowSize > max) throw windowError(this.label, fh.windowSize, max)
    this.inner = this.open()
    return this.inner.write(head)
  }

  private open(): AbortableSink {
    const label = this.label
    const describe = (e: unknown): LayerscopeError => {
      if (e instanceof LayerscopeError) return e
      const msg = e instanceof Error ? e.message : String(e)
      if (/window|too much memory/i.test(msg)) return windowError(label, undefined)
      return corrupt(label, msg.trim() || 'the decoder failed')
    }
    if (this.backend === 'zlib') {
      const z = zlib as ZlibWithZstd
      const d = z.createZstdDecompress!({ params: { [z.constants.ZSTD_d_windowLogMax!]: ZSTD_MAX_WINDOW_LOG }, chunkSize: 64 * 1024 })
      return new StreamDecodeSink(d, d, this.out, describe)
    }
    if (this.backend === 'cli') return cliSink(this.out, label, describe)
    return new JsZstdSink(this.out, label)
  }

  async end(): Promise<void> {
    if (!this.inner) {
      const all = Buffer.concat(this.head)
      if (all.length === 0) throw corrupt(this.label, 'it is empty')
      const r = this.start(all, zstdFrameWindow(all))
      if (r) await r
    }
    await this.inner!.end()
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    this.inner?.abort()
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
      else resolve(new Error(stderr.replace(/\*\*\*.*\n/g, '').trim().split('\n').slice(0, 3).join('; ') || `zstd exited with ${code ?? signal}`))
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
