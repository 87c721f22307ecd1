// Registry credentials where docker and podman keep them. Read on demand, held in memory by
// the caller only; never logged, never written, never put in an error message.
//   docker: $DOCKER_CONFIG/config.json (default ~/.docker/config.json):
//           credHelpers[host] -> credsStore -> auths[host] (base64 `auth`, `identitytoken`, `registrytoken`)
//   podman: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json
//           (auths keyed by host or host/namespace: the longest match wins)
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { LayerscopeError } from '../errors'

export interface Credentials {
  username?: string
  password?: string
  /** An OAuth2 refresh token (docker's `identitytoken`): exchanged at the token realm. */
  identityToken?: string
  /** A bearer token to send as is (docker's `registrytoken`). */
  registryToken?: string
  /** Where it came from, for messages ("credential helper docker-credential-pass", "~/.docker/config.json"). Never the secret. */
  source: string
}

type Env = Readonly<Record<string, string | undefined>>

interface AuthEntry {
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
}
interface ConfigFile {
  auths?: Record<string, AuthEntry>
  credsStore?: string
  credHelpers?: Record<string, string>
}

const HUB_KEYS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
/** The key docker stores Docker Hub credentials under, and passes to credential helpers. */
export const HUB_SERVER_URL = 'https://index.docker.io/v1/'

export function dockerConfigDir(env: Env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker')
}

/** docker's ConvertToHostname: strip a scheme and any path. */
function keyHost(key: string): string {
  let k = key.trim()
  k = k.replace(/^[a-z]+:\/\//i, '')
  return k.split('/')[0]!.toLowerCase()
}

function isHub(host: string): boolean {
  return HUB_KEYS.has(host.toLowerCase())
}

function readConfig(path: string): ConfigFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  try {
    const j = JSON.parse(text) as unknown
    return j && typeof j === 'object' ? (j as ConfigFile) : undefined
  } catch {
    throw new LayerscopeError('INVALID_INPUT', `${path} is not valid JSON: fix or remove it (docker and podman read it too).`)
  }
}

function fromEntry(e: AuthEntry, source: string): Credentials | undefined {
  if (e.identitytoken) return { identityToken: e.identitytoken, ...(e.username ? { username: e.username } : {}), source }
  if (e.registrytoken) return { registryToken: e.registrytoken, source }
  if (e.auth) {
    let decoded: string
    try {
      decoded = Buffer.from(e.auth, 'base64').toString('utf8')
    } catch {
      return undefined
    }
    const i = decoded.indexOf(':')
    if (i <= 0) throw new LayerscopeError('INVALID_INPUT', `The saved login in ${source} is malformed: run \`docker login\` again.`)
    return { username: decoded.slice(0, i), password: decoded.slice(i + 1), source }
  }
  if (e.username && e.password) return { username: e.username, password: e.password, source }
  return undefined
}

/** The entry for `host` (and, podman-style, the longest `host/namespace` prefix of the repository). */
function findEntry(auths: Record<string, AuthEntry>, host: string, repository?: string): AuthEntry | undefined {
  const h = host.toLowerCase()
  const hub = isHub(h)
  let best: { len: number; e: AuthEntry } | undefined
  for (const [key, e] of Object.entries(auths)) {
    if (!e || typeof e !== 'object') continue
    const k = key.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/v[12]\/?$/, '').replace(/\/+$/, '')
    const kh = keyHost(k)
    if (!(kh === h || (hub && isHub(kh)))) continue
    const ns = k.slice(k.indexOf('/') >= 0 ? k.indexOf('/') + 1 : k.length)
    if (ns && !(repository && (repository === ns || repository.startsWith(`${ns}/`)))) continue
    const len = ns.length
    if (!best || len > best.len) best = { len, e }
  }
  return best?.e
}

/** Runs `docker-credential-NAME get` with the server on stdin (docker's credential-helper protocol). */
export function runCredentialHelper(name: string, server: string, env: Env, timeoutMs = 30_000): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new LayerscopeError('INVALID_INPUT', `"${name}" is not a credential helper name (config.json credsStore/credHelpers).`)
  const program = `docker-credential-${name}`
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let outLen = 0
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (b: Buffer) => {
      outLen += b.length
      if (outLen <= 1 << 20) out.push(b)
    })
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 4096) err += b.toString('utf8')
    })
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (e.code === 'ENOENT') {
        reject(new LayerscopeError('REGISTRY_AUTH', `The credential helper ${program} named in your docker config is not installed (not on PATH): install it or remove it from config.json.`))
      } else reject(new LayerscopeError('REGISTRY_AUTH', `The credential helper ${program} could not run: ${e.message}.`))
    })
    child.on('close', (code, sig) => {
      clearTimeout(timer)
      const stdout = Buffer.concat(out).toString('utf8')
      if (sig) return reject(new LayerscopeError('REGISTRY_AUTH', `The credential helper ${program} did not answer within ${Math.round(timeoutMs / 1000)} s.`))
      if (code !== 0) {
        // "credentials not found in native keychain" is the protocol's "no login saved".
        if (/credentials not found/i.test(stdout + err)) return resolve(undefined)
        return reject(new LayerscopeError('REGISTRY_AUTH', `The credential helper ${program} failed (exit ${code}); run \`${program} list\` to check it.`))
      }
      let j: { Username?: string; Secret?: string }
      try {
        j = JSON.parse(stdout) as { Username?: string; Secret?: string }
      } catch {
        return reject(new LayerscopeError('REGISTRY_AUTH', `The credential helper ${program} answered with something that is not JSON.`))
      }
      if (!j.Secret) return resolve(undefined)
      const source = `credential helper ${program}`
      // Username "<token>" marks an identity token (docker's credentials/native_store.go).
      if (j.Username === '<token>') return resolve({ identityToken: j.Secret, source })
      resolve({ username: j.Username ?? '', password: j.Secret, source })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(server)
  })
}

function podmanAuthFiles(env: Env): string[] {
  const files: string[] = []
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE)
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'))
  files.push(join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'containers', 'auth.json'))
  return files
}

/**
 * The saved login for a registry host (host[:port] as the API is reached; Docker Hub under any
 * of its names), or undefined for anonymous access.
 */
export async function findCredentials(host: string, repository: string | undefined, env: Env): Promise<Credentials | undefined> {
  const configPath = join(dockerConfigDir(env), 'config.json')
  const cfg = readConfig(configPath)
  const hub = isHub(host)
  const server = hub ? HUB_SERVER_URL : host
  if (cfg) {
    const helpers = cfg.credHelpers ?? {}
    const helper = Object.entries(helpers).find(([k]) => keyHost(k) === host.toLowerCase() || (hub && isHub(keyHost(k))))?.[1]
    if (helper) return runCredentialHelper(helper, server, env)
    if (cfg.credsStore) {
      const c = await runCredentialHelper(cfg.credsStore, server, env)
      if (c) return c
    }
    const e = findEntry(cfg.auths ?? {}, host, repository)
    const c = e ? fromEntry(e, configPath) : undefined
    if (c) return c
  }
  for (const f of podmanAuthFiles(env)) {
    const p = readConfig(f)
    const e = p?.auths ? findEntry(p.auths, host, repository) : undefined
    const c = e ? fromEntry(e, f) : undefined
    if (c) return c
  }
  return undefined
}
