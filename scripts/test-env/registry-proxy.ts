// Faults a real registry cannot be asked to make: a proxy on 127.0.0.x in front of the real
// docker-registry that forwards every request, except those its plan answers otherwise
// (429 with Retry-After, 5xx, a stall, a body cut short, a redirect to blob storage), and a
// "blob storage" server on another loopback address that serves the registry's stored blob
// files, recording the headers it receives (so a test can prove no credential reached it).
import { createReadStream, statSync } from 'node:fs'
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type net from 'node:net'

export type ProxyAction =
  | { kind: 'forward' }
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Forward, but stop the body after `afterBytes` bytes, then hang or close the connection. */
  | { kind: 'cut'; afterBytes: number; then: 'hang' | 'close' }
  | { kind: 'redirect'; location: string; status?: number }

export interface SeenRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
}

export interface FaultProxy {
  host: string
  url: string
  requests: SeenRequest[]
  /** TCP connections accepted (keep-alive reuses them). */
  connections: number
  /** Decides each request; n counts the requests so far (0-based). Default: forward everything. */
  plan: (req: SeenRequest, n: number) => ProxyAction
  stop(): Promise<void>
}

async function listen(server: http.Server, host: string): Promise<number> {
  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(0, host, () => res())
  })
  return (server.address() as net.AddressInfo).port
}

function closeAll(server: http.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy()
  return new Promise((r) => server.close(() => r()))
}

/** A fault-injecting proxy in front of `target` (http://127.0.0.1:PORT of a real registry). */
export async function startFaultProxy(target: string, bindHost = '127.0.0.1'): Promise<FaultProxy> {
  const t = new URL(target)
  const sockets = new Set<net.Socket>()
  const proxy: FaultProxy = {
    host: '',
    url: '',
    requests: [],
    connections: 0,
    plan: () => ({ kind: 'forward' }),
    stop: () => closeAll(server, sockets)
  }
  const server = http.createServer((req: IncomingMessage, res) => {
    const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers }
    const n = proxy.requests.length
    proxy.requests.push(seen)
    const action = proxy.plan(seen, n)
    if (action.kind === 'hang') return
    if (action.kind === 'respond') {
      res.writeHead(action.status, { 'content-length': Buffer.byteLength(action.body ?? ''), ...action.headers }).end(action.body ?? '')
      return
    }
    if (action.kind === 'redirect') {
      res.writeHead(action.status ?? 307, { location: action.location, 'content-length': 0 }).end()
      return
    }
    const headers = { ...req.headers, host: t.host }
    const up = http.request({ hostname: t.hostname, port: t.port, path: req.url, method: req.method, headers }, (ur) => {
      // The registry's own Location/Link/realm point at itself; keep them pointing at the proxy.
      const h = { ...ur.headers }
      if (typeof h.location === 'string') h.location = h.location.replace(t.host, proxy.host)
      res.writeHead(ur.statusCode ?? 502, h)
      if (action.kind === 'forward') return void ur.pipe(res)
      let sent = 0
      ur.on('data', (c: Buffer) => {
        if (sent >= action.afterBytes) return
        const part = c.subarray(0, Math.max(0, action.afterBytes - sent))
        sent += part.length
        const last = sent >= action.afterBytes
        // Cut only once the bytes let through are on the wire.
        res.write(part, () => {
          if (last && action.then === 'close') res.socket?.destroy()
        })
        if (last) ur.destroy()
      })
    })
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  server.on('connection', (s) => {
    proxy.connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const port = await listen(server, bindHost)
  proxy.host = `${bindHost}:${port}`
  proxy.url = `http://${proxy.host}`
  return proxy
}

export interface BlobStore {
  host: string
  url: string
  requests: SeenRequest[]
  /** The URL a redirect for this digest points at (a presigned-URL stand-in). */
  urlFor(digest: string): string
  stop(): Promise<void>
}

/** Serves a registry's stored blob files at /blobs/<digest> (Range honoured), recording headers. */
export async function startBlobStore(blobPath: (digest: string) => string, bindHost = '127.0.0.2'): Promise<BlobStore> {
  const sockets = new Set<net.Socket>()
  const requests: SeenRequest[] = []
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers })
    const m = /^\/blobs\/(sha256:[a-f0-9]{64})(\?.*)?$/.exec(req.url ?? '')
    if (!m) return void res.writeHead(404).end()
    const file = blobPath(m[1]!)
    let size: number
    try {
      size = statSync(file).size
    } catch {
      return void res.writeHead(404).end()
    }
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))
    const start = range ? Number(range[1]) : 0
    const headers = { 'content-type': 'application/octet-stream', 'content-length': size - start, ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}) }
    res.writeHead(range ? 206 : 200, headers)
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file, { start }).pipe(res)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const port = await listen(server, bindHost)
  const url = `http://${bindHost}:${port}`
  return { host: `${bindHost}:${port}`, url, requests, urlFor: (d) => `${url}/blobs/${d}?X-Signature=test`, stop: () => closeAll(server, sockets) }
}
