// The connection to a Docker-compatible engine (Docker or Podman), reached the way the docker
// CLI would reach it (see endpoint-resolver.ts). No Electron import: every front uses this.
// It offers verbs (ping, list, inspect, history, save, build, remove, events) and hands out no
// dockerode object: dockerode's modem is only the transport (unix, TCP, TLS, ssh). Every call
// has a deadline and an AbortSignal, every answer a size bound, and every failure is explained
// by engine-errors.ts.
import Docker from 'dockerode'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Agent as HttpAgent, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { PassThrough, type Readable } from 'node:stream'
import { inspect } from 'node:util'
import type { EngineEndpoint, EngineStatus } from '../../../shared/models/engine'
import type { ImageSummary } from '../../../shared/models/images'
import { LayerscopeError } from '../errors'
import { resolveEngine, type Connection, type ResolveOptions, type ResolvedEngine } from './endpoint-resolver'
import { EngineTimeoutError, explainEngineError } from './engine-errors'
import { json, open, type Dialer, type EngineRequest } from './engine-http'
import { jsonLines } from './json-lines'
import { listImageSummaries, type ListImagesOptions } from './image-list'
import type { BuildMessage, BuildQuery, EngineEvent, EngineHistoryEntry, EngineImageEntry, EngineImageInspect, EngineVersion, RemoveResult } from './engine-types'

export type { BuildMessage, BuildQuery, EngineEvent, EngineHistoryEntry, EngineImageEntry, EngineImageInspect, EngineVersion, RemoveResult } from './engine-types'

/** Deadlines and bounds of engine calls (ms, bytes); tests shorten them. */
export interface EngineLimits {
  /** A metadata call (ping, version, list, inspect, history, remove), head and body. */
  callTimeoutMs: number
  /** status(): ping + version together. */
  statusTimeoutMs: number
  /** Until an export's or event stream's response head arrives (a big `docker save` may prepare first). */
  streamHeadTimeoutMs: number
  /** An export that sends nothing for this long while its reader waits has stalled. */
  streamIdleTimeoutMs: number
  /** Largest JSON answer held in memory (an image list of thousands of images fits). */
  maxJsonBytes: number
}

export const DEFAULT_LIMITS: EngineLimits = {
  callTimeoutMs: 60_000,
  statusTimeoutMs: 15_000,
  streamHeadTimeoutMs: 10 * 60_000,
  streamIdleTimeoutMs: 2 * 60_000,
  maxJsonBytes: 64 * 1024 * 1024
}

export class EngineClient {
  readonly endpoint: EngineEndpoint
  readonly limits: EngineLimits
  private readonly resolved: ResolvedEngine
  private client?: Docker
  /** What status() found answering; until then a guess from the endpoint. */
  private detected?: 'docker' | 'podman'

