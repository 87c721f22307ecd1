// The registry client's data: what it returns and what it is given. Plain data, no I/O.
import type { ImageReference } from '../model/reference'
import type { AddressLookup, InsecureHint } from './plain-http'

export interface Platform {
  os: string
  architecture: string
  variant?: string
  'os.version'?: string
}

/** An OCI content descriptor (manifest, config or layer), as the registry's manifests carry it. */
export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
  urls?: string[]
}

/** One image of an index / manifest list, as a platform picker lists it. */
export interface PlatformEntry {
  /** "linux/amd64", "linux/arm64/v8". */
  platform: string
  digest: string
  mediaType: string
  size: number
}

/** A single-platform image manifest (OCI image manifest or Docker schema 2). */
export interface ImageManifest {
  schemaVersion: 2
  mediaType: string
  config: Descriptor
  layers: Descriptor[]
  annotations?: Record<string, string>
}

/** A manifest as fetched: its bytes (verified against its digest), digest and media type. */
export interface FetchedManifest {
  mediaType: string
  /** sha256 of the bytes (checked against Docker-Content-Digest and a pinned digest). */
  digest: string
  size: number
  body: Buffer
}

/** What `resolve` returns: everything needed to read an image's layers. */
export interface ResolvedImage {
  reference: ImageReference
  /** The digest the reference names (an index's digest for a multi-platform tag), as `docker pull` prints it. */
  digest: string
  /** The chosen single-platform manifest. */
  manifestDigest: string
  manifestMediaType: string
  manifestSize: number
  manifest: ImageManifest
  /** The index's images when the reference names an index (for a platform picker); else []. */
  platforms: PlatformEntry[]
  /** The chosen image's platform, from its config ("linux/amd64"). */
  platform: string
  /** The config blob, verified against its digest. */
  config: { digest: string; size: number; mediaType: string; body: Buffer; json: Record<string, unknown> }
  /** rootfs.diff_ids from the config, one per layer (same order as manifest.layers). */
  diffIds: string[]
  /** What a pull downloads, as registries count it: the layer blobs + the config blob (bytes). */
  downloadBytes: number
}

/** One HTTP exchange, reported to RegistryClientOptions.onRequest (never headers, never credentials). */
export interface RequestRecord {
  method: 'GET' | 'HEAD' | 'POST'
  /** scheme://host/path without the query string. */
  url: string
  status: number
  /** What the request was for. */
  kind: 'ping' | 'manifest' | 'blob' | 'tags' | 'token' | 'redirect'
}

export interface RegistryClientOptions {
  /** host[:port] names the user allows plain HTTP for (and unverified TLS, as docker's --insecure-registry). Loopback hosts always may use plain HTTP. */
  insecureRegistries?: readonly string[]
  /** How refusals tell the person to allow plain HTTP: the CLI's `--insecure-registry` flag (default) or the app's setting. */
  insecureHint?: InsecureHint
  /** What a host name resolves to, for the plain-HTTP policy (loopback addresses may use HTTP). Default: the system resolver. */
  lookupAddresses?: AddressLookup
  /** Environment for DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, HOME, PATH (credential helpers). Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Folders holding HOST[:PORT]/{ca.crt,client.cert,client.key}. Default: $DOCKER_CONFIG/certs.d (or ~/.docker/certs.d), /etc/docker/certs.d. */
  certsDirs?: readonly string[]
  /** A request with no byte for this long is a stall (retried, then REGISTRY_TIMEOUT). Default 30 s. */
  idleTimeoutMs?: number
  /** Retries of an idempotent request after 429, 5xx, a reset or a stall. Default 3. */
  retries?: number
  /** First backoff delay; doubles each retry. Default 500 ms. */
  retryBaseMs?: number
  /** Longest Retry-After honoured; a longer one fails at once with the time to wait. Default 60 s. */
  maxRetryAfterMs?: number
  /** Largest manifest, config or tags page read into memory. Default 16 MiB. */
  maxJsonBytes?: number
  /** Called after each HTTP exchange (tests count blob fetches with it). */
  onRequest?: (r: RequestRecord) => void
  userAgent?: string
}

export interface CallOptions {
  signal?: AbortSignal
}
