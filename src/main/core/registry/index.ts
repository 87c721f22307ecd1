/**
 * The registry client: reads images straight from an OCI Distribution v2 registry (no engine,
 * no pull). This file is the module's public API; everything else in the folder is internal.
 * The API is stable: additions only.
 *
 * References (src/main/core/model/reference.ts, re-exported here)
 *   parseRegistrySource('registry://127.0.0.1:5000/app:1.4') -> ImageReference
 *   parseImageReference('nginx:1.27')  -> { domain: 'docker.io', apiHost: 'registry-1.docker.io',
 *                                           repository: 'library/nginx', tag: '1.27' }
 *   isRegistrySource(s), formatReference(ref), familiarReference(ref), withTag(ref, tag),
 *   manifestReference(ref) (the digest when pinned, else the tag)
 *   checkEngineImageArg(s): an engine argument (ID or reference) checked before it reaches the engine
 *   A bad reference throws LayerscopeError INVALID_INPUT saying why.
 *
 * const client = new RegistryClient({ insecureRegistries: ['myhost:5000'] })   // one per backend
 *   client.resolve(ref, { platform?, signal? }) -> ResolvedImage
 *       manifest (through an index/list: `platform` "linux/arm64[/v8]" or the host's; the index's
 *       entries in .platforms for a picker), verified config (.config.body/.json), .diffIds
 *       (one per manifest layer), .downloadBytes = layer blob sizes + config size, .digest (what
 *       the reference names), .manifestDigest (the chosen image's manifest).
 *   client.openBlob(ref, { digest, size }, { signal?, what? }) -> Readable
 *       the blob's bytes as stored (compressed), verified while streaming: the stream ERRORS
 *       with DIGEST_MISMATCH / BLOB_TRUNCATED / REGISTRY_TIMEOUT / CANCELLED instead of ending,
 *       so treat the bytes as good only after 'end'. Stalls and resets resume with Range.
 *       Redirects to blob storage are followed without credentials when the host differs.
 *   client.readBlob(ref, desc, { signal?, maxBytes? }) -> Buffer   (small blobs, verified)
 *   client.blobSize(ref, digest, { signal? }) -> number             (HEAD, no bytes)
 *   client.getManifest(ref, { reference?, signal? }) -> FetchedManifest & { kind, json }
 *   client.listTags(ref, { signal? }) -> string[]                    (all pages, registry order)
 *   client.close()  closes kept-alive sockets.
 *   client.setInsecureRegistries(hosts) / insecureRegistries()   the app's setting changed: applies at once
 *   client.observeRequests(observer, work)   observer sees only the requests `work` makes (history counts its own)
 *   client.mayUseHttp(host, addresses?)   the plain-HTTP policy (plain-http.ts: dockerd's rule)
 *   mapBounded(items, limit, (item, i, signal) => …, signal) runs layer fetches in parallel.
 *
 * Options (RegistryClientOptions): insecureRegistries (plain HTTP / unverified TLS for those
 * hosts; loopback may always use plain HTTP: 127.0.0.0/8 and ::1, by address, names resolved
 * as dockerd does), insecureHint ('flag' | 'setting': how refusals say to allow a host),
 * lookupAddresses (the policy's resolver; default the system's), env (DOCKER_CONFIG, REGISTRY_AUTH_FILE,
 * XDG_RUNTIME_DIR, HOME, PATH), certsDirs, idleTimeoutMs (30 s), retries (3), retryBaseMs,
 * maxRetryAfterMs, maxJsonBytes, onRequest (one record per HTTP exchange: method, url without
 * query, status, kind — tests count blob fetches with it).
 *
 * Auth: docker's flow. Anonymous first; on 401 the WWW-Authenticate challenge is answered
 * (Bearer: a token from the realm for scope repository:NAME:pull, with saved credentials when
 * there are any; Basic: the saved credentials). Credentials come from docker's config.json
 * (credHelpers, credsStore, auths) and podman's auth.json; tokens are cached in memory only.
 *
 * Errors: LayerscopeError with REGISTRY_UNREACHABLE, REGISTRY_TLS (names the certs.d folder),
 * REGISTRY_AUTH (how to log in), REGISTRY_DENIED, IMAGE_NOT_FOUND (repository/tag/manifest
 * unknown), REGISTRY_RATE_LIMITED, REGISTRY_TIMEOUT, DIGEST_MISMATCH, BLOB_TRUNCATED,
 * UNSUPPORTED_MEDIA_TYPE (schema 1, artifacts), PLATFORM_MISMATCH, REGISTRY_ERROR, CANCELLED.
 */
export { RegistryClient, parseRetryAfter } from './client'
export { mapBounded } from './parallel'
export { MEDIA, MANIFEST_ACCEPT, LAYER_TYPES } from './manifest'
export { PLAIN_HTTP_SETTING, allowPlainHttpAdvice, isLoopbackAddress, plainHttpAllowed, systemLookup, type AddressLookup, type InsecureHint } from './plain-http'
export type { CallOptions, Descriptor, FetchedManifest, ImageManifest, Platform, PlatformEntry, RegistryClientOptions, RequestRecord, ResolvedImage } from './types'
export {
  REGISTRY_SCHEME,
  checkEngineImageArg,
  familiarReference,
  formatReference,
  isRegistrySource,
  manifestReference,
  parseImageReference,
  parseRegistrySource,
  withTag,
  type ImageReference
} from '../model/reference'
