// The connection to a Docker-compatible engine (Docker or Podman), reached the way the docker
// CLI would reach it (see endpoint-resolver.ts). No Electron import: every front uses this.
import Docker from 'dockerode'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { EngineEndpoint, EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary } from '../../../shared/models/images'
import { LayerscopeError } from '../errors'
import { resolveEngine, type Connection, type ResolveOptions, type ResolvedEngine } from './endpoint-resolver'
import { listImageSummaries, type ListImagesOptions } from './image-list'

/** How long status() waits for an answer before calling the engine unreachable. */
const STATUS_TIMEOUT_MS = 15_000

export class EngineClient {
  readonly endpoint: EngineEndpoint
  private readonly resolved: ResolvedEngine
  private client?: Docker
  /** What status() found answering; until then a guess from the endpoint. */
  private detected?: 'docker' | 'podman'

  constructor(resolved: ResolvedEngine) {
    this.resolved = resolved
    this.endpoint = resolved.endpoint
  }

  /** DOCKER_HOST > DOCKER_CONTEXT > currentContext > default socket > Podman. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env, opts: Omit<ResolveOptions, 'env'> = {}): EngineClient {
    return new EngineClient(resolveEngine({ ...opts, env }))
  }

  /**
   * Docker or Podman, for messages that name the engine and its commands: what status() saw,
   * else Podman when the socket is Podman's (the fallback, or a DOCKER_HOST naming podman.sock).
   */
  get kind(): 'docker' | 'podman' {
    return this.detected ?? (this.endpoint.via === 'podman' || /podman/i.test(this.endpoint.url) ? 'podman' : 'docker')
  }

  /** The connection in use (null when the configuration is unusable). */
  get connection(): Connection | null {
    return this.resolved.ok ? this.resolved.connection : null
  }

  /**
   * The dockerode client for this endpoint (API calls: inspect, history, get, build).
   * Throws ENGINE_CONFIG (with what to fix) when DOCKER_HOST or the context is unusable.
   */
  get docker(): Docker {
    if (!this.resolved.ok) throw new LayerscopeError('ENGINE_CONFIG', this.resolved.message)
    this.client ??= makeDocker(this.resolved.connection, this.endpoint)
    return this.client
  }

  async status(): Promise<EngineStatus> {
    if (!this.resolved.ok) {
      return { ok: false, endpoint: this.endpoint, code: 'ENGINE_CONFIG', message: this.resolved.message }
    }
    try {
      const work = (async () => {
        const ping = await this.ping()
        const v = await this.docker.version()
        return { ping, v }
      })()
      const { ping, v } = await withTimeout(work, STATUS_TIMEOUT_MS, () =>
        new LayerscopeError(
          'ENGINE_UNREACHABLE',
          `The engine at ${this.endpoint.url} did not answer within ${STATUS_TIMEOUT_MS / 1000} s. Check that it is running and reachable, then retry.`
        )
      )
      const components = JSON.stringify(v.Components ?? [])
      // Podman names itself in Components ("Podman Engine") and in the _ping Server header ("Libpod/4.3.1").
      const isPodman = /podman/i.test(components) || /libpod|podman/i.test(ping.server ?? '') || this.endpoint.via === 'podman'
      this.detected = isPodman ? 'podman' : 'docker'
      return {
        ok: true,
        endpoint: this.endpoint,
        engine: this.detected,
        version: v.Version,
        apiVersion: v.ApiVersion,
        os: v.Os,
        arch: v.Arch,
        buildkit: ping.builderVersion === '2'
      }
    } catch (e) {
      const err = this.explain(e)
      const code = err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_PERMISSION' || err.code === 'ENGINE_CONFIG' ? err.code : 'ENGINE_ERROR'
      return { ok: false, endpoint: this.endpoint, code, message: err.message }
    }
  }

