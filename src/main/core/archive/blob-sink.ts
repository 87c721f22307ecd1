// Decides what one blob is from its first bytes (never its name): gzip, zstd, plain tar,
// JSON, or unknown; then parses tar headers as the bytes pass (decompressing on the way) or
// buffers small JSON. Contents of files inside layers are never kept.
import { createGunzip } from 'node:zlib'
import { LayerscopeError } from '../errors'
import { TarReader, type EntrySink, type TarHeader } from './tar-reader'
import { limitError, MAX_JSON_BYTES } from './limits'
import { StreamDecodeSink, ZstdSink, type AbortableSink } from './zstd'
import { DiffIdHasher } from '../content/layer-hasher'

export type BlobKind = 'gzip' | 'zstd' | 'tar' | 'json' | 'unknown'

const SNIFF = 512
/** Configs, manifests and indexes are small; a bigger "JSON" blob is not one of them. */
export const MAX_JSON = MAX_JSON_BYTES

export function sniff(head: Buffer): BlobKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd'
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar'
  if (head.length >= 512 && looksLikeTarHeader(head)) return 'tar'
  let i = 0
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++
  if (i < head.length && (head[i] === 0x7b || head[i] === 0x5b)) return 'json'
  return 'unknown'
}

/** A v7 header with a valid checksum, or an empty tar (all zeros). */
function looksLikeTarHeader(b: Buffer): boolean {
  let zero = true
  for (let i = 0; i < 512; i++) if (b[i] !== 0) zero = false
  if (zero) return true
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!
  const stored = parseInt(b.toString('latin1', 148, 156).replace(/\0.*$/s, '').trim(), 8)
  return stored === sum
}

export interface BlobResult {
  kind: BlobKind
  /** Compression of the blob when it held a tar. */
  compression?: 'gzip' | 'zstd' | 'none'
  /** Bytes of the blob itself (compressed size for compressed layers). */
  blobBytes: number
  json?: unknown
  /** First bytes in hex, for "unknown format" messages. */
  head?: string
  /** Layers: "sha256:<hex>" of the uncompressed tar, what the config's diff ID must be. */
  diffId?: string
  /** Set when the blob looked like a layer but could not be read. */
  error?: LayerscopeError
}

export interface BlobSinkOptions {
  label: string
  /** Called for each entry header of a layer tar; may return a sink for the entry's content. */
  onLayerEntry: (h: TarHeader) => EntrySink | null | void
  /** Hash the uncompressed layer (its diff ID) to verify it; off for the engine's own export, which is trusted. */
  diffId?: boolean
  /**
   * The caller hashes these very bytes and fails the read unless they match this "sha256:..."
   * (a registry blob or an OCI blob file). An uncompressed layer then needs no second hash: its
   * bytes are its diff ID's. Compressed layers are still hashed after decompression.
   */
  verifiedAs?: string
  /** Called once, when the blob turns out to be a layer, before any entry. */
  onLayerStart?: () => void
  done: (r: BlobResult) => void
}

/** An EntrySink for one blob (an outer tar entry or a blob file). */
export class BlobSink implements EntrySink {
  private head: Buffer[] = []
  private headLen = 0
  private inner: EntrySink | null = null
  private jsonParts: Buffer[] | null = null
  private kind: BlobKind | null = null
  private bytes = 0
  private failed: LayerscopeError | undefined
  private headHex = ''
  private digester: DiffIdHasher | null = null
  private verifiedDiffId: string | undefined

  constructor(private readonly opts: BlobSinkOptions) {}

  write(chunk: Buffer): void | Promise<void> {
    this.bytes += chunk.length
    if (this.failed) return
    if (this.kind === null) {
      this.head.push(Buffer.from(chunk))
      this.headLen += chunk.length
      if (this.headLen < SNIFF) return
      return this.decide()
    }
    return this.forward(chunk)
  }

  private forward(chunk: Buffer): void | Promise<void> {
    if (this.inner) {
      try {
        const r = this.inner.write(chunk)
        if (r) return r.catch((e: unknown) => this.fail(e))
      } catch (e) {
        this.fail(e)
      }
    } else if (this.jsonParts) {
      if (this.bytes > MAX_JSON) {
        // Named only if someone reads it as JSON (an archive may carry other big files).
        this.jsonParts = null
        this.failed = limitError('jsonBytes', MAX_JSON, `${this.opts.label} is more than ${MAX_JSON} bytes, too big for a manifest, index or config`)
      } else this.jsonParts.push(Buffer.from(chunk))
    }
  }

  private fail(e: unknown): void {
    this.failed =
      e instanceof LayerscopeError ? e : new LayerscopeError('ARCHIVE_INVALID', `${this.opts.label} could not be read: ${e instanceof Error ? e.message : String(e)}.`)
    this.inner?.abort?.()
    this.inner = null
  }

  private decide(): void | Promise<void> {
    const head = Buffer.concat(this.head)
    this.head = []
    this.kind = sniff(head)
    this.headHex = head.subarray(0, 8).toString('hex')
    if (this.kind === 'gzip' || this.kind === 'zstd' || this.kind === 'tar') {
      this.opts.onLayerStart?.()
      const tar = new TarReader(
        (h) => this.opts.onLayerEntry(h) ?? null,
        { label: this.opts.label }
      )
      // A plain tar whose bytes the caller verifies as sha256: that digest is the diff ID.
      const sameBytes = this.kind === 'tar' && this.opts.verifiedAs !== undefined && /^sha256:[a-f0-9]{64}$/.test(this.opts.verifiedAs)
      const layer = this.opts.diffId && !sameBytes ? (this.digester = new DiffIdHasher(tar)) : tar
      if (this.opts.diffId && sameBytes) this.verifiedDiffId = this.opts.verifiedAs
      this.inner = this.kind === 'gzip' ? gunzipSink(layer, this.opts.label) : this.kind === 'zstd' ? new ZstdSink(layer, this.opts.label) : layer
    } else if (this.kind === 'json') {
      this.jsonParts = []
    }
    return this.forward(head)
  }

  abort(): void {
    this.inner?.abort?.()
    this.inner = null
  }

  async end(): Promise<void> {
    if (this.kind === null && !this.failed) await this.decide()
    let error = this.failed
    if (this.inner && !error) {
      try {
        await this.inner.end()
      } catch (e) {
        this.fail(e)
        error = this.failed
      }
    }
    const kind = this.kind ?? 'unknown'
    const r: BlobResult = { kind, blobBytes: this.bytes }
    if (kind === 'gzip' || kind === 'zstd' || kind === 'tar') r.compression = kind === 'tar' ? 'none' : kind
    if (kind === 'json' && this.jsonParts) {
      try {
        r.json = JSON.parse(Buffer.concat(this.jsonParts).toString('utf8'))
      } catch {
        r.kind = 'unknown'
      }
    }
    if (r.kind === 'unknown') r.head = this.headHex
    if (error) r.error = error
    else if (this.digester?.diffId) r.diffId = this.digester.diffId
    else if (this.verifiedDiffId) r.diffId = this.verifiedDiffId
    this.opts.done(r)
  }
}

function gunzipSink(tar: EntrySink, label: string): AbortableSink {
  const gz = createGunzip({ chunkSize: 64 * 1024 })
  const describe = (e: unknown): LayerscopeError =>
    e instanceof LayerscopeError ? e : new LayerscopeError('ARCHIVE_INVALID', `${label}: its gzip data is corrupt or truncated (${e instanceof Error ? e.message : String(e)}).`)
  return new StreamDecodeSink(gz, gz, tar, describe)
}