  constructor(resolved: ResolvedEngine, limits: Partial<EngineLimits> = {}) {
    this.resolved = resolved
    this.endpoint = resolved.endpoint
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** DOCKER_HOST > DOCKER_CONTEXT > currentContext > default socket > Podman. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env, opts: Omit<ResolveOptions, 'env'> = {}, limits: Partial<EngineLimits> = {}): EngineClient {
    return new EngineClient(resolveEngine({ ...opts, env }), limits)
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


  private transport(): Docker {
    if (!this.resolved.ok) throw new LayerscopeError('ENGINE_CONFIG', this.resolved.message)
    this.client ??= makeDocker(this.resolved.connection, this.endpoint)
    return this.client
  }

  private dialer(): Dialer {
    return this.transport().modem as unknown as Dialer
  }

  async status(): Promise<EngineStatus> {
    if (!this.resolved.ok) {
      return { ok: false, endpoint: this.endpoint, code: 'ENGINE_CONFIG', message: this.resolved.message }
    }
    const ctl = new AbortController()
    const timer = setTimeout(() => ctl.abort(), this.limits.statusTimeoutMs)
    timer.unref?.()
    try {
      let ping: Awaited<ReturnType<EngineClient['ping']>>
      let v: EngineVersion
      try {
        ping = await this.ping(ctl.signal)
        v = await this.version(ctl.signal)
      } catch (e) {
        if (ctl.signal.aborted) throw new EngineTimeoutError('asking its status', this.limits.statusTimeoutMs)
        throw e
      }
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
    } finally {
      clearTimeout(timer)
    }
  }

  /** GET /_ping with its headers: Builder-Version "2" means BuildKit builds work through the API. */
  async ping(signal?: AbortSignal): Promise<{ builderVersion?: string; apiVersion?: string; server?: string }> {
    const res = await this.openRaw({ method: 'GET', path: '/_ping', what: 'ping' }, signal, this.limits.callTimeoutMs)
    res.resume()
    const h = (name: string): string | undefined => {
      const v = res.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    return { builderVersion: h('builder-version'), apiVersion: h('api-version'), server: h('server') }
  }

  /** GET /version. */
  version(signal?: AbortSignal): Promise<EngineVersion> {
    return this.json<EngineVersion>({ method: 'GET', path: '/version', what: 'asking its version' }, signal)
  }

  /** Every image (all tags; dangling ones with empty repoTags), size = inspect .Size. */
  async listImages(opts: ListImagesOptions = {}): Promise<ImageSummary[]> {
    try {
      return await listImageSummaries(
        {
          list: (o) => this.listImageEntries({ ...o, signal: opts.signal }),
          inspect: (id) => this.inspectImage(id, opts.signal)
        },
        opts
      )
    } catch (e) {
      throw this.explain(e)
    }
  }

  /** GET /images/json: the engine's own list (`docker images`; with all, `-a`). */
  async listImageEntries(opts: { all?: boolean; filters?: Record<string, string[]>; signal?: AbortSignal } = {}): Promise<EngineImageEntry[]> {
    const filters = opts.filters && Object.keys(opts.filters).length > 0 ? JSON.stringify(opts.filters) : undefined
    const list = await this.json<EngineImageEntry[] | undefined>({ method: 'GET', path: '/images/json', query: { all: opts.all ?? false, filters }, what: 'listing images' }, opts.signal)
    return list ?? []
  }

  /** GET /images/{ref}/json. A missing image is IMAGE_NOT_FOUND naming `ref`. */
  inspectImage(ref: string, signal?: AbortSignal): Promise<EngineImageInspect> {
    return this.json<EngineImageInspect>({ method: 'GET', path: `/images/${encodeURIComponent(ref)}/json`, what: `inspecting ${ref}` }, signal, ref)
  }

  /** GET /images/{ref}/history, newest step first (as the engine answers). */
  async imageHistory(ref: string, signal?: AbortSignal): Promise<EngineHistoryEntry[]> {
    const h = await this.json<EngineHistoryEntry[] | undefined>({ method: 'GET', path: `/images/${encodeURIComponent(ref)}/history`, what: `reading the history of ${ref}` }, signal, ref)
    return h ?? []
  }

  /**
   * GET /images/get: the `docker save` tar of `refs` as a stream. The head must come within
   * streamHeadTimeoutMs; once flowing, a stream that gets no byte from the engine for
   * streamIdleTimeoutMs while its reader waits is destroyed with ENGINE_UNREACHABLE.
   * Errors the stream ends with are already explained (LayerscopeError).
   */
  async saveImages(refs: string[], signal?: AbortSignal): Promise<Readable> {
    if (refs.length === 0) throw new LayerscopeError('INVALID_INPUT', 'Name at least one image to export.')
    const what = `exporting ${refs.join(', ')}`
    const res = await this.openRaw({ method: 'GET', path: '/images/get', query: { names: refs }, what }, signal, this.limits.streamHeadTimeoutMs, refs.length === 1 ? refs[0] : undefined)
    return this.watchStream(res, what)
  }

  /**
   * POST /build with `context` (a tar stream) as the body: the engine's JSON messages, one by
   * one. No deadline (a RUN may be silent for long): cancel with the signal. For BuildKit
   * (version '2') a buildid lets cancelBuild stop it on the engine too.
   */
  async *build(context: Readable, query: BuildQuery, signal?: AbortSignal): AsyncGenerator<BuildMessage> {
    const res = await this.openRaw({ method: 'POST', path: '/build', query: flatQuery(query), body: context, what: 'building' }, signal, 0)
    try {
      for await (const m of jsonLines<BuildMessage>(res, signal)) yield m
    } catch (e) {
      throw signal?.aborted ? new LayerscopeError('CANCELLED', 'Cancelled.') : this.explain(e)
    } finally {
      res.destroy()
    }
  }

  /** POST /build/cancel (API 1.32+): stops a BuildKit build by its buildid. Best effort. */
  async cancelBuild(buildid: string): Promise<void> {
    try {
      const res = await this.openRaw({ method: 'POST', path: '/build/cancel', query: { id: buildid }, what: 'cancelling a build' }, undefined, this.limits.callTimeoutMs)
      res.resume()
    } catch {
      // the build ended already, or the engine is gone: nothing to stop
    }
  }

  /**
   * DELETE /images/{id} for each id, in the order given; noprune (the default) leaves every
   * parent image alone, so only the images named are ever removed. Never forced: an image in
   * use stays. Each result says whether it went, and why not.
   */
  async removeImages(ids: string[], opts: { noprune?: boolean; signal?: AbortSignal } = {}): Promise<RemoveResult[]> {
    const out: RemoveResult[] = []
    for (const id of ids) {
      try {
        await json(this.dialer(), { method: 'DELETE', path: `/images/${encodeURIComponent(id)}`, query: { noprune: opts.noprune ?? true, force: false }, what: `removing ${id}` }, this.jsonLimits(opts.signal))
        out.push({ id, removed: true })
      } catch (e) {
        if (e instanceof LayerscopeError && e.code === 'CANCELLED') throw e
        const status = (e as { statusCode?: number }).statusCode
        out.push({ id, removed: false, ...(status !== undefined ? { statusCode: status } : {}), message: this.explain(e).message })
      }
    }
    return out
  }

  /** GET /events: the engine's events (filters as `docker events --filter`) until the signal fires (or `until`). */
  async *events(filters: Record<string, string[]> = {}, signal?: AbortSignal, window: { since?: number; until?: number } = {}): AsyncGenerator<EngineEvent> {
    // since/until (unix seconds): with until the engine sends what happened and ends the stream.
    const query = { ...(Object.keys(filters).length > 0 ? { filters: JSON.stringify(filters) } : {}), since: window.since, until: window.until }
    const res = await this.openRaw({ method: 'GET', path: '/events', query, what: 'watching events' }, signal, this.limits.streamHeadTimeoutMs)
    try {
      for await (const m of jsonLines<EngineEvent>(res, signal)) yield m
    } catch (e) {
      if (signal?.aborted) return
      throw this.explain(e)
    } finally {
      res.destroy()
    }
  }

  /** Engine errors -> what a person can do about them (see engine-errors.ts). */
  explain(e: unknown, ref?: string): LayerscopeError {
    return explainEngineError(e, { endpoint: this.endpoint, kind: this.kind, ...(ref !== undefined ? { ref } : {}) })
  }

  private jsonLimits(signal?: AbortSignal): { signal?: AbortSignal; timeoutMs: number; maxBytes: number } {
    return { signal, timeoutMs: this.limits.callTimeoutMs, maxBytes: this.limits.maxJsonBytes }
  }

  private async json<T>(req: EngineRequest, signal?: AbortSignal, ref?: string): Promise<T> {
    try {
      return await json<T>(this.dialer(), req, this.jsonLimits(signal))
    } catch (e) {
      throw this.explain(e, ref)
    }
  }

  private async openRaw(req: EngineRequest, signal: AbortSignal | undefined, headTimeoutMs: number, ref?: string): Promise<IncomingMessage> {
    try {
      return await open(this.dialer(), req, { signal, headTimeoutMs })
    } catch (e) {
      throw this.explain(e, ref)
    }
  }

  /**
   * The body as a stream whose errors are explained (engine killed, connection reset) and that
   * ends with ENGINE_UNREACHABLE when the engine sends no byte for a whole idle period while
   * nothing waits in the buffers (full buffers mean the reader is slow, not the engine).
   */
  private watchStream(res: IncomingMessage, what: string): Readable {
    const out = new PassThrough({ highWaterMark: 1024 * 1024 })
    const fail = (e: unknown): void => {
      if (!out.destroyed) out.destroy(this.explain(e))
      res.destroy()
    }
    res.on('error', fail)
    res.on('aborted', () => fail(Object.assign(new Error('The engine closed the connection mid-export.'), { code: 'ECONNRESET' })))
    res.on('end', () => {
      // A body cut short without an error: the modem's parser saw the connection close.
      if (!res.complete) fail(Object.assign(new Error('The engine closed the connection mid-export.'), { code: 'ECONNRESET' }))
    })
    out.on('close', () => res.destroy())
    res.pipe(out)
    const ms = this.limits.streamIdleTimeoutMs
    const sock = res.socket as { bytesRead?: number } | null
    if (ms > 0 && typeof sock?.bytesRead === 'number') {
      let last = sock.bytesRead
      const timer = setInterval(() => {
        const now = sock.bytesRead ?? last
        if (now === last && res.readableLength === 0 && out.readableLength === 0 && !res.readableEnded) {
          clearInterval(timer)
          fail(new EngineTimeoutError(`${what}: no data`, ms))
        }
        last = now
      }, ms)
      timer.unref?.()
      out.once('close', () => clearInterval(timer))
      res.once('end', () => clearInterval(timer))
    }
    return out
  }
}

/** The build query as /build takes it: objects (labels, buildargs) as JSON, nothing undefined. */
function flatQuery(q: BuildQuery): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue
    out[k] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean)
  }
  return out
}

