// One HTTP exchange with a registry or a blob store: node's http/https with keep-alive agents
// (one per registry host, carrying its certs.d CAs and client certificate), an idle timeout
// until the response headers arrive, cancellation, and network failures turned into errors a
// person can act on. Retries, auth and redirects are the client's job (client.ts).
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import https from 'node:https'
import { LayerscopeError } from '../errors'
import { isCertificateError, isNotTlsError, isTlsError, readTlsFiles } from './tls'

export interface ExchangeRequest {
  method: 'GET' | 'HEAD' | 'POST'
  url: URL
  headers: OutgoingHttpHeaders
  body?: Buffer
  signal?: AbortSignal
  idleTimeoutMs: number
  /** Skip certificate verification (hosts the user named insecure, as docker does). */
  insecureTls?: boolean
}

/** A failure that may pass if tried again (reset, stall, 5xx, 429), with the wait the server asked for. */
export class RetryableError extends Error {
  constructor(
    readonly error: LayerscopeError,
    readonly retryAfterMs?: number
  ) {
    super(error.message)
  }
}

/** The server does not speak TLS (so a plain-HTTP retry may work where allowed). */
export class NotTlsError extends Error {}

export class Agents {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  private readonly httpsAgents = new Map<string, { agent: https.Agent; looked: string[] }>()

  constructor(private readonly certsDirs: readonly string[]) {}

  /** The https agent for host[:port]: system CAs plus certs.d/HOST[:PORT]/. */
  https(hostPort: string, insecure: boolean): { agent: https.Agent; looked: string[] } {
    const key = `${hostPort}|${insecure ? 'insecure' : 'verify'}`
    let entry = this.httpsAgents.get(key)
    if (!entry) {
      const files = readTlsFiles(hostPort, this.certsDirs)
      const agent = new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        ...(files.ca ? { ca: files.ca } : {}),
        ...(files.cert && files.key ? { cert: files.cert, key: files.key } : {}),
        rejectUnauthorized: !insecure
      })
      entry = { agent, looked: files.looked }
      this.httpsAgents.set(key, entry)
    }
    return entry
  }

  /** Drops a host's agents, so its certs.d files are read again (after the user fixed them). */
  forget(hostPort: string): void {
    for (const key of [`${hostPort}|insecure`, `${hostPort}|verify`]) {
      this.httpsAgents.get(key)?.agent.destroy()
      this.httpsAgents.delete(key)
    }
  }

  http(): http.Agent {
    return this.httpAgent
  }

  close(): void {
    this.httpAgent.destroy()
    for (const a of this.httpsAgents.values()) a.agent.destroy()
    this.httpsAgents.clear()
  }
}

export function hostPortOf(url: URL): string {
  return url.port ? `${url.hostname.includes(':') ? `[${url.hostname.replace(/^\[|\]$/g, '')}]` : url.hostname}:${url.port}` : url.hostname
}

function cancelled(): LayerscopeError {
  return new LayerscopeError('CANCELLED', 'Cancelled.')
}

/** Turns a socket/TLS/DNS failure into what to do about it. */
export function networkError(e: unknown, url: URL, looked: readonly string[]): Error {
  if (e instanceof LayerscopeError || e instanceof RetryableError || e instanceof NotTlsError) return e
  const err = e as NodeJS.ErrnoException
  const host = hostPortOf(url)
  const code = err.code ?? ''
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new LayerscopeError('REGISTRY_UNREACHABLE', `Unknown registry host "${url.hostname}" (DNS lookup failed): check the name in the reference.`, { host })
  }
  if (code === 'ECONNREFUSED') {
    return new LayerscopeError('REGISTRY_UNREACHABLE', `Nothing listens at ${host} (connection refused): is the registry running, and is the port right?`, { host })
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new LayerscopeError('REGISTRY_UNREACHABLE', `${host} cannot be reached (${code}): check the network.`, { host })
  }
  if (url.protocol === 'https:' && isNotTlsError(e)) return new NotTlsError(err.message)
  if (url.protocol === 'https:' && /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|alert handshake failure/i.test(`${code} ${err.message ?? ''}`)) {
    const where = looked[0] ? `put client.cert and client.key (docker's names) in ${looked[0]}/` : 'add a client certificate to certs.d'
    return new LayerscopeError('REGISTRY_TLS', `${host} asks for a client certificate (${code || err.message}): ${where}.`, { host, ...(looked[0] ? { certsDir: looked[0] } : {}) })
  }
  if (url.protocol === 'https:' && (isCertificateError(e) || isTlsError(e))) {
    const where = looked.length ? ` To trust a private CA, put its certificate in ${looked[0]}/ca.crt (docker's certs.d).` : ''
    return new LayerscopeError('REGISTRY_TLS', `TLS with ${host} failed: ${err.message} (${code || 'TLS error'}).${where}`, { host, ...(looked[0] ? { certsDir: looked[0] } : {}) })
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || /socket hang up/i.test(err.message ?? '')) {
    return new RetryableError(new LayerscopeError('REGISTRY_UNREACHABLE', `The connection to ${host} broke (${code || err.message}).`, { host }))
  }
  return new LayerscopeError('REGISTRY_ERROR', `Talking to ${host} failed: ${err.message ?? String(e)}.`, { host })
}

