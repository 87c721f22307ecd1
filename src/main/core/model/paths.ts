// Entry names are data: they are normalised for comparison, never resolved against a disk.

/**
 * "./usr/x", "/usr/x", "usr/x/", "usr//x" -> "usr/x"; "." and "/" -> "" (the root).
 * "a/../b" -> "b", as Go's filepath.Clean makes it before Docker applies whiteouts (so
 * "a/../.wh.b" deletes "b"). ".." that would climb above the root is kept as data
 * ("../../etc/passwd" stays as it is: shown, never resolved). Iterative: any depth.
 */
export function normalizePath(raw: string): string {
  // Fast path: the common docker/OCI form is already clean.
  if (
    raw.length > 0 &&
    raw.charCodeAt(0) !== 47 &&
    raw.charCodeAt(0) !== 46 &&
    !raw.endsWith('/') &&
    !raw.includes('//') &&
    !raw.includes('/./') &&
    !raw.includes('/..') &&
    !raw.endsWith('/.')
  ) {
    return raw
  }
  const parts = raw.split('/')
  const out: string[] = []
  // Leading ".." segments that climb above the root; they stay in front.
  let above = 0
  for (const p of parts) {
    if (p === '' || p === '.') continue
    if (p === '..') {
      if (out.length > 0) out.pop()
      else above++
      continue
    }
    out.push(p)
  }
  if (above === 0) return out.join('/')
  const up = '../'.repeat(above)
  return out.length ? up + out.join('/') : up.slice(0, -1)
}

/** Segments of a normalised path ("" = 0). */
export function pathDepth(path: string): number {
  if (path === '') return 0
  let n = 1
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++
  return n
}

/**
 * A tar name's bytes as text. Valid UTF-8 is decoded as is; each byte that is not part of
 * valid UTF-8 is shown as "\xHH" (not U+FFFD, which would merge distinct names into one).
 */
export function decodeName(b: Uint8Array): string {
  let ascii = true
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      ascii = false
      break
    }
  }
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  if (ascii) return buf.toString('latin1')
  let out = ''
  let runStart = 0
  let i = 0
  while (i < b.length) {
    const n = utf8SeqLen(b, i)
    if (n > 0) {
      i += n
      continue
    }
    out += buf.toString('utf8', runStart, i) + `\\x${b[i]!.toString(16).padStart(2, '0')}`
    i++
    runStart = i
  }
  return out + buf.toString('utf8', runStart, b.length)
}

/** Length of the valid UTF-8 sequence at i (RFC 3629: no overlongs, no surrogates), or 0. */
function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i]!
  if (c < 0x80) return 1
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? path : path.slice(i + 1)
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}
