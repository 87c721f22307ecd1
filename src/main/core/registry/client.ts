// The registry client: OCI Distribution v2 reads (manifests, blobs, tags) with docker's auth
// flow, TLS and plain-HTTP rules, retries with backoff and cancellation at every step.
// Credentials and tokens live in this object's memory only, are sent only to the registry
// host (and the token realm it names), never across a redirect to another host, never logged.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { ociPlatform } from '../../../shared/image-source'
import { LayerscopeError } from '../errors'
import { formatReference, manifestReference, parseImageReference, isRegistrySource, parseRegistrySource, type ImageReference } from '../model/reference'
import { pickChallenge, pullScope, type Challenge } from './challenge'
import { findCredentials, type Credentials } from './credentials'
import { Agents, NotTlsError, RetryableError, drain, exchange, hostPortOf, readBody } from './exchange'
import { MANIFEST_ACCEPT, choosePlatform, classifyManifest, indexEntries, parseImageManifest, platformEntries, type ManifestKind } from './manifest'
import { allowPlainHttpAdvice, plainHttpAllowed, systemLookup, type AddressLookup, type InsecureHint } from './plain-http'
import { defaultCertsDirs, isNamedInsecure, splitHost } from './tls'
import type { CallOptions, Descriptor, FetchedManifest, RegistryClientOptions, RequestRecord, ResolvedImage } from './types'
import { openVerifiedBlob } from './verified-blob'

type Kind = RequestRecord['kind']

interface Sent {
  res: IncomingMessage
  url: URL
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/
/** Memory bound on a tags list (Docker Hub's largest repositories have tens of thousands). */
const MAX_TAGS = 500_000

function cancelled(): LayerscopeError {
  return new LayerscopeError('CANCELLED', 'Cancelled.')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled())
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(cancelled())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Retry-After: delta seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined
  const s = v.trim()
  if (/^\d+$/.test(s)) return Number(s) * 1000
  const t = Date.parse(s)
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined
}

