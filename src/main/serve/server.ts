import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { EventName, Events } from '../../shared/api'
import type { Backend } from '../api'
import { checkRequestOrigin, requestToken, tokenMatches } from './security'
import { serveStatic } from './static-files'
import { CONTENT_SECURITY_POLICY } from '../window/csp'

export interface ServeOptions {
  backend: Backend
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 = a random free port. */
  port?: number
  token?: string
}

export interface RunningServer {
  url: string
  port: number
  token: string
  server: Server
  close(): Promise<void>
}

const MAX_JSON_BODY = 1024 * 1024

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

/**
 * The browser front: the same renderer and API as Electron, over HTTP on 127.0.0.1 only.
 * Every API call needs the random token; Host and Origin are checked on every request.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const sseClients = new Set<ServerResponse>()
  let port = 0

  const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const c of sseClients) c.write(frame)
  }

  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v)
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: String(e) } })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = checkRequestOrigin(req, port)
    if (refusal) return sendText(res, refusal.status, refusal.message)
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const authorised = tokenMatches(requestToken(req, url), token)

    if (url.pathname.startsWith('/api/')) {
      if (!authorised) {
        return sendJson(res, 401, {
          error: { code: 'INVALID_INPUT', message: 'Missing or wrong token: open the URL that `layerscope serve` printed.' }
        })
      }
      if (url.pathname === '/api/events' && req.method === 'GET') return openEvents(req, res)
      if (url.pathname === '/api/upload' && req.method === 'POST') return upload(req, res, url)
      const m = /^\/api\/call\/([a-z]+:[a-z]+)$/.exec(url.pathname)
      if (m && req.method === 'POST') return call(m[1]!, req, res)
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No API at ${url.pathname}.` } })
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.')
    // The page itself needs the token (so a stray tab cannot open the app); hashed assets do not.
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!authorised) {
        return sendText(res, 401, 'Layerscope: open the full URL that `layerscope serve` printed (it carries the access token).')
      }
      res.setHeader('Cache-Control', 'no-store')
    }
    if (!serveStatic(opts.rendererDir, url.pathname, res)) sendText(res, 404, 'Not found.')
  }

  async function call(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { error: { code: 'INVALID_INPUT', message: 'API calls take application/json.' } })
    }
    let body: unknown
    try {
      body = JSON.parse((await readBody(req, MAX_JSON_BODY)) || '{}')
    } catch (e) {
      return sendJson(res, 400, { error: { code: 'INVALID_INPUT', message: `Bad request body: ${(e as Error).message}` } })
    }
    // A closed connection (tab closed, fetch aborted) cancels the work behind it.
    const closed = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) closed.abort()
    })
    const result = await opts.backend.dispatcher.call(channel, body, { front: 'browser', emit, signal: closed.signal })
    sendJson(res, 200, result)
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
    res.write(': connected\n\n')
    sseClients.add(res)
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000)
    req.on('close', () => {
      clearInterval(ping)
      sseClients.delete(res)
    })
  }

  /** Drag-and-drop in the browser: the archive is streamed to a private temp folder. */
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = basename((url.searchParams.get('name') ?? 'archive.tar').replace(/[\\/\0]/g, '_')) || 'archive.tar'
    const root = join(tmpdir(), 'layerscope-uploads')
    mkdirSync(root, { recursive: true, mode: 0o700 })
    const dir = mkdtempSync(join(root, 'u-'))
    const path = join(dir, name)
    try {
      await pipeline(req, createWriteStream(path, { mode: 0o600 }))
    } catch (e) {
      return sendJson(res, 400, { error: { code: 'IO_ERROR', message: `Upload failed: ${(e as Error).message}` } })
    }
    sendJson(res, 200, { result: { path } })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}/?token=${token}`
  return {
    url,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of sseClients) c.end()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new Error(`larger than ${limit} bytes`))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}
