import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'

/** Hosts a browser may use to reach us; anything else is DNS rebinding. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`))
}

export type Refusal = { status: number; message: string }

/**
 * Host and Origin checks for every request: a page on another site (cross-site request) or a
 * rebound DNS name pointing at 127.0.0.1 is refused before anything else runs.
 */
export function checkRequestOrigin(req: IncomingMessage, port: number): Refusal | null {
  const host = req.headers.host ?? ''
  if (!allowedHosts(port).has(host.toLowerCase())) {
    return { status: 403, message: `Refused: unexpected Host "${host}". Open Layerscope at http://127.0.0.1:${port}/.` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { status: 403, message: `Refused: cross-origin request from "${origin}".` }
  }
  const site = req.headers['sec-fetch-site']
  if (site === 'cross-site') return { status: 403, message: 'Refused: cross-site request.' }
  return null
}

export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token from `Authorization: Bearer <t>` or, for EventSource and the first page load, `?token=`. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim()
  return url.searchParams.get('token')
}
