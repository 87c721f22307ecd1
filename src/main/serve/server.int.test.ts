// `serve` hardening over real sockets: the page's token however its path is spelled, static
// read errors, the upload limit and clean-up, the SSE client limit and a client that stops
// reading, and two tabs opening the same engine image sharing one export.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../scripts/fixtures/base-image'
import { createBackend, type Backend } from '../api'
import { startServer, type RunningServer } from './server'

const IMG = 'layerscope-test/serve-dedupe:1'
const PAGE = '<!doctype html><title>Layerscope page</title>'
let work: string
let renderer: string

interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** One raw request (node:http, so the path goes out exactly as written). */
function send(s: RunningServer, method: string, path: string, opts: { body?: Buffer | string; headers?: Record<string, string | number>; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: { Host: `127.0.0.1:${s.port}`, ...opts.headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => done({ status: res.statusCode!, body, headers: res.headers }))
      res.on('error', fail)
    })
    req.on('error', fail)
    if (opts.body !== undefined) {
      if (opts.chunked) {
        // Written in pieces without a Content-Length: the limit must hold while streaming too.
        const b = Buffer.from(opts.body)
        for (let i = 0; i < b.length; i += 1000) req.write(b.subarray(i, i + 1000))
      } else req.write(opts.body)
    }
    req.end()
  })
}

const auth = (s: RunningServer): Record<string, string> => ({ Authorization: `Bearer ${s.token}` })

function callApi(s: RunningServer, channel: string, body: unknown): Promise<Reply> {
  return send(s, 'POST', `/api/call/${channel}`, { body: JSON.stringify(body), headers: { ...auth(s), 'Content-Type': 'application/json' } })
}

let backend: Backend

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ls-serve-'))
  renderer = join(work, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), PAGE)
  writeFileSync(join(renderer, 'assets', 'app-1234.js'), 'console.log(1)')
  writeFileSync(join(work, 'secret.txt'), 'outside the renderer')
  symlinkSync(join(work, 'secret.txt'), join(renderer, 'assets', 'escape.js'))
  backend = createBackend({ cacheDir: join(work, 'cache'), resourcesDir: resolve(__dirname, '../../../resources'), front: 'browser', version: 'test' })
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('serve: the page and its files', () => {
  it('never serves the page without the token, however its path is spelled', async () => {
    const s = await startServer({ backend, rendererDir: renderer })
    try {
      const spellings = ['/', '/index.html', '/%69ndex.html', '/index.html/', '//index.html', '/./index.html', '/assets/../index.html', '/assets/%2e%2e/index.html', '/assets%2f..%2findex.html', '/%2findex.html', '/assets/', '/index%2ehtml']
      for (const p of spellings) {
        const r = await send(s, 'GET', p)
        expect(r.body, p).not.toContain('Layerscope page')
        expect([401, 404], p).toContain(r.status)
        const h = await send(s, 'HEAD', p)
        expect([401, 404], `HEAD ${p}`).toContain(h.status)
      }
      // With the token the page opens under its odd spellings too (it is one file).
      for (const p of ['/', '/%69ndex.html', '//index.html', '/assets/%2e%2e/index.html']) {
        const r = await send(s, 'GET', `${p}?token=${s.token}`)
        expect(r.status, p).toBe(200)
        expect(r.body).toBe(PAGE)
        expect(r.headers['cache-control']).toBe('no-store')
      }
      // A file name with a slash after it is not that file.
      expect((await send(s, 'GET', `/index.html/?token=${s.token}`)).status).toBe(404)
      // Hashed assets need no token; a symlink out of the folder and bad encodings are refused.
      const asset = await send(s, 'GET', '/assets/app-1234.js')
      expect([asset.status, asset.body, asset.headers['cache-control']]).toEqual([200, 'console.log(1)', 'public, max-age=31536000, immutable'])
      expect((await send(s, 'GET', '/assets/escape.js')).status).toBe(404)
      expect(await send(s, 'GET', '/%zz')).toMatchObject({ status: 400, body: expect.stringContaining('percent-encoding') })
      expect(await send(s, 'GET', '/a%00b')).toMatchObject({ status: 400 })
    } finally {
      await s.close()
    }
  })

  it('survives a file that fails while it is read', async () => {
    // A bind mount of another process's memory: stat says a regular file, read() says EIO.
    const sleeper: ChildProcess = spawn('sleep', ['60'])
    const broken = join(renderer, 'assets', 'broken.js')
    writeFileSync(broken, '')
    const m = spawnSync('mount', ['--bind', `/proc/${sleeper.pid}/mem`, broken], { encoding: 'utf8' })
    const s = await startServer({ backend, rendererDir: renderer })
    try {
      if (m.status !== 0) return void console.warn(`static read error not tested: bind mount not permitted (${m.stderr.trim()})`)
      const r = await send(s, 'GET', '/assets/broken.js').catch((e: Error) => ({ status: -1, body: e.message, headers: {} }))
      expect(r.body).not.toContain('console.log')
      // The server is still up and serving.
      expect((await send(s, 'GET', '/assets/app-1234.js')).status).toBe(200)
    } finally {
      if (m.status === 0) spawnSync('umount', [broken])
      sleeper.kill()
      rmSync(broken, { force: true })
      await s.close()
    }
  })
})

