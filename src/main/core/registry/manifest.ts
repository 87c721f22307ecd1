// Manifests as registries serve them: OCI image manifest and index, Docker schema 2 manifest
// and manifest list. Schema 1 and non-image artifacts are refused by name. Pure.
import { ociPlatform } from '../../../shared/image-source'
import { LayerscopeError } from '../errors'
import { hostPlatform, parsePlatform } from '../archive/oci'
import type { Descriptor, ImageManifest, PlatformEntry } from './types'

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json'
} as const

/** What we ask for, best first (what docker and containerd send). */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ')

const INDEX_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.dockerList])
const IMAGE_TYPES = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest])
const SCHEMA1_TYPES = new Set<string>([MEDIA.dockerSchema1, MEDIA.dockerSchema1Signed])
const CONFIG_TYPES = new Set<string>([MEDIA.ociConfig, MEDIA.dockerConfig])

/** Layer blob types Layerscope reads (tar, gzip, zstd; docker's and OCI's names, nondistributable too). */
export const LAYER_TYPES = new Set<string>([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'
])

export type ManifestKind = 'index' | 'image'

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/

function unsupported(where: string, what: string): LayerscopeError {
  return new LayerscopeError('UNSUPPORTED_MEDIA_TYPE', `${where}: ${what}`)
}

function schema1(where: string): LayerscopeError {
  return unsupported(
    where,
    'is a Docker schema 1 manifest (legacy, removed from Docker and the OCI spec). Layerscope reads schema 2 and OCI: push the image again with a current docker, buildah or skopeo to convert it.'
  )
}

