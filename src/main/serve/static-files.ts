// The built renderer's files. A request path is decoded and resolved to one file first, and
// every decision (the token for the page, the cache headers) is made on that file, never on
// the path as spelled: `/%69ndex.html`, `/index.html/`, `//index.html` are the page too.
import { createReadStream } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json'
}

export type StaticTarget =
  | { kind: 'file'; file: string; /** An HTML page: needs the token. */ page: boolean; immutable: boolean }
  | { kind: 'bad'; message: string }
  | { kind: 'none' }

/** The file a URL path names inside `root`, or why none. Symlinks leaving the folder name nothing. */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticTarget> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return { kind: 'bad', message: 'Bad request: the path is not valid percent-encoding.' }
  }
  if (decoded.includes('\0')) return { kind: 'bad', message: 'Bad request: the path contains a NUL byte.' }
  const segments = decoded.split(/[\\/]+/).filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) return { kind: 'none' }
  const wantsFolder = segments.length === 0 || /[\\/]$/.test(decoded)
  let realRoot: string
  let full: string
  try {
    realRoot = await realpath(root)
    // A path spelled as a folder is its index.html (the page), never a file with a slash after it.
    full = await realpath(join(realRoot, ...segments, ...(wantsFolder ? ['index.html'] : [])))
  } catch {
    return { kind: 'none' }
  }
  if (full !== realRoot && !full.startsWith(realRoot + sep)) return { kind: 'none' }
  return { kind: 'file', file: full, page: extname(full).toLowerCase() === '.html', immutable: full.startsWith(join(realRoot, 'assets') + sep) }
}

/**
 * Sends one resolved file: opened once (stat of the open file, so it cannot change between the
 * check and the read), a read error before the headers is a 500 in words, one after them ends
 * the response short (the client sees a broken transfer, the server keeps running).
 */
export async function sendStatic(target: Extract<StaticTarget, { kind: 'file' }>, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  let fh
  try {
    fh = await open(target.file, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR') return false
    sendError(res, `Cannot read ${target.file.split(sep).pop()}: ${(e as Error).message}`)
    return true
  }
  try {
    const st = await fh.stat()
    if (!st.isFile()) return false
    res.writeHead(200, {
      'Content-Type': MIME[extname(target.file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': target.immutable ? 'public, max-age=31536000, immutable' : 'no-store'
    })
    if (req.method === 'HEAD') {
      res.end()
      return true
    }
    const stream = createReadStream('', { fd: fh.fd, autoClose: false })
    await pipeline(stream, res).catch(() => {
      // A read error mid-file (or the client leaving): the response cannot be completed.
      res.destroy()
    })
    return true
  } catch (e) {
    if (!res.headersSent) sendError(res, `Cannot read ${target.file.split(sep).pop()}: ${(e as Error).message}`)
    else res.destroy()
    return true
  } finally {
    await fh.close().catch(() => undefined)
  }
}

function sendError(res: ServerResponse, message: string): void {
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(message)
}
