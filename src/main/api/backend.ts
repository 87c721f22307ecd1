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
  /** Where the app's settings are saved (settings.json in the app's data folder); none: the CLI, whose settings are its flags. */
  settingsFile?: string
}

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.'
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.cache'), 'layerscope')
}

/** The browser app's settings file (`serve`): $XDG_CONFIG_HOME/layerscope/settings.json. */
export function defaultSettingsFile(): string {
  const xdg = process.env.XDG_CONFIG_HOME
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.'
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.config'), 'layerscope', 'settings.json')
}