  /** GET /_ping with its headers: Builder-Version "2" means BuildKit builds work through the API. */
  async ping(): Promise<{ builderVersion?: string; apiVersion?: string; server?: string }> {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      this.docker.modem.dial({ path: '/_ping', method: 'GET', isStream: true, statusCodes: { 200: true, 500: 'server error' }, options: {} }, (err, r) =>
        err ? reject(err) : resolve(r as IncomingMessage)
      )
    })
    res.resume()
    const h = (name: string): string | undefined => {
      const v = res.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    return { builderVersion: h('builder-version'), apiVersion: h('api-version'), server: h('server') }
  }

  /** Every image (all tags; dangling ones with empty repoTags), size = inspect .Size. */
  async listImages(opts: ListImagesOptions = {}): Promise<ImageSummary[]> {
    try {
      return await listImageSummaries(this.docker, opts)
    } catch (e) {
      throw this.explain(e)
    }
  }

  /** Engine errors -> what a person can do about them. */
  explain(e: unknown): LayerscopeError {
    if (e instanceof LayerscopeError) return e
    const err = e as { code?: string; statusCode?: number; message?: string; json?: { message?: string } }
    const code = err.code
    const where = this.endpoint.url
    const podman = this.kind === 'podman'
    const how = howToStart(this.endpoint, podman)
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
      const what = podman ? 'Podman' : 'Docker'
      const detail = code === 'ENOENT' ? 'no socket there' : code === 'ECONNREFUSED' ? 'connection refused' : code.toLowerCase()
      return new LayerscopeError('ENGINE_UNREACHABLE', `${what} is not running at ${where} (${detail}). ${how}`)
    }
    if ((code === 'EACCES' || code === 'EPERM') && podman) {
      return new LayerscopeError(
        'ENGINE_PERMISSION',
        `Permission denied on ${where}. Podman's system socket is root's: use your own (\`systemctl --user enable --now podman.socket\`; it is found at $XDG_RUNTIME_DIR/podman/podman.sock) or run with access to that socket.`
      )
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new LayerscopeError(
        'ENGINE_PERMISSION',
        `Permission denied on ${where}. Add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again) or run with access to that socket.`
      )
    }
    if (err.statusCode !== undefined) {
      const msg = err.json?.message ?? err.message ?? ''
      if (err.statusCode === 404) return new LayerscopeError('IMAGE_NOT_FOUND', `The engine at ${where} answered: ${msg.trim()}`)
      return new LayerscopeError('ENGINE_ERROR', `The engine at ${where} answered (HTTP ${err.statusCode}): ${msg.trim()}`)
    }
    if (this.endpoint.url.startsWith('ssh://') && /authentication|handshake|host key|publickey/i.test(err.message ?? '')) {
      return new LayerscopeError(
        'ENGINE_CONFIG',
        `SSH to ${where} failed: ${err.message}. Check that \`ssh ${where.slice('ssh://'.length)} docker version\` works and that your key is in ssh-agent (SSH_AUTH_SOCK).`
      )
    }
    if (/certificate|ssl|tls|self.signed/i.test(err.message ?? '')) {
      return new LayerscopeError(
        'ENGINE_CONFIG',
        `TLS to ${where} failed: ${err.message}. Check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) or the context's TLS files.`
      )
    }
    return new LayerscopeError('ENGINE_ERROR', `The engine at ${where} failed: ${err.message ?? String(e)}`)
  }
}

function howToStart(endpoint: EngineEndpoint, podman: boolean): string {
  const startPodman = 'Start it with `systemctl --user start podman.socket` (or `podman system service`)'
  if (podman && endpoint.via === 'DOCKER_HOST') return `${startPodman}, or fix or unset DOCKER_HOST, then retry.`
  // The default socket answered as Podman before (podman-docker's /var/run/docker.sock link).
  if (podman && endpoint.via === 'default') return `${startPodman}, then retry. You can still open image archives.`
  switch (endpoint.via) {
    case 'DOCKER_HOST':
      return 'Start the engine there, or fix or unset DOCKER_HOST, then retry.'
    case 'context':
      return `Start the engine of context "${endpoint.context ?? ''}" or switch with \`docker context use default\`, then retry.`
    case 'podman':
      return `${startPodman}, then retry.`
    default:
      return 'Start Docker (e.g. `sudo systemctl start docker`) or set DOCKER_HOST, then retry. You can still open image archives.'
  }
}

/**
 * dockerode options for a connection. Every field is given explicitly because docker-modem
 * also reads DOCKER_HOST/DOCKER_CERT_PATH from the environment and would mix them in.
 */
function makeDocker(c: Connection, endpoint: EngineEndpoint): Docker {
  const base = { host: undefined, port: undefined, socketPath: undefined, ca: undefined, cert: undefined, key: undefined, protocol: undefined }
  try {
    if (c.kind === 'unix') return new Docker({ ...base, socketPath: c.socketPath })
    if (c.kind === 'ssh') {
      return new Docker({
        ...base,
        protocol: 'ssh',
        host: c.host,
        port: c.port,
        ...(c.username ? { username: c.username } : {}),
        sshOptions: sshAuth()
      } as Docker.DockerOptions)
    }
    const tls = c.tls
    if (!tls) return new Docker({ ...base, host: c.host, port: c.port, protocol: 'http' })
    return new Docker({
      ...base,
      host: c.host,
      port: c.port,
      protocol: 'https',
      ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
      ...(tls.cert && tls.key ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}),
      // Node checks the server certificate unless told not to (context SkipTLSVerify / DOCKER_TLS without verify).
      ...(tls.verify ? {} : { agent: new HttpsAgent({ rejectUnauthorized: false }), checkServerIdentity: () => undefined })
    } as Docker.DockerOptions)
  } catch (e) {
    throw new LayerscopeError('ENGINE_CONFIG', `Cannot set up the connection to ${endpoint.url}: ${(e as Error).message}`)
  }
}

/** ssh2 does not read ~/.ssh like the ssh binary: use the agent, else the usual key files. */
function sshAuth(): { agent?: string; privateKey?: Buffer } {
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK }
  const home = process.env.HOME ?? ''
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    try {
      return { privateKey: readFileSync(join(home, '.ssh', name)) }
    } catch {
      // try the next key
    }
  }
  return {}
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms)
    t.unref?.()
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    )
  })
}
