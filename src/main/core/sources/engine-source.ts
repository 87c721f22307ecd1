// An image in the local engine: inspect says its layers (diff IDs) before anything is read;
// the layers come from the engine's save stream, parsed as it passes. History and base-image
// detection are asked for at the same time, so they overlap the export.
import type { ImageSource } from '../../../shared/models/analysis'
import { imagePlatform } from '../../../shared/image-source'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled } from '../errors'
import { exportImage } from '../archive/engine-export'
import { readImageFeed, type ReadImage } from '../archive/image-reader'
import { parsePlatform } from '../archive/oci'
import { LayerLocator } from './layer-locator'
import { readImageResult } from './read-result'
import { detectBase, type BaseResult, type KnownLayers } from './engine-base'
import type { DescribedImage, EngineHistoryEntry, LayerSource, ReadImageResult, ReadLayersOptions } from './layer-source'

export interface EngineSourceOptions {
  engine: EngineClient
  platform?: string
  /** Replaceable so tests can watch every export request. */
  exportImage?: typeof exportImage
  /** Called when an export starts (AnalysisService counts them). */
  onExport?: () => void
  /** Layer lists of other engine images, kept by the service across opens. */
  knownLayers?: KnownLayers
}

export class EngineSource implements LayerSource {
  readonly source: ImageSource
  readonly label: string
  readonly readPhase = 'export' as const

  constructor(
    readonly ref: string,
    private readonly o: EngineSourceOptions
  ) {
    this.source = { kind: 'engine', ref, ...(o.platform ? { platform: o.platform } : {}) }
    this.label = ref
  }

  async describe(signal?: AbortSignal): Promise<DescribedImage> {
    const inspect = await this.o.engine.inspectImage(this.ref, signal)
    if (this.o.platform) {
      const want = parsePlatform(this.o.platform)
      if (inspect.Os !== want.os || inspect.Architecture !== want.architecture || (want.variant && inspect.Variant && inspect.Variant !== want.variant)) {
        throw new LayerscopeError(
          'PLATFORM_MISMATCH',
          `${this.ref} is ${imagePlatform({ os: inspect.Os, arch: inspect.Architecture, variant: inspect.Variant })}, not ${this.o.platform}: the engine keeps one platform per image.`
        )
      }
    }
    const d: DescribedImage = {
      id: inspect.Id,
      repoTags: (inspect.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      layers: (inspect.RootFS?.Layers ?? []).map((diffId) => ({ diffId })),
      // Layers known from other images but this image never opened: the platform still
      // comes from inspect (history then comes from the engine's /history).
      config: { os: inspect.Os, architecture: inspect.Architecture, variant: inspect.Variant, created: inspect.Created },
      engineSize: inspect.Size
    }
    if (inspect.Created) d.created = inspect.Created
    return d
  }

  keyOf(id: string): string {
    return `engine:${id}`
  }

  history(image: DescribedImage): Promise<EngineHistoryEntry[]> {
    return this.o.engine.imageHistory(image.id).catch(() => [] as EngineHistoryEntry[])
  }

  baseImage(image: DescribedImage, prior?: BaseResult): Promise<BaseResult | undefined> {
    return detectBase(
      this.o.engine,
      image.id,
      image.layers.map((l) => l.diffId),
      prior,
      this.o.knownLayers
    ).catch(() => undefined)
  }

  async read(image: DescribedImage | null, opts: ReadLayersOptions): Promise<ReadImageResult> {
    if (!image) throw new LayerscopeError('INTERNAL', 'An engine image is read after inspect.')
    const total = image.engineSize ?? 0
    this.o.onExport?.()
    let done = 0
    const onLayerRead = opts.onLayerRead
    const locator = onLayerRead ? new LayerLocator(onLayerRead, image.layers.map((l) => l.diffId)) : undefined
    let read: ReadImage
    try {
      read = await readImageFeed(
        (tar) =>
          (this.o.exportImage ?? exportImage)(
            this.o.engine,
            image.id,
            (chunk) => {
              const len = chunk.length
              const counted = (): void => {
                done += len
                opts.onBytes?.(done, total)
              }
              // Consumed at once (the usual case): no promise, so the socket is not paused per read.
              const wait = tar.push(chunk)
              if (wait) return wait.then(counted)
              counted()
            },
            opts.signal,
            // The archive is complete at its end marker: the engine's clean-up after it is not waited for.
            () => tar.finished
          ),
        {
          paths: opts.paths,
          label: `The export of ${this.ref}`,
          signal: opts.signal,
          onLayerStart: (n) => opts.onLayer?.(n - 1),
          ...(locator ? { onBlob: (path, blob, entries) => locator.blob(path, blob, entries) } : {})
        }
      )
    } catch (e) {
      throw await this.explainReadFailure(e, image.id, opts.signal)
    }
    const got = read.layers.map((l) => l.diffId)
    if (got.join() !== image.layers.map((l) => l.diffId).join()) {
      throw new LayerscopeError('ENGINE_ERROR', `The engine exported different layers for ${this.ref} than it reports; was the tag moved during export? Try again.`)
    }
    // The export holds this one image: platforms are reported only for archives that list several.
    const { platforms: _platforms, ...one } = read
    return readImageResult(one, { id: image.id, repoTags: image.repoTags })
  }

  /** Why did the stream stop? Ask the engine again: image gone, engine gone, or damage. */
  private async explainReadFailure(e: unknown, id: string, signal?: AbortSignal): Promise<unknown> {
    if (isCancelled(e) || signal?.aborted) return new LayerscopeError('CANCELLED', 'Cancelled.')
    const now = await this.o.engine
      .inspectImage(id)
      .then(() => null)
      .catch((err: unknown) => this.o.engine.explain(err, this.ref))
    if (now?.code === 'IMAGE_NOT_FOUND' || now?.code === 'NOT_FOUND') return new LayerscopeError('IMAGE_NOT_FOUND', `${this.ref} was removed while it was being exported.`)
    if (now) return new LayerscopeError(now.code, `The engine stopped answering during the export of ${this.ref}: ${now.message}`)
    if (e instanceof LayerscopeError && e.code === 'ARCHIVE_INVALID') {
      return new LayerscopeError('ENGINE_ERROR', `The engine's export of ${this.ref} ended early or was damaged (${e.message}) Was the engine restarted? Try again.`)
    }
    return e
  }
}
