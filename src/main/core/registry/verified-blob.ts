// A blob as a stream that is only good when it ends: every byte is hashed as it passes, and
// the stream errors (DIGEST_MISMATCH / BLOB_TRUNCATED) instead of ending when the bytes do not
// match the descriptor. A stalled or reset transfer resumes with a Range request from the
// byte it reached (the hash state carries on), a bounded number of times.
import { createHash, type Hash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { LayerscopeError } from '../errors'

export interface BlobSourceResponse {
  body: IncomingMessage
  /** The byte the body starts at (0, or the Range start when the server honoured it). */
  offset: number
}

export interface VerifiedBlobOptions {
  digest: string
  size: number
  /** Opens the blob at `offset` (a Range request when > 0). */
  open: (offset: number) => Promise<BlobSourceResponse>
  idleTimeoutMs: number
  /** Resumes allowed after a stall or a reset. */
  resumes: number
  /** Waits before a resume (backoff), cancellable. */
  wait: (attempt: number) => Promise<void>
  signal?: AbortSignal
  /** Names the blob in messages ("layer 2 of 127.0.0.1:5000/app:1"). */
  what: string
}

export class StallError extends LayerscopeError {
  constructor(what: string, ms: number) {
    super('REGISTRY_TIMEOUT', `${what}: no data for ${Math.round(ms / 1000)} s (stalled connection).`)
  }
}

/** A verified blob stream. The first response is opened before this returns (so HTTP errors throw here). */
export async function openVerifiedBlob(o: VerifiedBlobOptions): Promise<Readable> {
  const first = await o.open(0)
  if (first.offset !== 0) throw new LayerscopeError('REGISTRY_ERROR', `${o.what}: the registry answered a whole-blob request with a partial one.`)
  return new VerifiedBlobStream(o, first.body)
}

class VerifiedBlobStream extends Readable {
  private readonly hash: Hash
  private received = 0
  private src: IncomingMessage | undefined
  private timer: NodeJS.Timeout | undefined
  private resumesLeft: number
  private reopening = false
  private finished = false
  private readonly onAbort = (): void => {
    this.destroy(new LayerscopeError('CANCELLED', 'Cancelled.'))
  }

  constructor(
    private readonly o: VerifiedBlobOptions,
    body: IncomingMessage
  ) {
    super({ highWaterMark: 1 << 20 })
    this.hash = createHash(o.digest.split(':')[0] === 'sha512' ? 'sha512' : 'sha256')
    this.resumesLeft = o.resumes
    o.signal?.addEventListener('abort', this.onAbort, { once: true })
    this.attach(body)
  }

  private attach(body: IncomingMessage): void {
    this.src = body
    body.pause()
    body.on('data', (chunk: Buffer) => this.onData(body, chunk))
    body.on('end', () => this.onEnd(body))
    body.on('error', (e) => this.onSourceError(body, e))
    body.on('aborted', () => this.onSourceError(body, new Error('aborted')))
    // Always flow: a read the consumer asked for while we reopened is still pending.
    this.flow()
  }

  /** The consumer wants bytes: read from the network, and count silence as a stall only now. */
  override _read(): void {
    this.flow()
  }

  private flow(): void {
    if (!this.src || this.reopening || this.finished) return
    this.armTimer()
    this.src.resume()
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      const src = this.src
      if (src) this.onSourceError(src, new StallError(this.o.what, this.o.idleTimeoutMs))
    }, this.o.idleTimeoutMs)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private onData(body: IncomingMessage, chunk: Buffer): void {
    if (body !== this.src || this.finished) return
    this.received += chunk.length
    if (this.received > this.o.size) {
      this.fail(new LayerscopeError('BLOB_TRUNCATED', `${this.o.what}: the registry sent more than the ${this.o.size} bytes its descriptor says; refused.`))
      return
    }
    this.hash.update(chunk)
    if (this.push(chunk)) this.armTimer()
    else {
      // Backpressure: the consumer is busy, which is no stall.
      this.clearTimer()
      body.pause()
    }
  }

  private onEnd(body: IncomingMessage): void {
    if (body !== this.src || this.finished) return
    this.clearTimer()
    if (this.received < this.o.size) {
      // The connection closed early: resume from here if we may, else it is truncated.
      if (!body.complete) return this.onSourceError(body, new Error('connection closed early'))
      this.fail(new LayerscopeError('BLOB_TRUNCATED', `${this.o.what}: the blob ended after ${this.received} of ${this.o.size} bytes (truncated); nothing of it was kept.`))
      return
    }
    const got = `${this.o.digest.split(':')[0]}:${this.hash.digest('hex')}`
    if (got !== this.o.digest) {
      this.fail(new LayerscopeError('DIGEST_MISMATCH', `${this.o.what}: the bytes hash to ${got}, not ${this.o.digest}; refused (the registry's copy is corrupt or was altered).`))
      return
    }
    this.finished = true
    this.cleanup()
    this.push(null)
  }

  private onSourceError(body: IncomingMessage, e: Error): void {
    if (body !== this.src || this.finished) return
    this.clearTimer()
    this.src = undefined
    body.destroy()
    if (this.o.signal?.aborted) return this.onAbort()
    if (this.resumesLeft <= 0) {
      this.fail(
        e instanceof LayerscopeError
          ? e
          : new LayerscopeError('BLOB_TRUNCATED', `${this.o.what}: the connection broke after ${this.received} of ${this.o.size} bytes (${e.message}); nothing of it was kept.`)
      )
      return
    }
    const attempt = this.o.resumes - this.resumesLeft
    this.resumesLeft--
    this.reopening = true
    const from = this.received
    void this.o
      .wait(attempt)
      .then(() => this.o.open(from))
      .then((r) => {
        this.reopening = false
        if (this.destroyed) return r.body.destroy()
        if (r.offset !== from) {
          r.body.destroy()
          throw new LayerscopeError('REGISTRY_ERROR', `${this.o.what}: the transfer broke after ${from} bytes and the registry cannot resume it (no Range support).`)
        }
        this.attach(r.body)
      })
      .catch((err: unknown) => {
        this.reopening = false
        this.fail(err instanceof Error ? err : new Error(String(err)))
      })
  }

  private fail(e: Error): void {
    if (this.finished) return
    this.finished = true
    this.cleanup()
    this.destroy(e)
  }

  private cleanup(): void {
    this.clearTimer()
    this.o.signal?.removeEventListener('abort', this.onAbort)
    if (this.src && !this.src.complete) this.src.destroy()
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.finished = true
    this.cleanup()
    this.src?.destroy()
    cb(err)
  }
}