describe('serve: uploads', () => {
  it('refuses an upload over the limit with a 413 naming the limit, declared or streamed, and keeps nothing', async () => {
    const s = await startServer({ backend, rendererDir: renderer, maxUploadBytes: 4096 })
    try {
      const big = Buffer.alloc(10_000, 1)
      const declared = await send(s, 'POST', '/api/upload?name=big.tar', { body: big, headers: { ...auth(s), 'Content-Length': big.length } })
      expect(declared.status).toBe(413)
      const msg = (JSON.parse(declared.body) as { error: { message: string } }).error.message
      expect(msg).toContain('upload limit of 4.1 kB (4,096 bytes)')
      expect(msg).toContain('the file is 10 kB')
      const streamed = await send(s, 'POST', '/api/upload?name=big.tar', { body: big, headers: auth(s), chunked: true })
      expect(streamed.status).toBe(413)
      expect(streamed.body).toContain('4,096 bytes')
      expect(readdirSync(s.stats().uploadDir)).toEqual([])
    } finally {
      await s.close()
    }
  })

  it('removes an upload whose analysis failed, keeps a few, and removes all on close (and a killed server\'s at the next start)', async () => {
    // The folder of a server that was killed: its process is gone.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const orphan = join(tmpdir(), 'layerscope-uploads', `s-${dead}-orphan`)
    mkdirSync(join(orphan, 'u-x'), { recursive: true })
    writeFileSync(join(orphan, 'u-x', 'left.tar'), 'x')
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    utimesSync(orphan, twoHoursAgo, twoHoursAgo)
    // A dead server's folder touched a minute ago is left alone (its PID may be another namespace's).
    const recent = join(tmpdir(), 'layerscope-uploads', `s-${dead}-recent`)
    mkdirSync(recent, { recursive: true })
    const s = await startServer({ backend, rendererDir: renderer })
    expect(existsSync(orphan)).toBe(false)
    expect(existsSync(recent)).toBe(true)
    rmSync(recent, { recursive: true })
    const dir = s.stats().uploadDir
    try {
      const up = await send(s, 'POST', '/api/upload?name=..%2Fnot-an-archive.tar', { body: 'x'.repeat(2000), headers: auth(s) })
      expect(up.status).toBe(200)
      const path = (JSON.parse(up.body) as { result: { path: string } }).result.path
      expect(path.startsWith(dir)).toBe(true)
      expect(existsSync(path)).toBe(true)
      const open = await callApi(s, 'analysis:open', { source: { kind: 'archive', path } })
      expect((JSON.parse(open.body) as { error: { code: string } }).error.code).toBe('ARCHIVE_INVALID')
      expect(existsSync(path)).toBe(false)
      // More uploads than can be open at once: the oldest go.
      const paths: string[] = []
      for (let i = 0; i < 6; i++) {
        const r = await send(s, 'POST', `/api/upload?name=a${i}.tar`, { body: 'y', headers: auth(s) })
        paths.push((JSON.parse(r.body) as { result: { path: string } }).result.path)
      }
      await new Promise((r) => setTimeout(r, 50))
      expect(paths.map((p) => existsSync(p))).toEqual([false, false, true, true, true, true])
    } finally {
      await s.close()
    }
    expect(existsSync(dir)).toBe(false)
  })
})

