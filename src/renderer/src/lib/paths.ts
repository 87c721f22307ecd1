// Paths inside an image as the UI shows them ("/usr/lib") and as the API takes them.

/** The API's root path for tree and treemap queries. */
export const ROOT_PATH = '/'

/** "/usr/lib" for "usr/lib", "./usr/lib/" or "/usr/lib"; "/" for the root. */
export function displayPath(p: string): string {
  const clean = p.replace(/^\.?\/+/, '').replace(/\/+$/, '')
  return `/${clean}`
}

/** Breadcrumbs of a path: [{ name: '/', path: '/' }, { name: 'usr', path: '/usr' }, ...]. */
export function breadcrumbs(p: string): { name: string; path: string }[] {
  const parts = displayPath(p).split('/').filter(Boolean)
  const out = [{ name: '/', path: ROOT_PATH }]
  let acc = ''
  for (const part of parts) {
    acc += `/${part}`
    out.push({ name: part, path: acc })
  }
  return out
}

/** Parent of a path ("/" stays "/"). */
export function parentPath(p: string): string {
  const parts = displayPath(p).split('/').filter(Boolean)
  parts.pop()
  return parts.length ? `/${parts.join('/')}` : ROOT_PATH
}

/** Depth below the root (root = 0). */
export function pathDepth(p: string): number {
  return displayPath(p).split('/').filter(Boolean).length
}
