import { join } from 'node:path'

/**
 * Settings every handler group shares. Built once per process by the front (Electron main,
 * `serve`, CLI); core services hang off it lazily so start-up stays cheap.
 */
export interface BackendOptions {
  /** Where the layer cache lives (app data dir in Electron, XDG cache dir for the CLI). */
  cacheDir: string
  /** resources/ folder (bundled sample archives, report font). */
  resourcesDir: string
  front: 'electron' | 'browser' | 'cli'
  version: string
  /** Registries (host[:port]) allowed over plain HTTP or unverified TLS (`--insecure-registry`). */
  insecureRegistries?: string[]
}

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.'
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.cache'), 'layerscope')
}
