// sha256 of a byte stream on a worker thread, for when the main thread is the bottleneck: the
// caller copies each chunk (a memcpy is ~10x cheaper than hashing it) and carries on parsing.
// The worker is plain JS evaluated from a string, so no bundler has to find a worker file.
import { Worker } from 'node:worker_threads'

const WORKER_JS = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
let h = createHash('sha256')
parentPort.on('message', (m) => {
  if (m.buf) {
    h.update(new Uint8Array(m.buf))
    parentPort.postMessage({ ack: m.buf.byteLength })
  } else if (m.end) {
    parentPort.postMessage({ hex: h.digest('hex') })
    h = createHash('sha256')
  }
})
`

/** Bytes copied into one message (fewer, bigger messages cost less). */
const BATCH = 1024 * 1024
/** Bytes posted but not yet hashed before write() makes its caller wait. */
const MAX_IN_FLIGHT = 16 * 1024 * 1024

export class WorkerHash {
  private worker: Worker
  private batch = Buffer.allocUnsafe(BATCH)
  private fill = 0
  private inFlight = 0
  private waiters: Array<() => void> = []
  private result: Promise<string>
  private resolveHex!: (hex: string) => void
  private failed: Error | undefined

  constructor() {
    this.worker = new Worker(WORKER_JS, { eval: true })
    this.result = new Promise((resolve) => (this.resolveHex = resolve))
    this.worker.on('message', (m: { ack?: number; hex?: string }) => {
      if (m.ack !== undefined) {
        this.inFlight -= m.ack
        if (this.inFlight <= MAX_IN_FLIGHT / 2) for (const w of this.waiters.splice(0)) w()
      } else if (m.hex !== undefined) this.resolveHex(m.hex)
    })
    this.worker.on('error', (e) => {
      this.failed = e
      for (const w of this.waiters.splice(0)) w()
      this.resolveHex('')
    })
  }

  /** Copies `chunk`; resolves at once unless too much is waiting to be hashed. */
  update(chunk: Uint8Array): void | Promise<void> {
    let pos = 0
    while (pos < chunk.length) {
      const n = Math.min(BATCH - this.fill, chunk.length - pos)
      this.batch.set(chunk.subarray(pos, pos + n), this.fill)
      this.fill += n
      pos += n
      if (this.fill === BATCH) this.post()
    }
    if (this.inFlight > MAX_IN_FLIGHT) return new Promise((r) => this.waiters.push(r))
  }

  private post(): void {
    const ab = this.batch.buffer.slice(this.batch.byteOffset, this.batch.byteOffset + this.fill)
    this.inFlight += this.fill
    this.worker.postMessage({ buf: ab }, [ab])
    this.fill = 0
  }

  /** "sha256:<hex>" of everything given; ends the worker. */
  async digest(): Promise<string> {
    if (this.fill > 0) this.post()
    this.worker.postMessage({ end: true })
    const hex = await this.result
    await this.worker.terminate()
    if (this.failed || !hex) throw this.failed ?? new Error('the hashing worker stopped')
    return `sha256:${hex}`
  }

  /** Stops the worker without a result (the layer failed or was cancelled). */
  destroy(): void {
    void this.worker.terminate()
  }
}