describe('serve: event streams', () => {
  it('limits open streams with a 503 in words', async () => {
    const s = await startServer({ backend, rendererDir: renderer, maxSseClients: 2 })
    const sockets = [0, 1].map(() => rawEvents(s))
    try {
      await Promise.all(sockets.map((c) => c.ready))
      const third = await send(s, 'GET', `/api/events?token=${s.token}`)
      expect(third.status).toBe(503)
      expect(third.body).toContain('Too many open event streams (2')
      expect(s.stats().sseClients).toBe(2)
    } finally {
      for (const c of sockets) c.socket.destroy()
      await s.close()
    }
  })

  it('drops a client that stops reading instead of queueing without bound', async () => {
    const cap = 256 * 1024
    const s = await startServer({ backend, rendererDir: renderer, maxSseBuffered: cap })
    const slow = rawEvents(s)
    const fast = rawEvents(s)
    try {
      await Promise.all([slow.ready, fast.ready])
      slow.socket.pause() // reads nothing more: the kernel buffers fill, then the server's
      const line = 'x'.repeat(16 * 1024)
      for (let i = 0; i < 4000 && s.stats().sseDropped === 0; i++) {
        s.emit('job:log', { jobId: 'flood', line, stream: 'stdout' })
        if (i % 4 === 0) await new Promise((r) => setTimeout(r, 1))
      }
      const st = s.stats()
      expect(st.sseDropped).toBe(1)
      expect(st.sseMaxBacklog).toBeLessThanOrEqual(cap)
      expect(st.sseClients).toBe(1)
      // The reading client got everything up to now and still gets events.
      s.emit('job:log', { jobId: 'after', line: 'still here', stream: 'stdout' })
      await until(() => fast.received().includes('still here'))
    } finally {
      slow.socket.destroy()
      fast.socket.destroy()
      await s.close()
    }
  })
})

describe('serve: identical concurrent analyses', () => {
  beforeAll(async () => {
    await ensureBaseImage()
    buildImage(IMG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/blob bs=1M count=8\n`)
  })
  afterAll(() => removeTestImages('layerscope-test/serve-dedupe'))

  it('two tabs opening the same image share one export; each sees progress under its own job', async () => {
    const b = createBackend({ cacheDir: join(work, 'cache-dedupe'), resourcesDir: resolve(__dirname, '../../../resources'), front: 'browser', version: 'test' })
    const s = await startServer({ backend: b, rendererDir: renderer })
    const events = rawEvents(s)
    try {
      await events.ready
      const req = (jobId: string): Promise<Reply> => callApi(s, 'analysis:open', { jobId, source: { kind: 'engine', ref: IMG }, options: { noCache: true } })
      const [a, c] = await Promise.all([req('tab-a'), req('tab-b')])
      const ra = JSON.parse(a.body) as { result: { key: string; layerBytes: number } }
      const rc = JSON.parse(c.body) as { result: { key: string; layerBytes: number } }
      expect(ra.result.key).toBe(rc.result.key)
      expect(ra.result.layerBytes).toBe(rc.result.layerBytes)
      expect(b.services.analysis().exports).toBe(1)
      expect(s.stats()).toMatchObject({ sharedRuns: 1, sharedJoined: 1 })
      await until(() => events.received().includes('"jobId":"tab-a"') && events.received().includes('"jobId":"tab-b"'))
      // Not concurrent: a later open is its own run (from the in-process analysis, no new export).
      await req('tab-c')
      expect(s.stats().sharedRuns).toBe(2)
    } finally {
      events.socket.destroy()
      await s.close()
    }
  })

  it('one tab cancelling leaves the other tab its analysis', async () => {
    const b = createBackend({ cacheDir: join(work, 'cache-dedupe-2'), resourcesDir: resolve(__dirname, '../../../resources'), front: 'browser', version: 'test' })
    const s = await startServer({ backend: b, rendererDir: renderer })
    try {
      const req = (jobId: string): Promise<Reply> => callApi(s, 'analysis:open', { jobId, source: { kind: 'engine', ref: IMG }, options: { noCache: true } })
      const pa = req('tab-a')
      const pb = req('tab-b')
      await until(() => s.stats().sharedJoined === 1)
      const cancel = await callApi(s, 'job:cancel', { jobId: 'tab-a' })
      expect(JSON.parse(cancel.body)).toEqual({ result: { cancelled: true } })
      const [a, c] = await Promise.all([pa, pb])
      expect((JSON.parse(a.body) as { error: { code: string } }).error.code).toBe('CANCELLED')
      expect((JSON.parse(c.body) as { result: { layerBytes: number } }).result.layerBytes).toBeGreaterThan(8 * 1024 * 1024)
      expect(b.services.analysis().exports).toBe(1)
    } finally {
      await s.close()
    }
  })
})

/** An event-stream client on a raw socket, so a test can stop reading. */
function rawEvents(s: RunningServer): { socket: ReturnType<typeof connect>; ready: Promise<void>; received: () => string } {
  const socket = connect(s.port, '127.0.0.1')
  let data = ''
  const ready = new Promise<void>((done, fail) => {
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1')
      if (data.includes(': connected')) done()
    })
    socket.on('error', fail)
  })
  socket.write(`GET /api/events?token=${s.token} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n\r\n`)
  return { socket, ready, received: () => data }
}

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}
