// An image in an OCI Distribution registry, read without an engine or a pull: the manifest
// and config say every layer (blob digest, size, diff ID) before a byte of a layer moves;
// then only the layers the cache lacks are fetched, a few at a time, each verified against
// its blob digest while it streams (the client) and parsed as it arrives (the pipeline).
// Nothing is written to disk but the verified parse results.
import type { BaseAlternatives, ImageSource } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'
import { LayerscopeError } from '../errors'
import { LayerEntries } from '../model/layer-entries'
import { familiarReference, formatReference, mapBounded, parseImageReference, type ImageReference, type RegistryClient } from '../registry'
import { parseLayerBlob } from './layer-pipeline'
import { measureBaseSiblings } from './base-siblings'
import type { BaseResult } from './engine-base'
import type { DescribedImage, LayerSource, ReadImageResult, ReadLayersOptions, SourceLayer } from './layer-source'

/** Layers fetched at once: enough to hide latency and keep 2 cores busy decompressing. */
export const REGISTRY_LAYER_CONCURRENCY = 3
/** Where OCI images name their base (image-spec annotations; also set as a label by many builds). */
const BASE_NAME = 'org.opencontainers.image.base.name'

export interface RegistrySourceOptions {
  client: RegistryClient
  platform?: string
  concurrency?: number
}

export class RegistrySource implements LayerSource {
  readonly source: ImageSource
  readonly label: string
  readonly readPhase = 'download' as const
  readonly ref: ImageReference

  /** `ref`: `registry://HOST[:PORT]/REPO[:TAG|@DIGEST]` or the same without the scheme. */
  constructor(
    ref: string,
    private readonly o: RegistrySourceOptions
  ) {
    this.ref = parseImageReference(ref)
    const name = formatReference(this.ref)
    this.source = { kind: 'registry', ref: name, ...(o.platform ? { platform: o.platform } : {}) }
    this.label = `registry://${name}`
  }

  /** Base named by the image (OCI label / manifest annotation org.opencontainers.image.base.name). */
  private baseName?: string
  private platform?: string

  keyOf(id: string): string {
    return `registry:${this.ref.domain}/${this.ref.repository}@${id}`
  }

  async describe(signal?: AbortSignal): Promise<DescribedImage> {
    const r = await this.o.client.resolve(this.ref, { platform: this.o.platform, signal })
    const layers = r.manifest.layers
    if (layers.length !== r.diffIds.length) {
      throw new LayerscopeError(
        'ARCHIVE_INVALID',
        `${this.label}: the manifest lists ${layers.length} layers but the config has ${r.diffIds.length} diff IDs.`
      )
    }
    const config = r.config.json as ImageConfig
    this.platform = r.platform
    this.baseName = r.manifest.annotations?.[BASE_NAME] ?? config.config?.Labels?.[BASE_NAME] ?? undefined
    const d: DescribedImage = {
      id: r.config.digest,
      repoTags: [familiarReference(this.ref)],
      layers: layers.map((l, i) => ({ diffId: r.diffIds[i]!, blobDigest: l.digest, blobBytes: l.size, mediaType: l.mediaType })),
      config,
      configBytes: r.config.size
    }
    if (config.created) d.created = config.created
    if (r.platforms.length > 1) d.platforms = r.platforms.map((p) => p.platform)
    return d
  }

  /** The named base, when it is in a registry and its layers are the bottom of this image's. */
  async baseImage(image: DescribedImage): Promise<BaseResult | undefined> {
    const base = this.baseRef()
    if (!base) return undefined
    try {
      const r = await this.o.client.resolve(base, { platform: this.platform })
      const mine = image.layers.map((l) => l.diffId)
      const prefix = r.diffIds.length < mine.length && r.diffIds.every((d, i) => d === mine[i])
      return { fingerprint: `registry:${r.manifestDigest}`, base: prefix ? { ref: familiarReference(base), layers: r.diffIds.length } : null }
    } catch {
      return undefined
    }
  }

  async baseAlternatives(_image: DescribedImage, signal?: AbortSignal): Promise<BaseAlternatives | null> {
    const base = this.baseRef()
    if (!base) return null
    return measureBaseSiblings(this.o.client, base, { platform: this.platform, signal }).catch(() => null)
  }

  private baseRef(): ImageReference | null {
    if (!this.baseName) return null
    try {
      return parseImageReference(this.baseName)
    } catch {
      return null
    }
  }

  async read(image: DescribedImage | null, opts: ReadLayersOptions): Promise<ReadImageResult> {
    if (!image) throw new LayerscopeError('INTERNAL', 'A registry image is read after its manifest.')
    const skipped = new Set<string>()
    const wanted: number[] = []
    image.layers.forEach((l, i) => {
      if (opts.skip(l.diffId)) skipped.add(l.diffId)
      else if (!wanted.some((w) => image.layers[w]!.diffId === l.diffId)) wanted.push(i)
    })
    // Progress: blob bytes of the layers fetched (what moves over the network).
    let total = 0
    for (const i of wanted) total += image.layers[i]!.blobBytes ?? 0
    const doneBy = new Map<number, number>()
    let done = 0
    const parsed = await mapBounded(
      wanted,
      this.o.concurrency ?? REGISTRY_LAYER_CONCURRENCY,
      async (i, _n, signal) => {
        const l = image.layers[i]!
        const what = `${this.label}: layer ${i + 1} (${l.blobDigest})`
        const stream = await this.o.client.openBlob(this.ref, { digest: l.blobDigest!, size: l.blobBytes! }, { signal, what })
        try {
          const layer = await parseLayerBlob(stream, {
            paths: opts.paths,
            label: what,
            diffId: l.diffId,
            blobDigest: l.blobDigest,
            // openBlob fails the stream unless its bytes hash to the blob digest.
            blobVerified: true,
            signal,
            onBytes: (n) => {
              done += n - (doneBy.get(i) ?? 0)
              doneBy.set(i, n)
              opts.onBytes?.(done, total)
            }
          })
          opts.onLayerRead?.(l.diffId, layer.entries)
          return layer
        } finally {
          stream.destroy()
        }
      },
      opts.signal
    )
    const byDiff = new Map<string, SourceLayer>()
    wanted.forEach((i, n) => byDiff.set(image.layers[i]!.diffId, parsed[n]!))
    const layers: SourceLayer[] = image.layers.map((l) => {
      const got = byDiff.get(l.diffId)
      // Download bytes are the blob's as the manifest lists them, compressed or not.
      const out: SourceLayer = got ? { ...got } : { diffId: l.diffId, entries: new LayerEntries(opts.paths) }
      if (l.blobBytes !== undefined) out.compressedBytes = l.blobBytes
      if (l.blobDigest) out.blobDigest = l.blobDigest
      return out
    })
    return {
      format: 'registry',
      id: image.id,
      config: image.config ?? {},
      repoTags: image.repoTags,
      layers,
      skipped,
      ...(image.platforms ? { platforms: image.platforms } : {}),
      ...(image.configBytes !== undefined ? { configBytes: image.configBytes } : {})
    }
  }
}