function parseJson(where: string, body: Buffer): Record<string, unknown> {
  let j: unknown
  try {
    j = JSON.parse(body.toString('utf8'))
  } catch {
    throw new LayerscopeError('REGISTRY_ERROR', `${where}: the registry sent a manifest that is not JSON.`)
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new LayerscopeError('REGISTRY_ERROR', `${where}: the registry sent a manifest that is not a JSON object.`)
  return j as Record<string, unknown>
}

function descriptor(where: string, field: string, d: unknown, allowPlatform = false): Descriptor {
  const o = d as Record<string, unknown> | null
  if (!o || typeof o !== 'object') throw new LayerscopeError('REGISTRY_ERROR', `${where}: ${field} is not a descriptor.`)
  if (typeof o.mediaType !== 'string' || !o.mediaType) throw new LayerscopeError('REGISTRY_ERROR', `${where}: ${field}.mediaType is missing.`)
  if (typeof o.digest !== 'string' || !DIGEST_RE.test(o.digest)) throw new LayerscopeError('REGISTRY_ERROR', `${where}: ${field}.digest is not a sha256 digest.`)
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) throw new LayerscopeError('REGISTRY_ERROR', `${where}: ${field}.size is not a byte count.`)
  const out: Descriptor = { mediaType: o.mediaType, digest: o.digest, size: o.size }
  if (allowPlatform && o.platform && typeof o.platform === 'object') {
    const p = o.platform as Record<string, unknown>
    if (typeof p.os === 'string' && typeof p.architecture === 'string') {
      out.platform = { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' && p.variant ? { variant: p.variant } : {}) }
      if (typeof p['os.version'] === 'string') out.platform['os.version'] = p['os.version']
    }
  }
  if (o.annotations && typeof o.annotations === 'object') out.annotations = o.annotations as Record<string, string>
  if (Array.isArray(o.urls)) out.urls = o.urls.filter((u): u is string => typeof u === 'string')
  return out
}

/**
 * Decides what a manifest is from its Content-Type and its body (a registry may answer
 * `application/json`, or omit mediaType in the body: both are allowed by the specs).
 */
export function classifyManifest(where: string, contentType: string | undefined, body: Buffer): { kind: ManifestKind; mediaType: string; json: Record<string, unknown> } {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (SCHEMA1_TYPES.has(ct)) throw schema1(where)
  const json = parseJson(where, body)
  if (json.schemaVersion === 1) throw schema1(where)
  const declared = typeof json.mediaType === 'string' ? json.mediaType : ''
  if (SCHEMA1_TYPES.has(declared)) throw schema1(where)
  // The body's own mediaType, when present, must agree with the header (OCI image-spec: a mismatch is refused).
  if (declared && ct && ct !== 'application/json' && ct !== declared && (INDEX_TYPES.has(ct) || IMAGE_TYPES.has(ct))) {
    throw new LayerscopeError('REGISTRY_ERROR', `${where}: the registry says ${ct} but the manifest says ${declared}.`)
  }
  const mediaType = declared || (INDEX_TYPES.has(ct) || IMAGE_TYPES.has(ct) ? ct : '')
  if (INDEX_TYPES.has(mediaType) || (!mediaType && Array.isArray(json.manifests))) return { kind: 'index', mediaType: mediaType || MEDIA.ociIndex, json }
  if (IMAGE_TYPES.has(mediaType) || (!mediaType && json.config && Array.isArray(json.layers))) return { kind: 'image', mediaType: mediaType || MEDIA.ociManifest, json }
  throw unsupported(where, `has media type ${mediaType || ct || '(none)'}, which is not a container image manifest or index.`)
}

export function parseImageManifest(where: string, mediaType: string, json: Record<string, unknown>): ImageManifest {
  if (json.schemaVersion !== 2) throw new LayerscopeError('REGISTRY_ERROR', `${where}: schemaVersion is ${String(json.schemaVersion)}, expected 2.`)
  const config = descriptor(where, 'config', json.config)
  if (!CONFIG_TYPES.has(config.mediaType)) {
    throw unsupported(where, `is an OCI artifact (config type ${config.mediaType}), not a container image: there is no filesystem to analyse.`)
  }
  if (!Array.isArray(json.layers)) throw new LayerscopeError('REGISTRY_ERROR', `${where}: layers is not a list.`)
  const layers = json.layers.map((l, i) => descriptor(where, `layers[${i}]`, l))
  layers.forEach((l, i) => {
    if (!LAYER_TYPES.has(l.mediaType)) throw unsupported(where, `layer ${i} (${l.digest}) has media type ${l.mediaType}, which is not a tar, gzip or zstd layer.`)
  })
  return {
    schemaVersion: 2,
    mediaType,
    config,
    layers,
    ...(json.annotations && typeof json.annotations === 'object' ? { annotations: json.annotations as Record<string, string> } : {})
  }
}

/** The index's image entries (attestations — platform unknown/unknown — left out). */
export function indexEntries(where: string, json: Record<string, unknown>): Descriptor[] {
  if (!Array.isArray(json.manifests)) throw new LayerscopeError('REGISTRY_ERROR', `${where}: manifests is not a list.`)
  return json.manifests
    .map((d, i) => descriptor(where, `manifests[${i}]`, d, true))
    .filter((d) => !(d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown'))
}

export function platformEntries(entries: readonly Descriptor[]): PlatformEntry[] {
  return entries.map((d) => ({ platform: ociPlatform(d.platform), digest: d.digest, mediaType: d.mediaType, size: d.size }))
}

/**
 * Picks an index entry the way docker does: the asked platform, or the host's; a variant is
 * matched when both name one. A miss lists what the index has.
 */
export function choosePlatform(where: string, entries: readonly Descriptor[], platform: string | undefined): Descriptor {
  if (entries.length === 0) throw new LayerscopeError('REGISTRY_ERROR', `${where}: the index lists no image.`)
  const want = platform ? parsePlatform(platform) : undefined
  if (!want && entries.length === 1) return entries[0]!
  const target = want ?? hostPlatform()
  const fits = (d: Descriptor, strictVariant: boolean): boolean =>
    !!d.platform &&
    d.platform.os === target.os &&
    d.platform.architecture === target.architecture &&
    (!strictVariant || !target.variant || !d.platform.variant || d.platform.variant === target.variant)
  const pick = entries.find((d) => fits(d, true)) ?? (want ? undefined : entries.find((d) => fits(d, false)))
  if (!pick) {
    throw new LayerscopeError(
      'PLATFORM_MISMATCH',
      `${where} has no image for ${ociPlatform(target)}; it has: ${entries.map((d) => ociPlatform(d.platform)).join(', ')}. Pick one with --platform.`,
      { platforms: entries.map((d) => ociPlatform(d.platform)).join(', ') }
    )
  }
  return pick
}