/**
 * Sends one request and resolves with the response once its headers arrive (the body is the
 * caller's to read or drain). Silence before the headers longer than idleTimeoutMs is a stall.
 */
export function exchange(agents: Agents, r: ExchangeRequest): Promise<IncomingMessage> {
  if (r.signal?.aborted) return Promise.reject(cancelled())
  const isHttps = r.url.protocol === 'https:'
  const hp = hostPortOf(r.url)
  const tls = isHttps ? agents.https(hp, !!r.insecureTls) : undefined
  const mod = isHttps ? https : http
  return new Promise<IncomingMessage>((resolve, reject) => {
    let settled = false
    const done = (e: Error | null, res?: IncomingMessage): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      r.signal?.removeEventListener('abort', onAbort)
      if (e) {
        req.destroy()
        reject(e)
      } else resolve(res!)
    }
    const onAbort = (): void => done(cancelled())
    const req = mod.request(r.url, {
      method: r.method,
      headers: { ...r.headers, ...(r.body ? { 'content-length': r.body.length } : {}) },
      agent: isHttps ? tls!.agent : agents.http()
    })
    const timer = setTimeout(() => {
      done(new RetryableError(new LayerscopeError('REGISTRY_TIMEOUT', `${hp} sent no answer for ${Math.round(r.idleTimeoutMs / 1000)} s (stalled connection).`, { host: hp })))
    }, r.idleTimeoutMs)
    r.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('response', (res) => {
      if (settled) return res.destroy()
      done(null, res)
    })
    req.on('error', (e) => {
      const err = networkError(e, r.url, tls?.looked ?? [])
      // The message says to add a CA or client certificate: read certs.d again next time.
      if (err instanceof LayerscopeError && err.code === 'REGISTRY_TLS') agents.forget(hp)
      done(err)
    })
    req.end(r.body)
  })
}

/** Reads a whole (small) body, at most maxBytes, with the idle timeout between chunks. */
export function readBody(res: IncomingMessage, maxBytes: number, idleTimeoutMs: number, what: string, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy()
      return reject(new LayerscopeError('REGISTRY_ERROR', `${what} is ${declared} bytes, more than the ${maxBytes} Layerscope reads into memory.`))
    }
    const chunks: Buffer[] = []
    let n = 0
    let timer: NodeJS.Timeout | undefined
    const arm = (): void => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => finish(new RetryableError(new LayerscopeError('REGISTRY_TIMEOUT', `${what}: no data for ${Math.round(idleTimeoutMs / 1000)} s (stalled connection).`))), idleTimeoutMs)
    }
    const onAbort = (): void => finish(cancelled())
    let settled = false
    const finish = (e: Error | null, b?: Buffer): void => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (e) {
        res.destroy()
        reject(e)
      } else resolve(b!)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    arm()
    res.on('data', (c: Buffer) => {
      n += c.length
      if (n > maxBytes) return finish(new LayerscopeError('REGISTRY_ERROR', `${what} is more than the ${maxBytes} bytes Layerscope reads into memory.`))
      chunks.push(c)
      arm()
    })
    res.on('end', () => {
      if (!res.complete) return finish(new RetryableError(new LayerscopeError('REGISTRY_UNREACHABLE', `${what}: the connection closed before the answer was complete.`)))
      finish(null, Buffer.concat(chunks))
    })
    res.on('error', (e) => finish(new RetryableError(new LayerscopeError('REGISTRY_UNREACHABLE', `${what}: the connection broke (${e.message}).`))))
    res.on('aborted', () => finish(new RetryableError(new LayerscopeError('REGISTRY_UNREACHABLE', `${what}: the connection broke.`))))
  })
}

/** Discards a body so the socket can be reused (bounded: a huge error body just closes it). */
export function drain(res: IncomingMessage): void {
  const len = Number(res.headers['content-length'] ?? NaN)
  if (Number.isFinite(len) && len <= 64 * 1024) res.resume()
  else res.destroy()
}
