// Which engine to talk to, decided the way the docker CLI decides it:
// DOCKER_HOST > DOCKER_CONTEXT > currentContext in config.json > default socket > Podman.
// Pure apart from reading the files it is pointed at (tests run it on temp HOME folders).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineEndpoint } from '../../../shared/models/engine'

export const DEFAULT_SOCKET = '/var/run/docker.sock'

export interface TlsFiles {
  /** Paths; undefined when that file is not used. */
  ca?: string
  cert?: string
  key?: string
  /** Check the server certificate against ca (DOCKER_TLS_VERIFY, or a context without SkipTLSVerify). */
  verify: boolean
}

export type Connection =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsFiles }
  | { kind: 'ssh'; host: string; port: number; username?: string }

export type ResolvedEngine =
  | { ok: true; endpoint: EngineEndpoint; connection: Connection }
  | { ok: false; endpoint: EngineEndpoint; code: 'ENGINE_CONFIG'; message: string }

export interface ResolveOptions {
  env?: Record<string, string | undefined>
  /** Home folder (~/.docker lives there unless DOCKER_CONFIG says otherwise). */
  home?: string
  /** The system socket; tests point it elsewhere to exercise the fallbacks. */
  defaultSocket?: string
  /** Podman's Docker-compatible sockets, tried when no Docker socket exists. */
  podmanSockets?: string[]
  /** Docker sockets tried after the system socket (Docker Desktop, rootless). */
  userSockets?: string[]
}

class ConfigProblem extends Error {}

export function resolveEngine(opts: ResolveOptions = {}): ResolvedEngine {
  const env = opts.env ?? process.env
  const home = opts.home ?? env.HOME ?? '/root'
  const configDir = env.DOCKER_CONFIG && env.DOCKER_CONFIG.length > 0 ? env.DOCKER_CONFIG : join(home, '.docker')

  const host = env.DOCKER_HOST
  if (host !== undefined && host !== '') {
    const endpoint: EngineEndpoint = { url: host, via: 'DOCKER_HOST' }
    try {
      const connection = parseHost(host, envTls(env, configDir), opts.defaultSocket ?? DEFAULT_SOCKET)
      return { ok: true, endpoint: { ...endpoint, url: displayUrl(connection) }, connection }
    } catch (e) {
      return { ok: false, endpoint, code: 'ENGINE_CONFIG', message: `DOCKER_HOST="${host}" is not usable: ${(e as Error).message}` }
    }
  }

  const fromEnv = env.DOCKER_CONTEXT !== undefined && env.DOCKER_CONTEXT !== ''
  let contextName: string | undefined = fromEnv ? env.DOCKER_CONTEXT : undefined
  if (!contextName) {
    try {
      contextName = readCurrentContext(configDir)
    } catch (e) {
      return {
        ok: false,
        endpoint: { url: join(configDir, 'config.json'), via: 'context' },
        code: 'ENGINE_CONFIG',
        message: `${join(configDir, 'config.json')} cannot be read: ${(e as Error).message}. Fix or remove that file.`
      }
    }
  }
  if (contextName && contextName !== 'default') {
    const endpoint: EngineEndpoint = { url: `context ${contextName}`, via: 'context', context: contextName }
    const source = fromEnv ? 'DOCKER_CONTEXT' : `currentContext in ${join(configDir, 'config.json')}`
    try {
      const connection = readContext(configDir, contextName, opts.defaultSocket ?? DEFAULT_SOCKET)
      return { ok: true, endpoint: { ...endpoint, url: displayUrl(connection) }, connection }
    } catch (e) {
      return {
        ok: false,
        endpoint,
        code: 'ENGINE_CONFIG',
        message: `Docker context "${contextName}" (from ${source}) ${(e as Error).message}`
      }
    }
  }

  return defaultSocketOrPodman(env, home, opts)
}

function defaultSocketOrPodman(env: Record<string, string | undefined>, home: string, opts: ResolveOptions): ResolvedEngine {
  const system = opts.defaultSocket ?? DEFAULT_SOCKET
  const user = opts.userSockets ?? [join(home, '.docker', 'run', 'docker.sock'), ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : [])]
  for (const socketPath of [system, ...user]) {
    if (existsSync(socketPath)) return { ok: true, endpoint: { url: `unix://${socketPath}`, via: 'default' }, connection: { kind: 'unix', socketPath } }
  }
  const podman = opts.podmanSockets ?? podmanSocketCandidates(env)
  for (const socketPath of podman) {
    if (existsSync(socketPath)) return { ok: true, endpoint: { url: `unix://${socketPath}`, via: 'podman' }, connection: { kind: 'unix', socketPath } }
  }
  // Nothing exists: keep the system socket so the status says "not running at /var/run/docker.sock".
  return { ok: true, endpoint: { url: `unix://${system}`, via: 'default' }, connection: { kind: 'unix', socketPath: system } }
}

