import { createReadStream, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

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

/** Serves a file of the built renderer; refuses anything that resolves outside its folder. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '')
  const full = resolve(join(root, rel === '' ? 'index.html' : rel))
  if (full !== resolve(root) && !full.startsWith(resolve(root) + sep)) return false
  let size: number
  try {
    const st = statSync(full)
    if (!st.isFile()) return false
    size = st.size
  } catch {
    return false
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(full)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': full.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store'
  })
  createReadStream(full).pipe(res)
  return true
}
