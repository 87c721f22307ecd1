// Size over time: a repository's tags as one series, and the steps between neighbouring tags.
import type { ImageSource } from './analysis'
import type { Contributor } from './compare'

export type HistoryOrder = 'created' | 'semver'

/** One tag of the series, measured from its manifest and config (registry) or inspect (engine): no layer read. */
export interface HistoryTag {
  tag: string
  /** What to open it with: `registry://HOST/REPO:TAG` or the engine's `REPO:TAG`. */
  ref: string
  source: ImageSource
  /** The config's `created` time (ISO 8601), when it has one. */
  created?: string
  /** Engine: the image ID; registry: the image manifest's digest. */
  digest: string
  /** What a pull downloads: layer blobs + config (registry tags only). */
  downloadBytes?: number
  /** Engine: inspect .Size (as `docker images` shows it); registry: only once the tag was analysed. */
  unpackedBytes?: number
  layers: number
  /** Layers shared with the previous tag of the series (longest common diff-ID prefix; 0 for the first). */
  sharedWithPrevious: number
  /** Bytes of the layers of the series' common base (download bytes for registry, history sizes for engine; absent when unknown). */
  baseBytes?: number
  /** Bytes of the layers shared with the previous tag, on the same basis as baseBytes. */
  sharedBytes?: number
}

export interface TagSeries {
  /** `registry://HOST/REPO` or the engine repository name. */
  repository: string
  kind: 'engine' | 'registry'
  order: HistoryOrder
  tags: HistoryTag[]
  /** Layers every tag of the series starts with (the common base). */
  baseLayers: number
  /** Tags left out (no config time for created order, not a version for semver order, --last). */
  skipped: Array<{ tag: string; reason: string }>
  /**
   * What the series cost, in requests. Registry: tags pages, manifests (index + image) and blobs
   * (configs only: no layer is fetched for a series). Engine: inspect and history calls.
   */
  requests: { tags: number; manifests: number; blobs: number; inspects: number }
}

/** A step between neighbouring tags: what the jump list and the chart's click open as a compare. */
export interface HistoryStep {
  /** Index in series.tags of the later tag (the step goes from index - 1 to index). */
  index: number
  from: string
  to: string
  a: ImageSource
  b: ImageSource
  /** Change of the size the series measures first: unpacked for engine, download for registry. */
  bytes: number
  basis: 'unpacked' | 'download'
  /** The step replaced layers the previous two tags had in common (or kept none): the base moved (steps.ts). */
  baseChanged: boolean
}

/** A step explained by a content compare of its two tags. */
export interface HistoryJump extends HistoryStep {
  /** The compare's own delta (engine .Size, or layer content bytes when one side has none). */
  compareBytes: number
  compareBasis: 'engine' | 'content'
  /** The compare's top contributors (the rows the compare screen shows first). */
  contributors: Contributor[]
  /** One line: "1.7.0: +212 MB, /usr/lib/gcc: the build toolchain reached the final stage". */
  line: string
  /** The compare's sentence, as the compare screen shows it. */
  sentence: string
  /** The keys compare:contributors / compare:treemap take for drill-down. */
  aKey: string
  bKey: string
}

export interface HistoryJumps {
  repository: string
  jumps: HistoryJump[]
  /** Every step of the series, biggest change first (the ones not explained too). */
  steps: HistoryStep[]
  /**
   * Registry series: unpacked size (layer content bytes) of each tag the jumps analysed, by
   * tag; the series itself reads no layer, so only these tags have one. Empty for engine series.
   */
  unpacked: Record<string, number>
}
