import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventName, Events } from '../../shared/api'
import type { Backend } from '../api'
import { checkRequestOrigin, requestToken, tokenMatches } from './security'
import { SharedCalls } from './shared-calls'
import { SseHub } from './sse-hub'
import { resolveStatic, sendStatic } from './static-files'
import { UploadError, Uploads } from './uploads'
import { CONTENT_SECURITY_POLICY } from '../window/csp'

export interface ServeOptions {
  backend: Backend
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 = a random free port. */
  port?: number
  token?: string
  /** Largest archive a tab may upload, bytes (default 8 GiB). */
  maxUploadBytes?: number
  /** Open event streams at once (default 32), and bytes queued for one before it is dropped (1 MiB). */
  maxSseClients?: number
  maxSseBuffered?: number
}

export interface RunningServer {
  url: string
  port: number
  token: string
  server: Server
  /** Sends an event to every open tab. */
  emit<E extends EventName>(event: E, payload: Events[E]): void
  /** Live figures for tests and the load bench. */
  stats(): { sseClients: number; sseDropped: number; sseMaxBacklog: number; sharedRuns: number; sharedJoined: number; uploads: number; uploadDir: string }
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
  const sse = new SseHub(opts.maxSseClients, opts.maxSseBuffered)
  const uploads = new Uploads(opts.maxUploadBytes)
  let port = 0

  const emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    sse.broadcast(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)
  }
  const shared = new SharedCalls(opts.backend.dispatcher, emit)

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
      if (url.pathname === '/api/events' && req.method === 'GET') return sse.open(req, res)
      if (url.pathname === '/api/upload' && req.method === 'POST') return upload(req, res, url)
      const m = /^\/api\/call\/([a-z]+:[a-z]+)$/.exec(url.pathname)
      if (m && req.method === 'POST') return call(m[1]!, req, res)
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No API at ${url.pathname}.` } })
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.')
    // Decided on the file the path resolves to, however it is spelled: the page needs the token
    // (so a stray tab cannot open the app); hashed assets do not.
    const target = await resolveStatic(opts.rendererDir, url.pathname)
    if (target.kind === 'bad') return sendText(res, 400, target.message)
    if (target.kind === 'none') return sendText(res, 404, 'Not found.')
    if (target.page && !authorised) {
      return sendText(res, 401, 'Layerscope: open the full URL that `layerscope serve` printed (it carries the access token).')
    }
    if (!(await sendStatic(target, req, res))) sendText(res, 404, 'Not found.')
  }

  async function call(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { error: { code: 'INVALID_INPUT', message: 'API calls take application/json.' } })
    }
    let body: unknown
    try {
      body = JSON.parse((await readBody(req, MAX_JSON_BODY)) || '{}')
    } catch (e) {
      const status = e instanceof UploadError ? e.status : 400
      return sendJson(res, status, { error: { code: 'INVALID_INPUT', message: `Bad request body: ${(e as Error).message}` } })
    }
    // A closed connection (tab closed, fetch aborted) cancels the work behind it.
    const closed = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) closed.abort()
    })
    const result = await shared.call(channel, body, closed.signal)
    // An upload whose analysis failed will not be read again: remove it now.
    const src = (body as { source?: { kind?: unknown; path?: unknown } } | null)?.source
    if (result.error && result.error.code !== 'CANCELLED' && src?.kind === 'archive' && typeof src.path === 'string' && uploads.owns(src.path)) {
      await uploads.release(src.path)
    }
    if (!res.destroyed) sendJson(res, 200, result)
  }

  /** Drag-and-drop in the browser: the archive is streamed to this server's private temp folder. */
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const path = await uploads.receive(req, url.searchParams.get('name') ?? 'archive.tar')
      sendJson(res, 200, { result: { path } })
    } catch (e) {
      const status = e instanceof UploadError ? e.status : 500
      // Refused before the body was read: close the connection rather than read gigabytes to drain it.
      if (status === 413) res.setHeader('Connection', 'close')
      sendJson(res, status, { error: { code: status === 413 ? 'INVALID_INPUT' : 'IO_ERROR', message: (e as Error).message } })
    }
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
    emit,
    stats: () => ({
      sseClients: sse.size,
      sseDropped: sse.dropped,
      sseMaxBacklog: sse.maxBacklog,
      sharedRuns: shared.started,
      sharedJoined: shared.joined,
      uploads: uploads.count(),
      uploadDir: uploads.root
    }),
    close: () =>
      new Promise<void>((resolve) => {
        sse.closeAll()
        server.closeAllConnections()
        server.close(() => {
          uploads.removeAllSync()
          resolve()
        })
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
        reject(new UploadError(413, `larger than this server's limit of ${limit.toLocaleString('en-US')} bytes for an API call`))
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