/**
 * docker-modem formats every request's options with util.inspect (showHidden, depth: null) even
 * when its debug output is off; the agent in them, holding the live sockets of concurrent calls,
 * made that ~25 ms of CPU per call (630 ms for base detection's 27 inspects). Shown as its name.
 */
class QuietHttpAgent extends HttpAgent {
  [inspect.custom](): string {
    return 'HttpAgent'
  }
}
class QuietHttpsAgent extends HttpsAgent {
  [inspect.custom](): string {
    return 'HttpsAgent'
  }
}

/**
 * dockerode options for a connection. Every field is given explicitly because docker-modem
 * also reads DOCKER_HOST/DOCKER_CERT_PATH from the environment and would mix them in.
 */
function makeDocker(c: Connection, endpoint: EngineEndpoint): Docker {
  const base = { host: undefined, port: undefined, socketPath: undefined, ca: undefined, cert: undefined, key: undefined, protocol: undefined }
  try {
    // One connection per call: a kept-alive socket to an engine that restarted fails the next
    // call with ECONNRESET; a fresh unix or TCP connection costs next to nothing.
    if (c.kind === 'unix') return new Docker({ ...base, socketPath: c.socketPath, agent: new QuietHttpAgent({ keepAlive: false }) } as Docker.DockerOptions)
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
    if (!tls) return new Docker({ ...base, host: c.host, port: c.port, protocol: 'http', agent: new QuietHttpAgent({ keepAlive: false }) } as Docker.DockerOptions)
    return new Docker({
      ...base,
      host: c.host,
      port: c.port,
      protocol: 'https',
      ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
      ...(tls.cert && tls.key ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}),
      // Node checks the server certificate unless told not to (context SkipTLSVerify / DOCKER_TLS without verify).
      ...(tls.verify ? {} : { agent: new QuietHttpsAgent({ rejectUnauthorized: false }), checkServerIdentity: () => undefined })
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
