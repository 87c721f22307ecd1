// Server-sent events to the open tabs. Bounded: at most `maxClients` streams (a 503 in words
// beyond), and a client that stops reading is dropped once `maxBuffered` bytes wait for it
// (EventSource reconnects on its own), so a slow client never grows memory without bound.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const DEFAULT_MAX_SSE_CLIENTS = 32
export const DEFAULT_MAX_SSE_BUFFERED = 1024 * 1024
const PING_MS = 15_000

export class SseHub {
  private readonly clients = new Set<ServerResponse>()
  /** Clients dropped for not reading, since start (tests and the load bench read it). */
  dropped = 0
  /** Largest backlog seen on any client, in bytes. */
  maxBacklog = 0

  constructor(
    readonly maxClients = DEFAULT_MAX_SSE_CLIENTS,
    readonly maxBuffered = DEFAULT_MAX_SSE_BUFFERED
  ) {}

  get size(): number {
    return this.clients.size
  }

  /** Opens a stream, or answers 503 when the limit is reached. */
  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '5' })
      res.end(`Too many open event streams (${this.maxClients}, this server's limit): close some Layerscope tabs and reload.`)
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
    this.clients.add(res)
    this.send(res, ': connected\n\n')
    const ping = setInterval(() => this.send(res, ': ping\n\n'), PING_MS)
    const gone = (): void => {
      clearInterval(ping)
      this.clients.delete(res)
    }
    req.on('close', gone)
    res.on('close', gone)
  }

  broadcast(frame: string): void {
    for (const c of this.clients) this.send(c, frame)
  }

  private send(c: ServerResponse, frame: string): void {
    if (c.destroyed) return
    const backlog = c.writableLength
    if (backlog > this.maxBacklog) this.maxBacklog = backlog
    if (backlog + Buffer.byteLength(frame) > this.maxBuffered) {
      // Not reading: drop it rather than queue without end; its EventSource will reconnect.
      this.clients.delete(c)
      this.dropped++
      c.destroy()
      return
    }
    c.write(frame)
  }

  closeAll(): void {
    for (const c of this.clients) c.end()
    this.clients.clear()
  }
}