export function podmanSocketCandidates(env: Record<string, string | undefined>): string[] {
  return [...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')] : []), '/run/podman/podman.sock']
}

/** TLS settings from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the docker CLI reads them. */
function envTls(env: Record<string, string | undefined>, configDir: string): TlsFiles | undefined {
  const verify = !!env.DOCKER_TLS_VERIFY
  const tls = verify || !!env.DOCKER_TLS
  if (!tls) return undefined
  const explicitDir = env.DOCKER_CERT_PATH && env.DOCKER_CERT_PATH.length > 0 ? env.DOCKER_CERT_PATH : undefined
  const dir = explicitDir ?? configDir
  if (explicitDir && !isDir(explicitDir)) {
    throw new ConfigProblem(`DOCKER_CERT_PATH=${explicitDir} does not exist. Point it at the folder holding ca.pem, cert.pem and key.pem.`)
  }
  return tlsFilesIn(dir, verify, explicitDir ? 'DOCKER_CERT_PATH' : `${dir} (set DOCKER_CERT_PATH to use another folder)`)
}

function tlsFilesIn(dir: string, verify: boolean, what: string): TlsFiles {
  const ca = join(dir, 'ca.pem')
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  const has = (p: string): boolean => existsSync(p)
  if (verify && !has(ca)) throw new ConfigProblem(`TLS verification is on but ${ca} is missing (from ${what}).`)
  if (has(cert) !== has(key)) {
    throw new ConfigProblem(`${has(cert) ? key : cert} is missing: a client certificate needs both cert.pem and key.pem (in ${what}).`)
  }
  return { ...(has(ca) ? { ca } : {}), ...(has(cert) ? { cert, key } : {}), verify }
}

/** DOCKER_HOST / context Host -> a connection. Throws ConfigProblem with what is wrong. */
export function parseHost(raw: string, tls: TlsFiles | undefined, defaultSocket = DEFAULT_SOCKET): Connection {
  const value = raw.trim()
  const withScheme = value.includes('://') ? value : `tcp://${value}`
  const scheme = withScheme.slice(0, withScheme.indexOf('://')).toLowerCase()
  if (scheme === 'unix') {
    const socketPath = withScheme.slice('unix://'.length) || defaultSocket
    if (!socketPath.startsWith('/')) throw new ConfigProblem(`the socket path must be absolute, e.g. unix:///var/run/docker.sock.`)
    return { kind: 'unix', socketPath }
  }
  if (scheme !== 'tcp' && scheme !== 'ssh' && scheme !== 'http' && scheme !== 'https') {
    const hint = scheme === 'npipe' ? ' (npipe:// is for Windows)' : scheme === 'fd' ? ' (fd:// is for the daemon, not clients)' : ''
    throw new ConfigProblem(`unknown scheme "${scheme}://"${hint}. Use unix:///path/to/docker.sock, tcp://host:2375 or ssh://user@host.`)
  }
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ConfigProblem(`it cannot be parsed as an address. Use e.g. tcp://127.0.0.1:2375 or ssh://user@host.`)
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!hostname) throw new ConfigProblem(`it names no host. Use e.g. tcp://127.0.0.1:2375.`)
  if (url.pathname && url.pathname !== '/' && scheme !== 'ssh') {
    throw new ConfigProblem(`a ${scheme}:// address takes no path ("${url.pathname}").`)
  }
  if (scheme === 'ssh') {
    return { kind: 'ssh', host: hostname, port: url.port ? Number(url.port) : 22, ...(url.username ? { username: decodeURIComponent(url.username) } : {}) }
  }
  const useTls = tls ?? (scheme === 'https' ? { verify: false } : undefined)
  const port = url.port ? Number(url.port) : useTls ? 2376 : 2375
  return { kind: 'tcp', host: hostname, port, ...(useTls ? { tls: useTls } : {}) }
}

function readCurrentContext(configDir: string): string | undefined {
  const file = join(configDir, 'config.json')
  if (!existsSync(file)) return undefined
  const text = readFileSync(file, 'utf8')
  if (text.trim() === '') return undefined
  const parsed = JSON.parse(text) as { currentContext?: unknown }
  return typeof parsed.currentContext === 'string' && parsed.currentContext !== '' ? parsed.currentContext : undefined
}

/** A context's id is the sha256 of its name: ~/.docker/contexts/meta/<id>/meta.json. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex')
}

function readContext(configDir: string, name: string, defaultSocket: string): Connection {
  const id = contextId(name)
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json')
  if (!existsSync(metaFile)) {
    throw new ConfigProblem(
      `does not exist (no ${metaFile}). Run \`docker context ls\` to see the contexts, then \`docker context use <name>\` or unset DOCKER_CONTEXT.`
    )
  }
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as typeof meta
  } catch (e) {
    throw new ConfigProblem(`has an unreadable ${metaFile}: ${(e as Error).message}.`)
  }
  const docker = meta.Endpoints?.docker
  if (!docker || typeof docker.Host !== 'string' || docker.Host === '') {
    throw new ConfigProblem(`has no Docker endpoint (Endpoints.docker.Host in ${metaFile}).`)
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker')
  let tls: TlsFiles | undefined
  try {
    tls = isDir(tlsDir) ? tlsFilesIn(tlsDir, docker.SkipTLSVerify !== true, tlsDir) : undefined
  } catch (e) {
    throw new ConfigProblem(`has incomplete TLS files: ${(e as Error).message}`)
  }
  try {
    return parseHost(docker.Host, tls, defaultSocket)
  } catch (e) {
    throw new ConfigProblem(`has a bad host "${docker.Host}": ${(e as Error).message}`)
  }
}

function displayUrl(c: Connection): string {
  if (c.kind === 'unix') return `unix://${c.socketPath}`
  const host = c.host.includes(':') ? `[${c.host}]` : c.host
  if (c.kind === 'ssh') return `ssh://${c.username ? `${c.username}@` : ''}${host}${c.port === 22 ? '' : `:${c.port}`}`
  return `tcp://${host}:${c.port}`
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}
