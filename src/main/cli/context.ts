import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync, readFileSync } from 'node:fs'
import { createBackend, type Backend } from '../api'
import { defaultCacheDir, defaultSettingsFile } from '../api/backend'
import type { HandlerContext } from '../api/types'
import { LayerscopeError } from '../core/errors'
import type { ReportTheme } from '../../shared/models/report'
import { REPORT_THEMES } from '../../shared/schemas/report'

/** The version in package.json, found beside out/ (built CLI, installs) or src/ (tests, tsx). */
export function readVersion(root = appRoot()): string {
  try {
    const v = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version
    if (typeof v === 'string' && v !== '') return v
  } catch {
    // Fall through: a broken install still runs, and says so in --version.
  }
  return '0.0.0-unknown'
}

export const VERSION = readVersion()

/** The repo/install root: out/main/cli.js -> ../../ ; src/main/cli/*.ts (tests, tsx) -> ../../../ */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return dir
    dir = resolve(dir, '..')
  }
  return process.cwd()
}

/** The built renderer beside this build (out/renderer), found from wherever the bundle's chunk lives. */
export function builtRendererDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'renderer', 'index.html'))) return join(dir, 'renderer')
    dir = resolve(dir, '..')
  }
  return null
}

/** Commander's collector for a repeatable option (`--build-arg A=1 --build-arg B=2`): every value, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** `--theme light|dark` of every command that draws (graph, history); report checks it with the report schema. */
export function themeFlag(value: string): ReportTheme {
  const theme = REPORT_THEMES.find((t) => t === value)
  if (!theme) throw new LayerscopeError('INVALID_INPUT', `--theme must be ${REPORT_THEMES.join(' or ')}, not "${value}".`)
  return theme
}

export interface CliGlobals {
  cacheDir?: string
  /** `--insecure-registry HOST` (repeatable). */
  insecureRegistry?: string[]
}

export function cliBackend(globals: CliGlobals = {}, front: 'cli' | 'browser' = 'cli'): Backend {
  return createBackend({
    cacheDir: globals.cacheDir ?? process.env.LAYERSCOPE_CACHE_DIR ?? defaultCacheDir(),
    resourcesDir: join(appRoot(), 'resources'),
    front,
    version: VERSION,
    insecureRegistries: globals.insecureRegistry ?? [],
    // `serve` is the app in a browser: it keeps the app's settings; the other commands take flags.
    ...(front === 'browser' ? { settingsFile: defaultSettingsFile() } : {})
  })
}

/** Handler context for a CLI command: Ctrl-C cancels, progress goes to stderr when it is a TTY. */
export function cliContext(signal: AbortSignal, onProgress?: HandlerContext['emit']): Omit<HandlerContext, 'jobId'> {
  return {
    signal,
    front: 'cli',
    emit: onProgress ?? (() => undefined)
  }
}

/**
 * Runs one CLI command: Ctrl-C cancels the work (exit 130), errors print as
 * "layerscope <cmd>: <message> [CODE]" on stderr with exit code 2. Stdout stays clean for --json.
 */
export async function runCli(work: (signal: AbortSignal) => Promise<void>, command: string): Promise<void> {
  const ac = new AbortController()
  const onSigint = (): void => ac.abort()
  process.once('SIGINT', onSigint)
  try {
    await work(ac.signal)
  } catch (e) {
    const err = e as { code?: string; message?: string }
    process.stderr.write(`layerscope ${command}: ${err.message ?? String(e)}${err.code ? ` [${err.code}]` : ''}\n`)
    process.exitCode = err.code === 'CANCELLED' ? 130 : 2
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}
