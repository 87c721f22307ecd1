/**
 * Whether an IPC call comes from our own page: the main frame of our window, showing the
 * built renderer from file:// (inside the app's renderer folder) or the dev server's origin.
 * Anything else (a subframe, a navigated-away page, another window) is refused.
 */
export function isTrustedSenderUrl(frameUrl: string, opts: { rendererDir: string; devServerUrl?: string }): boolean {
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (opts.devServerUrl) {
    try {
      if (url.origin === new URL(opts.devServerUrl).origin) return true
    } catch {
      // A malformed dev URL trusts nothing extra.
    }
  }
  if (url.protocol !== 'file:') return false
  // file:///C:/x on Windows has the pathname /C:/x.
  const path = decodeURIComponent(url.pathname).replace(/^\/([A-Za-z]:)/, '$1')
  const root = opts.rendererDir.replace(/\\/g, '/').replace(/\/+$/, '')
  return path === `${root}/index.html` || (path.startsWith(`${root}/`) && !path.includes('/../'))
}
