// Entry names are data: they are normalised for comparison, never resolved against a disk.

/**
 * "./usr/x", "/usr/x", "usr/x/", "usr//x" -> "usr/x"; "." and "/" -> "" (the root).
 * ".." segments are kept as they are (shown as data, never resolved).
 */
export function normalizePath(raw: string): string {
  // Fast path: the common docker/OCI form is already clean.
  if (raw.length > 0 && raw.charCodeAt(0) !== 47 && raw.charCodeAt(0) !== 46 && !raw.endsWith('/') && !raw.includes('//') && !raw.includes('/./')) {
    return raw
  }
  const parts = raw.split('/')
  const out: string[] = []
  for (const p of parts) {
    if (p === '' || p === '.') continue
    out.push(p)
  }
  return out.join('/')
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? path : path.slice(i + 1)
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}
