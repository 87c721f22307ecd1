// Content digests taken while a layer streams: the sha256 of every regular file's bytes (what
// `sha256sum` prints for the extracted file) and the sha256 of the whole uncompressed layer
// tar (its diff ID). Hashing is synchronous OpenSSL work on bytes already in hand, so nothing
// is buffered: each chunk is hashed, then handed on.
import { createHash, type Hash } from 'node:crypto'
import type { EntrySink, TarHeader } from '../model/tar-entry'
import { K_FILE, type LayerEntries } from '../model/layer-entries'
import { WorkerHash } from './hash-worker'
import { OffThreadFileHasher } from './file-hash-worker'

/** What a decompressor feeds: the uncompressed layer tar, chunk by chunk. */
export interface LayerStream {
  write(chunk: Buffer): Promise<void>
  end(): Promise<void>
}

/** Hashes the uncompressed layer bytes on their way to the tar reader. */
export class DiffIdHasher implements LayerStream {
  private hash: Hash | null = null
  private off: WorkerHash | null = null
  private result: string | undefined

  constructor(private readonly next: LayerStream) {
    if (process.env.LAYERSCOPE_HASH_OFFTHREAD === '1') this.off = new WorkerHash()
    else this.hash = createHash('sha256')
  }

  async write(chunk: Buffer): Promise<void> {
    // update() copies nothing and finishes before the caller may reuse the buffer.
    if (this.hash) this.hash.update(chunk)
    const w = this.off?.update(chunk)
    await this.next.write(chunk)
    if (w) await w
  }

  async end(): Promise<void> {
    try {
      await this.next.end()
    } catch (e) {
      this.off?.destroy()
      throw e
    }
    this.result = this.off ? await this.off.digest() : `sha256:${this.hash!.digest('hex')}`
  }

  /** "sha256:<hex>" once end() has completed, else undefined. */
  get diffId(): string | undefined {
    return this.result
  }
}

/** Hashes one regular file's content and hands the 32-byte digest to `done`. */
export class FileDigestSink implements EntrySink {
  private hash: Hash = createHash('sha256')

  constructor(private readonly done: (digest: Buffer) => void) {}

  write(chunk: Buffer): void {
    this.hash.update(chunk)
  }

  end(): void {
    this.done(this.hash.digest())
  }
}

/** sha256 of nothing: the digest of every empty regular file. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * The per-entry hook of a layer's tar reader: records each header in `entries` and, for a
 * regular file, returns a sink that hashes its content into the file's digest slot.
 */
export function recordEntries(entries: LayerEntries, offThread?: OffThreadFileHasher): (h: TarHeader) => EntrySink | null {
  return (h) => {
    const i = entries.addHeader(h)
    if (i < 0 || entries.kind[i] !== K_FILE) return null
    const slot = entries.allocDigest(i)
    return offThread ? offThread.sink(entries, slot) : new FileDigestSink((d) => entries.setDigest(slot, d))
  }
}

/** Off-thread file hashing (a worker) instead of the main thread: see the README's measurements. */
export function fileHasherFor(): OffThreadFileHasher | undefined {
  return process.env.LAYERSCOPE_HASH_OFFTHREAD === '1' ? new OffThreadFileHasher() : undefined
}
