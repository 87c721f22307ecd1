// The sha256 of every regular file of a layer, taken on a worker thread: the reader copies
// each content chunk into a batch (with "slot, length" records and an end-of-file mark) and
// carries on parsing; the worker hashes and sends back 32 bytes per slot. Memory is bounded:
// past 16 MB in flight, the next write waits (the tar reader pauses with it).
import { Worker } from 'node:worker_threads'
import type { EntrySink } from '../model/tar-entry'
import type { LayerEntries } from '../model/layer-entries'

const WORKER_JS = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
let h = createHash('sha256')
parentPort.on('message', ({ buf, ops, n }) => {
  const data = new Uint8Array(buf)
  const slots = []
  const digests = []
  let pos = 0
  for (let i = 0; i < n; i += 2) {
    const slot = ops[i]
    const len = ops[i + 1]
    if (len >= 0) {
      h.update(data.subarray(pos, pos + len))
      pos += len
    } else {
      slots.push(slot)
      digests.push(h.digest())
      h = createHash('sha256')
    }
  }
  parentPort.postMessage({ bytes: buf.byteLength, slots, digests: Buffer.concat(digests) })
})
`

const BATCH = 1024 * 1024
const MAX_OPS = 64 * 1024
const MAX_IN_FLIGHT = 16 * 1024 * 1024

export class OffThreadFileHasher {
  private worker: Worker | null = null
  private batch = Buffer.allocUnsafe(BATCH)
  private fill = 0
  private ops = new Int32Array(MAX_OPS)
  private nOps = 0
  private inFlight = 0
  private posted = 0
  private answered = 0
  private blocked: Array<() => void> = []
  private flushing: Array<() => void> = []
  private error: Error | undefined
  /** Where each ticket's digest goes: the layer being read and the file's slot in it. */
  private targets = new Map<number, [LayerEntries, number]>()
  private nextTicket = 0

  private start(): Worker {
    const w = new Worker(WORKER_JS, { eval: true })
    w.on('message', (m: { bytes: number; slots: number[]; digests: Uint8Array }) => {
      this.inFlight -= m.bytes
      this.answered++
      for (let i = 0; i < m.slots.length; i++) {
        const t = this.targets.get(m.slots[i]!)
        this.targets.delete(m.slots[i]!)
        if (t) t[0].setDigest(t[1], m.digests.subarray(i * 32, i * 32 + 32))
      }
      this.wake()
    })
    w.on('error', (e) => {
      this.error = e
      this.wake()
    })
    return w
  }

  private wake(): void {
    if (this.inFlight <= MAX_IN_FLIGHT / 2 || this.error) for (const f of this.blocked.splice(0)) f()
    for (const f of this.flushing.splice(0)) f()
  }

  /** A sink for one regular file whose digest goes to slot `slot` of `entries`. */
  sink(entries: LayerEntries, slot: number): EntrySink {
    const ticket = this.nextTicket++
    this.targets.set(ticket, [entries, slot])
    return {
      write: (chunk) => this.append(ticket, chunk),
      end: () => this.op(ticket, -1)
    }
  }

  private append(ticket: number, chunk: Buffer): void | Promise<void> {
    if (this.error) throw this.error
    let pos = 0
    while (pos < chunk.length) {
      const n = Math.min(BATCH - this.fill, chunk.length - pos)
      this.batch.set(chunk.subarray(pos, pos + n), this.fill)
      this.fill += n
      pos += n
      this.op(ticket, n)
      if (this.fill === BATCH) this.post()
    }
    if (this.inFlight > MAX_IN_FLIGHT) return new Promise((r) => this.blocked.push(r))
  }

  private op(ticket: number, len: number): void {
    this.ops[this.nOps++] = ticket
    this.ops[this.nOps++] = len
    if (this.nOps >= MAX_OPS) this.post()
  }

  private post(): void {
    if (this.nOps === 0) return
    this.worker ??= this.start()
    // Copies: the batch buffer is reused for the next one.
    const buf = this.batch.buffer.slice(this.batch.byteOffset, this.batch.byteOffset + this.fill)
    const ops = this.ops.slice(0, this.nOps)
    this.inFlight += this.fill
    this.posted++
    this.worker.postMessage({ buf, ops, n: this.nOps }, [buf, ops.buffer])
    this.fill = 0
    this.nOps = 0
  }

  /** Resolves once every file handed so far has its digest written. */
  async flush(): Promise<void> {
    this.post()
    while (this.answered < this.posted && !this.error) await new Promise<void>((r) => this.flushing.push(r))
    if (this.error) throw this.error
  }

  close(): void {
    void this.worker?.terminate()
    this.worker = null
  }
}
