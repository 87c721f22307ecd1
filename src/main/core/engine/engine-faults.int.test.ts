// Engine faults on a real unix socket in front of the real engine: a stalled engine (every
// verb times out with a clear message, and is cancellable), oversized answers and error
// bodies (bounded), a connection cut mid-export; each time the next call works once the
// engine answers again.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, ensureBaseImage } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from './engine-client'
import { resolveEngine } from './endpoint-resolver'
import { MAX_ERROR_BODY } from './engine-http'

const real = resolveEngine()
const realSocket = real.ok && real.connection.kind === 'unix' ? real.connection.socketPath : null

type Mode = 'stall' | 'proxy' | 'huge-error' | { cutAfter: number }

/** A unix socket that stalls, forwards to the engine, answers a huge error, or cuts a forwarded answer. */
class FaultySocket {
  private current: Mode = 'proxy'
  private readonly open = new Set<Socket>()

  get mode(): Mode {
    return this.current
  }

  /** A new fault applies to new connections: kept-alive ones (Node's agent reuses them) are closed. */
  set mode(m: Mode) {
    this.current = m
    for (const s of this.open) s.destroy()
  }

  readonly path: string
  private server?: Server

  constructor(dir: string) {
    this.path = join(dir, 'engine.sock')
  }

  async start(): Promise<void> {
    this.server = createServer((inbound) => {
      this.open.add(inbound)
      inbound.on('close', () => this.open.delete(inbound))
      inbound.on('error', () => undefined)
      const mode = this.mode
      if (mode === 'stall') return // reads the request, never answers
      if (mode === 'huge-error') {
        inbound.once('data', () => {
          const body = Buffer.alloc(8 * 1024 * 1024, 0x78)
          inbound.end(Buffer.concat([Buffer.from(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`), body]))
        })
        return
      }
      const outbound = createConnection(realSocket!)
      outbound.on('error', () => inbound.destroy())
      inbound.pipe(outbound)
      if (mode === 'proxy') outbound.pipe(inbound)
      else {
        let sent = 0
        outbound.on('data', (d: Buffer) => {
          const room = mode.cutAfter - sent
          if (room <= 0) return
          inbound.write(room >= d.length ? d : d.subarray(0, room))
          sent += d.length
          // The engine "dies": the connection drops mid-answer.
          if (sent >= mode.cutAfter) {
            outbound.destroy()
            inbound.destroy()
          }
        })
      }
    })
    await new Promise<void>((r) => this.server!.listen(this.path, r))
  }

  async stop(): Promise<void> {
    for (const s of this.open) s.destroy()
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r())
  }
}

let dir: string
let sock: FaultySocket
beforeAll(async () => {
  await ensureBaseImage()
  dir = mkdtempSync(join(tmpdir(), 'layerscope-faults-'))
  sock = new FaultySocket(dir)
  await sock.start()
})
afterAll(async () => {
  await sock.stop()
  rmSync(dir, { recursive: true, force: true })
})

const client = (limits: Partial<EngineClient['limits']> = {}): EngineClient =>
  EngineClient.fromEnvironment({ HOME: dir, DOCKER_HOST: `unix://${sock.path}` }, {}, { callTimeoutMs: 600, statusTimeoutMs: 800, streamHeadTimeoutMs: 600, streamIdleTimeoutMs: 600, ...limits })

async function drain(s: AsyncIterable<Buffer>): Promise<{ bytes: number; sha: string }> {
  const h = createHash('sha256')
  let bytes = 0
  for await (const c of s) {
    h.update(c)
    bytes += c.length
  }
  return { bytes, sha: h.digest('hex') }
}

describe.runIf(realSocket)('engine faults', () => {
  it('a stalled engine: every verb gives up at its deadline with a message naming the call; then works again', async () => {
    const engine = client()
    sock.mode = 'stall'
    const started = Date.now()
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['ping', () => engine.ping()],
      ['asking its version', () => engine.version()],
      ['listing images', () => engine.listImages()],
      [`inspecting ${BASE_IMAGE}`, () => engine.inspectImage(BASE_IMAGE)],
      [`reading the history of ${BASE_IMAGE}`, () => engine.imageHistory(BASE_IMAGE)],
      [`exporting ${BASE_IMAGE}`, () => engine.saveImages([BASE_IMAGE])],
      ['watching events', async () => {
        for await (const _ of engine.events({})) void _
      }]
    ]
    for (const [what, call] of calls) {
      const t0 = Date.now()
      const err = (await call().catch((e: unknown) => e)) as { code?: string; message?: string }
      expect(err, what).toMatchObject({ code: 'ENGINE_UNREACHABLE' })
      expect(err.message).toBe(`Docker at unix://${sock.path} did not answer within 600 ms (${what}). Check that the engine is running and not stuck (\`docker info\`), then retry.`)
      expect(Date.now() - t0).toBeLessThan(3000)
    }
    const removed = await engine.removeImages(['sha256:0000'])
    expect(removed[0]).toMatchObject({ removed: false, message: expect.stringMatching(/did not answer within 600 ms \(removing sha256:0000\)/) })
    const status = await engine.status()
    expect(status).toMatchObject({ ok: false, code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/did not answer within 600 ms \(ping\)/) })
    expect(Date.now() - started).toBeLessThan(15_000)

    sock.mode = 'proxy'
    expect((await engine.status()).ok).toBe(true)
    expect((await engine.inspectImage(BASE_IMAGE)).Id).toMatch(/^sha256:/)
  })

  it('a stalled call is cancelled by its signal at once, with CANCELLED', async () => {
    const engine = client({ callTimeoutMs: 60_000, streamHeadTimeoutMs: 60_000 })
    sock.mode = 'stall'
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 150)
    const t0 = Date.now()
    await expect(engine.inspectImage(BASE_IMAGE, ac.signal)).rejects.toMatchObject({ code: 'CANCELLED' })
    const ac2 = new AbortController()
    setTimeout(() => ac2.abort(), 150)
    await expect(engine.saveImages([BASE_IMAGE], ac2.signal)).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - t0).toBeLessThan(2000)
    sock.mode = 'proxy'
    expect((await engine.inspectImage(BASE_IMAGE)).Id).toMatch(/^sha256:/)
  })

  it('an 8 MiB error body is read only up to the bound and said in a bounded message', async () => {
    const engine = client({ callTimeoutMs: 10_000 })
    sock.mode = 'huge-error'
    const err = (await engine.inspectImage(BASE_IMAGE).catch((e: unknown) => e)) as { code?: string; message: string }
    expect(err.code).toBe('ENGINE_ERROR')
    expect(err.message).toMatch(/answered \(HTTP 500\): x{100}.*… \(answer cut at 65536 bytes\)$/)
    expect(err.message.length).toBeLessThan(2300)
    expect(MAX_ERROR_BODY).toBe(65536)
    sock.mode = 'proxy'
  })

  it('a JSON answer larger than the bound is refused, not held', async () => {
    const engine = client({ callTimeoutMs: 10_000, maxJsonBytes: 200 })
    sock.mode = 'proxy'
    await expect(engine.inspectImage(BASE_IMAGE)).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/larger than 200 bytes/) })
    expect((await client().ping()).apiVersion).toBeTruthy()
  })

  it('the connection cut mid-export ends the stream with ENGINE_UNREACHABLE; the next export is whole', async () => {
    const engine = client({ callTimeoutMs: 10_000, streamHeadTimeoutMs: 10_000, streamIdleTimeoutMs: 10_000 })
    sock.mode = { cutAfter: 300_000 }
    const stream = await engine.saveImages([BASE_IMAGE])
    const err = (await drain(stream as AsyncIterable<Buffer>).catch((e: unknown) => e)) as { code?: string; message?: string }
    expect(err).toMatchObject({ code: 'ENGINE_UNREACHABLE' })
    expect(err.message).toMatch(/closed the connection|not running/)
    sock.mode = 'proxy'
    const whole = await drain((await engine.saveImages([BASE_IMAGE])) as AsyncIterable<Buffer>)
    expect(whole.bytes).toBeGreaterThan(300_000)
  })

  it('an export whose engine goes silent mid-stream is ended by the idle deadline', async () => {
    const engine = client({ streamHeadTimeoutMs: 10_000, streamIdleTimeoutMs: 500 })
    // forward the head and the first bytes, then hold the rest back (a stuck engine)
    const holdAfter = 100_000
    let held = false
    sock.mode = 'proxy'
    const stallServer = createServer((inbound) => {
      const outbound = createConnection(realSocket!)
      inbound.pipe(outbound)
      let sent = 0
      outbound.on('data', (d: Buffer) => {
        if (sent >= holdAfter) {
          held = true
          return
        }
        inbound.write(d)
        sent += d.length
      })
      inbound.on('error', () => outbound.destroy())
      inbound.on('close', () => outbound.destroy())
    })
    const p = join(dir, 'stall-mid.sock')
    await new Promise<void>((r) => stallServer.listen(p, r))
    try {
      const mid = EngineClient.fromEnvironment({ HOME: dir, DOCKER_HOST: `unix://${p}` }, {}, { streamHeadTimeoutMs: 10_000, streamIdleTimeoutMs: 500 })
      const t0 = Date.now()
      const err = (await drain((await mid.saveImages([BASE_IMAGE])) as AsyncIterable<Buffer>).catch((e: unknown) => e)) as { code?: string; message?: string }
      expect(held).toBe(true)
      expect(err).toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/did not answer within 500 ms \(exporting .*: no data\)/) })
      expect(Date.now() - t0).toBeLessThan(5000)
    } finally {
      stallServer.close()
    }
    expect((await engine.ping()).apiVersion).toBeTruthy()
  })
})