function toRef(ref: ImageReference | string): ImageReference {
  if (typeof ref !== 'string') return ref
  return isRegistrySource(ref) ? parseRegistrySource(ref) : parseImageReference(ref)
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`
}

/** The registry's error body ({"errors":[{"code","message"}]}), bounded; undefined when it is not one. */
async function registryErrors(res: IncomingMessage, idleMs: number): Promise<Array<{ code: string; message: string }>> {
  try {
    const body = await readBody(res, 64 * 1024, idleMs, 'error body')
    const j = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    return (j.errors ?? []).map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '').slice(0, 300) }))
  } catch {
    return []
  }
}

/** Per-call request observers (observeRequests): each sees only the requests its own work made. */
const observers = new AsyncLocalStorage<ReadonlyArray<(r: RequestRecord) => void>>()

export class RegistryClient {
  private readonly env: Readonly<Record<string, string | undefined>>
  private insecure: readonly string[]
  private readonly insecureHint: InsecureHint
  private readonly lookupAddresses: AddressLookup
  private readonly idleMs: number
  private readonly retries: number
  private readonly retryBaseMs: number
  private readonly maxRetryAfterMs: number
  private readonly maxJson: number
  private readonly userAgent: string
  private readonly onRequest?: (r: RequestRecord) => void
  private readonly agents: Agents
  /** host -> the scheme that works (https unless plain HTTP was allowed and needed). */
  private readonly schemes = new Map<string, 'https:' | 'http:'>()
  /** Bumped when the insecure list changes, so a request begun before does not cache its scheme after. */
  private policyGeneration = 0
  /** host -> its last auth challenge, so the next request sends a token without a 401 first. */
  private readonly challenges = new Map<string, Challenge>()
  /** host|scope -> bearer token, in memory only. */
  private readonly tokens = new Map<string, { header: string; expiresAt: number }>()
  private readonly tokenFetches = new Map<string, Promise<string>>()
  private readonly creds = new Map<string, Promise<Credentials | undefined>>()

  constructor(o: RegistryClientOptions = {}) {
    this.env = o.env ?? process.env
    this.insecure = [...(o.insecureRegistries ?? [])]
    this.insecureHint = o.insecureHint ?? 'flag'
    this.lookupAddresses = o.lookupAddresses ?? systemLookup
    this.idleMs = o.idleTimeoutMs ?? 30_000
    this.retries = o.retries ?? 3
    this.retryBaseMs = o.retryBaseMs ?? 500
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000
    this.maxJson = o.maxJsonBytes ?? 16 * 1024 * 1024
    this.userAgent = o.userAgent ?? 'layerscope'
    this.onRequest = o.onRequest
    this.agents = new Agents(o.certsDirs ?? defaultCertsDirs(this.env))
  }

  /**
   * Replaces the hosts named insecure (the app's setting changed). Every host's scheme is found
   * again on its next request, so a host no longer named is back to HTTPS only; tokens and
   * verified connections are kept.
   */
  setInsecureRegistries(hosts: readonly string[]): void {
    this.insecure = [...hosts]
    this.policyGeneration++
    this.schemes.clear()
  }

  /** The hosts named insecure now (flag and setting). */
  insecureRegistries(): readonly string[] {
    return this.insecure
  }

  /** Runs `work`, telling `observer` about each request that work makes (and no other call's). */
  observeRequests<T>(observer: (r: RequestRecord) => void, work: () => Promise<T>): Promise<T> {
    return observers.run([...(observers.getStore() ?? []), observer], work)
  }

  /** Closes kept-alive connections. The client can still be used afterwards (new connections). */
  close(): void {
    this.agents.close()
  }

  // ------------------------------------------------------------------ public reads

  /** The manifest a reference (or `reference`, a tag or digest in the same repository) names, verified against its digest. */
  async getManifest(refIn: ImageReference | string, o: CallOptions & { reference?: string } = {}): Promise<FetchedManifest & { kind: ManifestKind; json: Record<string, unknown> }> {
    const ref = toRef(refIn)
    const reference = o.reference ?? manifestReference(ref)
    const where = `${ref.domain}/${ref.repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`
    return this.withRetries(o.signal, async () => {
      const { res } = await this.send(ref, `/v2/${ref.repository}/manifests/${reference}`, { method: 'GET', kind: 'manifest', accept: MANIFEST_ACCEPT, signal: o.signal, what: where })
      const contentType = res.headers['content-type']
      const headerDigest = res.headers['docker-content-digest']
      const body = await readBody(res, this.maxJson, this.idleMs, `The manifest of ${where}`, o.signal)
      const c = classifyManifest(where, contentType, body)
      const digest = sha256(body)
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new LayerscopeError('DIGEST_MISMATCH', `${where}: the registry sent a manifest that hashes to ${digest}; refused.`)
      }
      if (typeof headerDigest === 'string' && headerDigest.startsWith('sha256:') && headerDigest !== digest) {
        throw new LayerscopeError('DIGEST_MISMATCH', `${where}: the manifest hashes to ${digest} but the registry says ${headerDigest}; refused.`)
      }
      return { mediaType: c.mediaType, digest, size: body.length, body, kind: c.kind, json: c.json }
    })
  }

  /**
   * Resolves a reference to one image: manifest (through an index, choosing `platform` or the
   * host's), config (verified), diff IDs and download size. An index's platforms are returned
   * for a picker.
   */
  async resolve(refIn: ImageReference | string, o: CallOptions & { platform?: string } = {}): Promise<ResolvedImage> {
    const ref = toRef(refIn)
    const name = formatReference(ref)
    const top = await this.getManifest(ref, o).catch((e: unknown) => this.explainUnknown(ref, e, o.signal))
    let m = top
    let platforms: ResolvedImage['platforms'] = []
    for (let depth = 0; m.kind === 'index'; depth++) {
      if (depth >= 4) throw new LayerscopeError('REGISTRY_ERROR', `${name}: indexes nest more than 4 deep.`)
      const entries = indexEntries(name, m.json)
      if (depth === 0 || platforms.length === 0) platforms = platformEntries(entries)
      const pick = choosePlatform(name, entries, o.platform)
      m = await this.getManifest(ref, { ...o, reference: pick.digest })
    }
    const manifest = parseImageManifest(name, m.mediaType, m.json)
    const configBody = await this.readBlob(ref, manifest.config, { ...o, what: `The config of ${name}` })
    let json: Record<string, unknown>
    try {
      json = JSON.parse(configBody.toString('utf8')) as Record<string, unknown>
    } catch {
      throw new LayerscopeError('REGISTRY_ERROR', `${name}: the image config is not JSON.`)
    }
    const rootfs = json.rootfs as { diff_ids?: unknown } | undefined
    const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : undefined
    if (!diffIds || !diffIds.every((d) => typeof d === 'string' && DIGEST_RE.test(d))) {
      throw new LayerscopeError('REGISTRY_ERROR', `${name}: the image config has no valid rootfs.diff_ids.`)
    }
    if (diffIds.length !== manifest.layers.length) {
      throw new LayerscopeError('REGISTRY_ERROR', `${name}: the manifest lists ${manifest.layers.length} layers but the config ${diffIds.length} diff IDs.`)
    }
    const platform = ociPlatform({
      os: typeof json.os === 'string' ? json.os : 'unknown',
      architecture: typeof json.architecture === 'string' ? json.architecture : 'unknown',
      ...(typeof json.variant === 'string' && json.variant ? { variant: json.variant } : {})
    })
    return {
      reference: ref,
      digest: top.digest,
      manifestDigest: m.digest,
      manifestMediaType: m.mediaType,
      manifestSize: m.size,
      manifest,
      platforms,
      platform,
      config: { digest: manifest.config.digest, size: manifest.config.size, mediaType: manifest.config.mediaType, body: configBody, json },
      diffIds: diffIds as string[],
      downloadBytes: manifest.layers.reduce((s, l) => s + l.size, 0) + manifest.config.size
    }
  }

  /**
   * A blob's bytes as a stream, verified while it streams: the stream ERRORS (DIGEST_MISMATCH,
   * BLOB_TRUNCATED, REGISTRY_TIMEOUT, CANCELLED) instead of ending when the bytes are not the
   * descriptor's, so only a stream that ended is good. Stalls and resets resume with Range.
   */
  async openBlob(refIn: ImageReference | string, desc: Pick<Descriptor, 'digest' | 'size'>, o: CallOptions & { what?: string } = {}): Promise<Readable> {
    const ref = toRef(refIn)
    if (!/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/.test(desc.digest)) throw new LayerscopeError('INVALID_INPUT', `"${desc.digest}" is not a blob digest.`)
    const what = o.what ?? `Blob ${desc.digest} of ${ref.domain}/${ref.repository}`
    return openVerifiedBlob({
      digest: desc.digest,
      size: desc.size,
      what,
      idleTimeoutMs: this.idleMs,
      resumes: this.retries,
      signal: o.signal,
      wait: (attempt) => sleep(this.backoff(attempt), o.signal),
      open: (offset) =>
        this.withRetries(o.signal, async () => {
          const { res } = await this.send(ref, `/v2/${ref.repository}/blobs/${desc.digest}`, {
            method: 'GET',
            kind: 'blob',
            signal: o.signal,
            what,
            ...(offset > 0 ? { range: offset } : {})
          })
          if (offset > 0 && res.statusCode === 206) {
            const m = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))
            return { body: res, offset: m ? Number(m[1]) : -1 }
          }
          const len = Number(res.headers['content-length'] ?? NaN)
          if (Number.isFinite(len) && len !== desc.size) {
            drain(res)
            throw new LayerscopeError(
              'BLOB_TRUNCATED',
              `${what}: the registry sends ${len} bytes but the manifest says ${desc.size}; refused (${len < desc.size ? 'truncated' : 'oversized'} blob).`
            )
          }
          return { body: res, offset: 0 }
        })
    })
  }

  /** A small blob (a config) read whole, verified; bounded by maxJsonBytes. */
  async readBlob(refIn: ImageReference | string, desc: Pick<Descriptor, 'digest' | 'size'>, o: CallOptions & { what?: string; maxBytes?: number } = {}): Promise<Buffer> {
    const max = o.maxBytes ?? this.maxJson
    const what = o.what ?? `Blob ${desc.digest}`
    if (desc.size > max) throw new LayerscopeError('REGISTRY_ERROR', `${what} is ${desc.size} bytes, more than the ${max} Layerscope reads into memory.`)
    const stream = await this.openBlob(refIn, desc, o)
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }

  /**
   * MANIFEST_UNKNOWN for a tag says little (distribution answers it for a missing repository
   * too): the tags list tells which it is, and what there is instead.
   */
  private async explainUnknown(ref: ImageReference, e: unknown, signal?: AbortSignal): Promise<never> {
    if (!(e instanceof LayerscopeError) || e.code !== 'IMAGE_NOT_FOUND' || ref.digest || !ref.tag) throw e
    const repo = `${ref.domain}/${ref.repository}`
    let tags: string[]
    try {
      tags = await this.listTags(ref, { signal, maxPages: 5 })
    } catch (t) {
      if (t instanceof LayerscopeError && t.code === 'IMAGE_NOT_FOUND') throw t
      throw e
    }
    if (tags.length === 0) throw new LayerscopeError('IMAGE_NOT_FOUND', `Repository ${repo} has no tags (MANIFEST_UNKNOWN for "${ref.tag}").`, e.detail)
    const shown = [...tags].sort().slice(0, 20).join(', ') + (tags.length > 20 ? `, … (${tags.length} in all: layerscope tags registry://${repo})` : '')
    throw new LayerscopeError('IMAGE_NOT_FOUND', `${repo} has no tag "${ref.tag}" (MANIFEST_UNKNOWN); its tags: ${shown}.`, e.detail)
  }

  /** A blob's size from a HEAD request (no bytes transferred). */
  async blobSize(refIn: ImageReference | string, digest: string, o: CallOptions = {}): Promise<number> {
    const ref = toRef(refIn)
    const what = `Blob ${digest} of ${ref.domain}/${ref.repository}`
    return this.withRetries(o.signal, async () => {
      const { res } = await this.send(ref, `/v2/${ref.repository}/blobs/${digest}`, { method: 'HEAD', kind: 'blob', signal: o.signal, what })
      res.resume()
      const n = Number(res.headers['content-length'] ?? NaN)
      if (!Number.isSafeInteger(n) || n < 0) throw new LayerscopeError('REGISTRY_ERROR', `${what}: the registry gave no size.`)
      return n
    })
  }

  /** Every tag of the reference's repository (`/v2/<name>/tags/list`, following `Link: <…>; rel="next"`). */
  async listTags(refIn: ImageReference | string, o: CallOptions & { pageSize?: number; maxPages?: number } = {}): Promise<string[]> {
    const ref = toRef(refIn)
    const what = `The tags of ${ref.domain}/${ref.repository}`
    const seen = new Set<string>()
    const out: string[] = []
    let path: string | undefined = `/v2/${ref.repository}/tags/list?n=${o.pageSize ?? 1000}`
    const maxPages = o.maxPages ?? 10_000
    for (let page = 0; path; page++) {
      if (page >= maxPages) throw new LayerscopeError('REGISTRY_ERROR', `${what}: more than ${maxPages} pages.`)
      const current: string = path
      const { tags, next } = await this.withRetries(o.signal, async () => {
        const { res, url } = await this.send(ref, current, { method: 'GET', kind: 'tags', accept: 'application/json', signal: o.signal, what })
        const link = String(res.headers.link ?? '')
        const body = await readBody(res, this.maxJson, this.idleMs, what, o.signal)
        let j: { tags?: unknown }
        try {
          j = JSON.parse(body.toString('utf8')) as { tags?: unknown }
        } catch {
          throw new LayerscopeError('REGISTRY_ERROR', `${what}: the registry's answer is not JSON.`)
        }
        const tags = j.tags === null || j.tags === undefined ? [] : Array.isArray(j.tags) ? j.tags.filter((t): t is string => typeof t === 'string') : undefined
        if (!tags) throw new LayerscopeError('REGISTRY_ERROR', `${what}: "tags" is not a list.`)
        const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link)
        let next: string | undefined
        if (m) {
          const u = new URL(m[1]!, url)
          // Pages stay on the registry: a Link elsewhere is not followed.
          if (hostPortOf(u) !== hostPortOf(url)) throw new LayerscopeError('REGISTRY_ERROR', `${what}: the next page is on another host (${hostPortOf(u)}); not followed.`)
          next = `${u.pathname}${u.search}`
        }
        return { tags, next }
      })
      if (out.length + tags.length > MAX_TAGS) throw new LayerscopeError('REGISTRY_ERROR', `${what}: more than ${MAX_TAGS} tags; Layerscope stops there.`)
      for (const t of tags) {
        if (seen.has(t)) continue
        seen.add(t)
        out.push(t)
      }
      path = next
    }
    return out
  }

  // ------------------------------------------------------------------ transport

  private backoff(attempt: number): number {
    const base = this.retryBaseMs * 2 ** attempt
    return Math.min(base, 8_000) * (0.75 + Math.random() * 0.5)
  }

  /** Runs an idempotent request; RetryableErrors are retried with backoff (or Retry-After), then reported. */
  private async withRetries<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw cancelled()
      try {
        return await fn()
      } catch (e) {
        if (!(e instanceof RetryableError)) throw e
        if (attempt >= this.retries) throw finalError(e, attempt + 1)
        if (e.retryAfterMs !== undefined && e.retryAfterMs > this.maxRetryAfterMs) throw finalError(e, attempt + 1)
        await sleep(e.retryAfterMs !== undefined ? Math.max(e.retryAfterMs, 50) : this.backoff(attempt), signal)
      }
    }
  }

  /** Plain HTTP only for hosts the user named insecure and loopback ones (`addresses`: what the name resolves to). */
  mayUseHttp(host: string, addresses: readonly string[] = []): boolean {
    return plainHttpAllowed(host, this.insecure, addresses)
  }

  /** mayUseHttp with the host name resolved, as dockerd decides (an IP literal is not looked up). */
  private async allowsHttp(host: string): Promise<boolean> {
    if (isNamedInsecure(host, this.insecure)) return true
    const { hostname } = splitHost(host)
    return this.mayUseHttp(host, isIP(hostname) ? [] : await this.lookupAddresses(hostname))
  }

  private record(method: RequestRecord['method'], url: URL, status: number, kind: Kind): void {
    const r: RequestRecord = { method, url: `${url.protocol}//${url.host}${url.pathname}`, status, kind }
    this.onRequest?.(r)
    for (const o of observers.getStore() ?? []) o(r)
  }

  /** One exchange to `url`, falling back to plain HTTP where allowed when the host does not speak TLS. */
  private async exchangeTo(host: string, url: URL, method: 'GET' | 'HEAD' | 'POST', headers: OutgoingHttpHeaders, signal: AbortSignal | undefined, body?: Buffer): Promise<Sent> {
    const insecureTls = isNamedInsecure(hostPortOf(url), this.insecure)
    const generation = this.policyGeneration
    try {
      const res = await exchange(this.agents, { method, url, headers, signal, idleTimeoutMs: this.idleMs, insecureTls, ...(body ? { body } : {}) })
      if (hostPortOf(url) === host && !this.schemes.has(host) && generation === this.policyGeneration) this.schemes.set(host, url.protocol as 'https:' | 'http:')
      return { res, url }
    } catch (e) {
      if (e instanceof NotTlsError) {
        if (hostPortOf(url) === host && (await this.allowsHttp(host))) {
          if (generation === this.policyGeneration) this.schemes.set(host, 'http:')
          const plain = new URL(url.href)
          plain.protocol = 'http:'
          return this.exchangeTo(host, plain, method, headers, signal, body)
        }
        throw new LayerscopeError(
          'REGISTRY_TLS',
          `${hostPortOf(url)} does not speak TLS (HTTPS). If it is a plain-HTTP registry you trust, ${allowPlainHttpAdvice(hostPortOf(url), this.insecureHint)}.`,
          { host: hostPortOf(url) }
        )
      }
      throw e
    }
  }

  /**
   * Sends a registry request: auth (a cached token, or the challenge answered once after a
   * 401), redirects (credentials dropped for any other host), status -> error. Resolves with a
   * 2xx response whose body is the caller's.
   */
  private async send(
    ref: ImageReference,
    path: string,
    o: { method: 'GET' | 'HEAD'; kind: Kind; accept?: string; range?: number; signal?: AbortSignal; what: string }
  ): Promise<Sent> {
    const host = ref.apiHost
    const scope = pullScope(ref.repository)
    let answeredChallenge = false
    for (;;) {
      const scheme = this.schemes.get(host) ?? 'https:'
      let url = new URL(`${scheme}//${host}${path}`)
      const headers: OutgoingHttpHeaders = { 'user-agent': this.userAgent }
      if (o.accept) headers.accept = o.accept
      if (o.range !== undefined) headers.range = `bytes=${o.range}-`
      const auth = await this.authorization(ref, scope, o.signal)
      if (auth) headers.authorization = auth
      let sent = await this.exchangeTo(host, url, o.method, headers, o.signal)
      url = sent.url
      const origin = url.origin
      for (let hops = 0; [301, 302, 303, 307, 308].includes(sent.res.statusCode ?? 0); hops++) {
        const loc = sent.res.headers.location
        this.record(o.method, sent.url, sent.res.statusCode!, 'redirect')
        drain(sent.res)
        if (!loc) throw new LayerscopeError('REGISTRY_ERROR', `${o.what}: a redirect without a Location.`)
        if (hops >= 5) throw new LayerscopeError('REGISTRY_ERROR', `${o.what}: more than 5 redirects.`)
        const next = new URL(loc, sent.url)
        if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new LayerscopeError('REGISTRY_ERROR', `${o.what}: a redirect to ${next.protocol} is not followed.`)
        if (next.protocol === 'http:' && !(await this.allowsHttp(hostPortOf(next)))) {
          throw new LayerscopeError('REGISTRY_ERROR', `${o.what}: the registry redirects to plain HTTP at ${hostPortOf(next)}; not followed (to allow it, ${allowPlainHttpAdvice(hostPortOf(next), this.insecureHint)}).`)
        }
        // Blob storage elsewhere gets no credential of ours (docker does the same).
        if (next.origin !== origin) delete headers.authorization
        sent = await this.exchangeTo(host, next, o.method, headers, o.signal)
      }
      const status = sent.res.statusCode ?? 0
      this.record(o.method, sent.url, status, o.kind)
      if (status === 200 || status === 206) return sent
      if (status === 401 && sent.url.origin === origin) {
        const headerValues = ([] as string[]).concat(sent.res.headers['www-authenticate'] ?? [])
        const challenge = pickChallenge(headerValues)
        drain(sent.res)
        if (challenge && !answeredChallenge) {
          answeredChallenge = true
          this.challenges.set(host, challenge)
          this.tokens.delete(`${host}|${scope}`)
          continue
        }
        throw await this.unauthorized(ref, o.what, o.signal)
      }
      throw await this.statusError(ref, sent.res, o.what, o.kind, o.method)
    }
  }

  private credentials(ref: ImageReference): Promise<Credentials | undefined> {
    const key = `${ref.apiHost}|${ref.repository}`
    let p = this.creds.get(key)
    if (!p) {
      p = findCredentials(ref.apiHost, ref.repository, this.env)
      this.creds.set(key, p)
      p.catch(() => this.creds.delete(key))
    }
    return p
  }

  /** The Authorization value for a request, from the host's last challenge (none before the first 401). */
  private async authorization(ref: ImageReference, scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const host = ref.apiHost
    const ch = this.challenges.get(host)
    if (!ch) return undefined
    if (ch.scheme === 'basic') {
      const c = await this.credentials(ref)
      if (!c || c.username === undefined || c.password === undefined) return undefined
      return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
    }
    if (ch.scheme !== 'bearer') return undefined
    const key = `${host}|${scope}`
    const t = this.tokens.get(key)
    if (t && t.expiresAt > Date.now()) return t.header
    let p = this.tokenFetches.get(key)
    if (!p) {
      p = this.fetchToken(ref, ch, scope, signal).finally(() => this.tokenFetches.delete(key))
      this.tokenFetches.set(key, p)
    }
    return p
  }

  /** The Bearer token flow (distribution's docs/spec/auth/token.md and oauth.md). */
  private async fetchToken(ref: ImageReference, ch: Challenge, scope: string, signal?: AbortSignal): Promise<string> {
    const host = ref.apiHost
    let realm: URL
    try {
      realm = new URL(ch.params.realm!)
    } catch {
      throw new LayerscopeError('REGISTRY_ERROR', `${host} names a token realm that is not a URL.`)
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && (await this.allowsHttp(hostPortOf(realm))))) {
      throw new LayerscopeError(
        'REGISTRY_AUTH',
        `${host} asks for a login at ${realm.protocol}//${hostPortOf(realm)}, which is not HTTPS; refused${realm.protocol === 'http:' ? ` (to allow it, ${allowPlainHttpAdvice(hostPortOf(realm), this.insecureHint)})` : ''}.`
      )
    }
    const c = await this.credentials(ref)
    if (c?.registryToken) {
      const header = `Bearer ${c.registryToken}`
      this.tokens.set(`${host}|${scope}`, { header, expiresAt: Date.now() + 3600_000 })
      return header
    }
    const service = ch.params.service
    const realmHost = hostPortOf(realm)
    const token = await this.withRetries(signal, async () => {
      let sent: Sent
      if (c?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.identityToken, client_id: this.userAgent, scope, ...(service ? { service } : {}) })
        sent = await this.exchangeTo(realmHost, realm, 'POST', { 'user-agent': this.userAgent, 'content-type': 'application/x-www-form-urlencoded' }, signal, Buffer.from(form.toString()))
      } else {
        const u = new URL(realm.href)
        if (service) u.searchParams.set('service', service)
        u.searchParams.set('scope', scope)
        const headers: OutgoingHttpHeaders = { 'user-agent': this.userAgent }
        if (c?.username !== undefined && c.password !== undefined) headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
        sent = await this.exchangeTo(realmHost, u, 'GET', headers, signal)
      }
      const status = sent.res.statusCode ?? 0
      this.record(c?.identityToken ? 'POST' : 'GET', sent.url, status, 'token')
      if (status === 401 || status === 403) this.forgetAuth(ref)
      if (status === 403 && c) {
        drain(sent.res)
        throw new LayerscopeError('REGISTRY_DENIED', `${host} denies the saved login (${c.source}) access to ${ref.repository} (403): ask for pull rights, or log in as a user who has them (\`docker login ${host}\`).`, { host })
      }
      if (status === 401 || status === 403) {
        drain(sent.res)
        throw c
          ? new LayerscopeError('REGISTRY_AUTH', `${host} refused the saved login (${c.source}) for ${ref.repository}: log in again with \`docker login ${host}\`.`, { host })
          : new LayerscopeError('REGISTRY_AUTH', `${host} needs a login to pull ${ref.repository}: run \`docker login ${host}\` (Layerscope uses docker's and podman's saved logins).`, { host })
      }
      if (status === 429 || status >= 500) {
        drain(sent.res)
        throw new RetryableError(new LayerscopeError(status === 429 ? 'REGISTRY_RATE_LIMITED' : 'REGISTRY_ERROR', `The token service of ${host} answered ${status}.`), parseRetryAfter(String(sent.res.headers['retry-after'] ?? '')))
      }
      if (status !== 200) {
        drain(sent.res)
        throw new LayerscopeError('REGISTRY_ERROR', `The token service of ${host} answered ${status}.`)
      }
      const body = await readBody(sent.res, 1 << 20, this.idleMs, `The token from ${host}`, signal)
      let j: { token?: unknown; access_token?: unknown; expires_in?: unknown }
      try {
        j = JSON.parse(body.toString('utf8')) as typeof j
      } catch {
        throw new LayerscopeError('REGISTRY_ERROR', `The token service of ${host} answered with something that is not JSON.`)
      }
      const tok = typeof j.token === 'string' && j.token ? j.token : typeof j.access_token === 'string' ? j.access_token : ''
      if (!tok) throw new LayerscopeError('REGISTRY_ERROR', `The token service of ${host} sent no token.`)
      // expires_in defaults to 60 s (spec); renew a little early.
      const expiresIn = typeof j.expires_in === 'number' && j.expires_in > 0 ? j.expires_in : 60
      return { header: `Bearer ${tok}`, expiresAt: Date.now() + Math.max(1, expiresIn - 10) * 1000 }
    })
    this.tokens.set(`${host}|${scope}`, token)
    return token.header
  }

  /** After a refused login: read the saved logins again next time (the message says to log in). */
  private forgetAuth(ref: ImageReference): void {
    this.creds.delete(`${ref.apiHost}|${ref.repository}`)
    for (const k of this.tokens.keys()) if (k.startsWith(`${ref.apiHost}|`)) this.tokens.delete(k)
  }

  private async unauthorized(ref: ImageReference, what: string, _signal?: AbortSignal): Promise<LayerscopeError> {
    const host = ref.apiHost
    const c = await this.credentials(ref).catch(() => undefined)
    this.forgetAuth(ref)
    return c
      ? new LayerscopeError('REGISTRY_AUTH', `${what}: ${host} refused the saved login (${c.source}) (401): check it with \`docker login ${host}\`.`, { host })
      : new LayerscopeError('REGISTRY_AUTH', `${what}: ${host} needs a login (401): run \`docker login ${host}\`, then try again.`, { host })
  }

  private async statusError(ref: ImageReference, res: IncomingMessage, what: string, kind: Kind, method: string): Promise<Error> {
    const status = res.statusCode ?? 0
    const host = ref.apiHost
    if (status === 429 || (status >= 500 && status <= 599)) {
      const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? ''))
      drain(res)
      const msg =
        status === 429
          ? `${host} limits requests (429 Too Many Requests${retryAfterMs !== undefined ? `, Retry-After ${Math.ceil(retryAfterMs / 1000)} s` : ''}): wait${retryAfterMs !== undefined ? ` ${Math.ceil(retryAfterMs / 1000)} s` : ' a while'} and try again, or log in (\`docker login ${host}\`) for a higher limit.`
          : `${host} failed (HTTP ${status}) for ${what}: the registry has a problem; try again later.`
      return new RetryableError(new LayerscopeError(status === 429 ? 'REGISTRY_RATE_LIMITED' : 'REGISTRY_ERROR', msg, { host, status }), retryAfterMs)
    }
    const errors = method === 'HEAD' ? (drain(res), []) : await registryErrors(res, this.idleMs)
    const codes = new Set(errors.map((e) => e.code))
    const repo = `${ref.domain}/${ref.repository}`
    if (status === 404 || codes.has('MANIFEST_UNKNOWN') || codes.has('NAME_UNKNOWN') || codes.has('BLOB_UNKNOWN')) {
      if (codes.has('NAME_UNKNOWN')) return new LayerscopeError('IMAGE_NOT_FOUND', `Repository ${repo} does not exist (NAME_UNKNOWN): check the name.`, { host })
      if (kind === 'manifest' || codes.has('MANIFEST_UNKNOWN')) {
        return new LayerscopeError('IMAGE_NOT_FOUND', `${what}: no such tag or manifest in ${repo} (MANIFEST_UNKNOWN). List the tags with \`layerscope tags registry://${repo}\`.`, { host })
      }
      if (kind === 'tags') return new LayerscopeError('IMAGE_NOT_FOUND', `Repository ${repo} does not exist: check the name.`, { host })
      return new LayerscopeError('NOT_FOUND', `${what}: the registry does not have it (BLOB_UNKNOWN); the image is incomplete there.`, { host })
    }
    if (status === 403 || codes.has('DENIED')) {
      return new LayerscopeError('REGISTRY_DENIED', `${what}: ${host} denies access to ${ref.repository} (403): ask for pull rights, or log in as a user who has them (\`docker login ${host}\`).`, { host })
    }
    if (status === 400 && (codes.has('NAME_INVALID') || codes.has('TAG_INVALID'))) {
      return new LayerscopeError('INVALID_INPUT', `${what}: ${host} says the name is invalid (${errors[0]?.message ?? status}).`, { host })
    }
    if (status === 406 || status === 415 || codes.has('UNSUPPORTED') || codes.has('MANIFEST_INVALID')) {
      return new LayerscopeError('UNSUPPORTED_MEDIA_TYPE', `${what}: ${host} has no version of it in a format Layerscope reads (OCI or Docker schema 2) (HTTP ${status}).`, { host })
    }
    return new LayerscopeError('REGISTRY_ERROR', `${what}: ${host} answered HTTP ${status}${errors[0] ? ` (${errors[0].code}: ${errors[0].message})` : ''}.`, { host, status })
  }
}

function finalError(e: RetryableError, tries: number): LayerscopeError {
  const inner = e.error
  const suffix = tries > 1 ? ` (tried ${tries} times)` : ''
  return new LayerscopeError(inner.code, inner.message.replace(/\.$/, '') + suffix + '.', inner.detail)
}
