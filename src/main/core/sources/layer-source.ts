// Where an image's config and layers come from. Engine, archive and registry each implement
// LayerSource; AnalysisService only ever talks to this interface, and every layer's bytes go
// through the one pipeline (layer-pipeline.ts). Adding a source never touches either.
import type { BaseAlternatives, ImageSource, JobPhase } from '../../../shared/models/analysis'
import type { ImageConfig } from '../archive/image-reader'
import type { BaseResult } from './engine-base'
import type { EngineHistoryEntry } from '../engine/engine-client'
import type { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'

/** A layer as the source claims it, before any byte is read. */
export interface ClaimedLayer {
  /** sha256 of the uncompressed tar (config rootfs.diff_ids / inspect RootFS.Layers). */
  diffId: string
  /** sha256 of the blob as stored (compressed); registries and OCI manifests name it. */
  blobDigest?: string
  /** Blob bytes as the manifest lists them (the download size of the layer). */
  blobBytes?: number
  mediaType?: string
}

/** What a source knows about an image before reading layers (inspect, manifest + config). */
export type { EngineHistoryEntry }

export interface DescribedImage {
  /** Image ID: "sha256:..." of the config blob. */
  id: string
  repoTags: string[]
  /** Bottom first. */
  layers: ClaimedLayer[]
  /** Absent when the source does not have it without a read (engine: inspect has no history). */
  config?: ImageConfig
  /** Config blob bytes (counted in the download size). */
  configBytes?: number
  /** Engine images: inspect .Size, what `docker images` shows. */
  engineSize?: number
  created?: string
  /** Multi-platform index: every platform it lists. */
  platforms?: string[]
}

/** One layer out of the pipeline. */
export interface SourceLayer {
  diffId: string
  entries: LayerEntries
  /** Download bytes when the layer is stored compressed. */
  compressedBytes?: number
  blobDigest?: string
}

export interface ReadImageResult {
  format: 'docker-archive' | 'oci' | 'registry'
  id: string
  config: ImageConfig
  repoTags: string[]
  /** Bottom first; a skipped layer has empty entries (the caller fills it from the cache). */
  layers: SourceLayer[]
  /** Layers the source did not read because `skip` said so (diff IDs). */
  skipped: Set<string>
  platforms?: string[]
  configBytes?: number
}

export interface ReadLayersOptions {
  /** Interned paths shared by every layer of this image. */
  paths: PathTable
  /** True for a layer the caller already has (cache): the source then does not read it, if it can avoid it. */
  skip: (diffId: string) => boolean
  signal?: AbortSignal
  /** Bytes read so far, of `total` (0 when unknown). */
  onBytes?: (bytesDone: number, bytesTotal: number) => void
  /** A layer's bytes start (stream sources: the i-th layer blob met, 0-based), for "layer i of n". */
  onLayer?: (index: number) => void
  /**
   * A layer has been read through the pipeline (parsed; verified where the source verifies).
   * Sources call it where they can tell which layer a blob was; a layer they cannot name
   * before the end (see LayerLocator) is simply never announced early. `entries` are the
   * layer's own (the very object the result will hold, never a copy), for in-progress trees.
   */
  onLayerRead?: (diffId: string, entries?: LayerEntries) => void
}

/** What a source that can only be known by reading claims about its image, found cheaply. */
export interface PeekedImage {
  image: DescribedImage
  /** Whether the read skips layers the cache has (an OCI folder does; a tar stream cannot). */
  skipsCached: boolean
}

export interface LayerSource {
  /** The ImageSource this was made for (normalised), as analyses report it. */
  readonly source: ImageSource
  /** Names the image in messages ("nginx:1.27", "/tmp/x.tar"). */
  readonly label: string
  /**
   * Identity, config and claimed layers without reading a layer. null when only a read can
   * tell (a tar archive: its manifest comes last).
   */
  describe(signal?: AbortSignal): Promise<DescribedImage | null>
  /**
   * For sources whose describe() is null: what the image claims (manifest, config), found
   * without reading a layer, only to show it early; never used to skip or trust a read.
   * Runs beside the read; null when it cannot be had cheaply (a compressed tar).
   */
  peek?(signal?: AbortSignal): Promise<PeekedImage | null>
  /** Key of an analysis of image `id` from this source (stable per image and source). */
  keyOf(id: string): string
  /** Progress phase while layers are read ("export", "read", "download"). */
  readonly readPhase: Extract<JobPhase, 'export' | 'read' | 'download'>
  /** Engine /history (newest first) when the config's own history may be missing; overlaps the read. */
  history?(image: DescribedImage): Promise<EngineHistoryEntry[]>
  /** Base-image detection; started before the read so it overlaps it. */
  baseImage?(image: DescribedImage, prior?: BaseResult): Promise<BaseResult | undefined>
  /** A registry base's slimmer sibling tags, measured from their manifests; overlaps the read. */
  baseAlternatives?(image: DescribedImage, signal?: AbortSignal): Promise<BaseAlternatives | null>
  /** Reads every layer `skip` does not rule out, each through the layer pipeline. */
  read(image: DescribedImage | null, opts: ReadLayersOptions): Promise<ReadImageResult>
}
