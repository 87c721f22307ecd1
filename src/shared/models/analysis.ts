/** Where an analysed image comes from. */
export type ImageSource =
  | { kind: 'engine'; ref: string; platform?: string }
  | { kind: 'archive'; path: string; platform?: string }
  /** `ref` is HOST[:PORT]/REPO[:TAG|@DIGEST] (what follows `registry://`). */
  | { kind: 'registry'; ref: string; platform?: string }
// `platform` on a source: which image of a multi-platform archive this side means (compare
// one archive's linux/amd64 against its linux/arm64); it overrides AnalyzeOptions.platform.

export interface AnalyzeOptions {
  /** Skip the layer cache (and do not write it). */
  noCache?: boolean
  /** "linux/amd64", "linux/arm64/v8": picks one image from a multi-platform OCI index. */
  platform?: string
}

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'
export type ChangeKind = 'added' | 'changed' | 'deleted' | 'unchanged'
export type WasteReason = 'deleted' | 'overwritten' | 'metadata-only'

export interface LayerSummary {
  /** 0-based position in the image (0 = bottom). */
  index: number
  /** "sha256:..." of the uncompressed layer tar (RootFS.Layers / rootfs.diff_ids). */
  diffId: string
  /** Sum of regular-file sizes in the layer tar (uncompressed content bytes). */
  contentBytes: number
  /**
   * Download bytes: size of the layer blob as stored in the source when compressed (OCI
   * manifest, registry), else absent. Shown next to contentBytes.
   */
  compressedBytes?: number
  /** Blob digest ("sha256:..." of the stored, compressed bytes) where the source names it. */
  blobDigest?: string
  /** Regular files in the layer tar (hard links and symlinks not included). */
  files: number
  /** All tar entries except whiteout markers. */
  entries: number
  /** Relative to the layers below: paths new here, paths replaced here, paths whited out here. */
  added: number
  changed: number
  deleted: number
  addedBytes: number
  changedBytes: number
  /** Bytes of lower-layer files this layer hides by whiteouts. */
  deletedBytes: number
  /** The history step that made the layer, cleaned for display ("RUN apt-get install ..."). */
  createdBy: string
  createdByRaw: string
  created?: string
  historyIndex: number
  /** True when the layer belongs to the detected base image. */
  isBase: boolean
}

export interface HistoryStep {
  index: number
  createdBy: string
  createdByRaw: string
  created?: string
  comment?: string
  /** ENV, CMD, LABEL... make no layer. */
  emptyLayer: boolean
  layerIndex?: number
  /** The engine's own history size for the step (bytes), when it reports one. */
  engineSize?: number
}

export interface WastePath {
  path: string
  /** Bytes of the hidden copy. */
  bytes: number
  reason: WasteReason
  /** Layer that holds (and ships) the hidden copy. */
  layerIndex: number
  /** Layer that deleted or overwrote it. */
  byLayerIndex: number
}

export interface WasteSummary {
  /** Sum of layer content bytes - final filesystem bytes. */
  bytes: number
  /** final bytes / sum of layer content bytes (1 = no waste). */
  efficiency: number
  /** dive's figures, for CI rules moved over from dive (dive counts the kept copy too). */
  dive: { score: number; wastedBytes: number; userWastedPercent: number }
  /** Largest first, at most 1000. */
  paths: WastePath[]
  /** How many wasted paths exist in all. */
  pathCount: number
}

/** One path a savings candidate would remove, with the layer that added its bytes. */
export interface SavingsPath {
  path: string
  bytes: number
  layerIndex: number
}

/**
 * Bytes of the image that are commonly removable (package caches, docs, build toolchains,
 * hidden copies), measured in THIS image: exact regular-file bytes of matching final paths.
 */
export interface SavingsCandidate {
  /** Stable rule id: "apt-lists", "docs", "c-toolchain", "hidden", ... */
  id: string
  group: 'cache' | 'docs' | 'toolchain' | 'language' | 'hidden'
  title: string
  /** What to do, in one or two sentences. */
  fix: string
  /** Regular-file bytes this candidate covers (a path counts for one candidate only). */
  bytes: number
  /** Regular files it covers (for "hidden": hidden copies). */
  files: number
  /** Largest first, at most 10. */
  paths: SavingsPath[]
  /** Layers that added these bytes, largest first. */
  layers: Array<{ layerIndex: number; bytes: number; files: number }>
}

/** A slimmer tag of the base's repository, measured from its manifest. */
export interface BaseSibling {
  tag: string
  /** HOST/REPO:TAG */
  ref: string
  /** Layer blobs + config, as the registry lists them. */
  downloadSize: number
  /** The base's download size minus this one's (negative: the sibling is bigger). */
  savesBytes: number
}

/** The base image's download size and its slimmer siblings' (registry bases only). */
export interface BaseAlternatives {
  /** HOST/REPO:TAG of the base. */
  base: string
  downloadSize: number
  siblings: BaseSibling[]
}

export interface SavingsSummary {
  /** Version of the rule set; a cached analysis with another version is recomputed. */
  version: number
  /** Largest first; candidates under 1 kB are left out. */
  candidates: SavingsCandidate[]
  /** Sum of the candidates' bytes (each byte counted once), hidden bytes included. */
  bytes: number
  files: number
  /** Estimate of the image's content bytes after the fixes: layerBytes - bytes. */
  afterBytes: number
  /** When the base comes from a registry: its slimmer sibling tags' download sizes, measured. */
  baseAlternatives?: BaseAlternatives
}

export interface ImageIdentity {
  /** Image ID ("sha256:..." of the config) . */
  id: string
  repoTags: string[]
  /**
   * Engine images: bytes exactly as `docker images` shows it (inspect .Size).
   * Archives: sum of layer content bytes (what the engine would show after `docker load`).
   */
  size: number
  sizeKind: 'engine' | 'content'
  /** Sum of compressed layer blob sizes, where the source knows it. */
  compressedSize?: number
  /**
   * Download size as registries count it: every layer blob + the config blob (bytes as the
   * manifest lists them). Registry and OCI sources; absent when a source does not know it.
   */
  downloadSize?: number
  created?: string
  os?: string
  arch?: string
  variant?: string
  /** Multi-platform OCI archives: every platform the index lists ("linux/arm64/v8"); this image is one of them. */
  platforms?: string[]
}

/** Copies of one content in the final filesystem. */
export interface DuplicateGroup {
  /** "sha256:<hex>" of the content. */
  digest: string
  /** Bytes of one copy. */
  size: number
  /** What keeping one copy would save: size x (copies - 1). */
  bytes: number
  /** How many paths hold it. */
  copies: number
  /** "/usr/lib/x.so", sorted; at most 50 of them (then the first met in the image). */
  paths: string[]
}

export interface DuplicatesSummary {
  /** What a dedup would save over every group. */
  bytes: number
  /** Groups in all, and the regular files they hold. */
  groupCount: number
  files: number
  /** Largest saving first; at most 200 groups of at most 50 paths (see `truncated`). */
  groups: DuplicateGroup[]
  truncated: boolean
}

export interface ImageAnalysis {
  /** Stable key for follow-up queries (tree, treemap, compare, report). */
  key: string
  source: ImageSource
  format: 'docker-archive' | 'oci' | 'registry' | 'cache'
  image: ImageIdentity
  layers: LayerSummary[]
  history: HistoryStep[]
  /** Sum of layers' content bytes. */
  layerBytes: number
  /** The stacked filesystem: regular files still visible after every layer. */
  final: { bytes: number; files: number; entries: number }
  waste: WasteSummary
  /** What would make the image smaller, measured from the image alone. */
  savings?: SavingsSummary
  /** Regular files with the same content (sha256) at several paths of the final filesystem. Apart from waste. */
  duplicates?: DuplicatesSummary
  /** A local image whose layers are a prefix of this image's, if one was found. */
  base?: { ref: string; layers: number }
  /** How many layers came from the cache. */
  cachedLayers: number
  /** Milliseconds spent analysing (export + parse). */
  elapsedMs: number
}

/** A node of a layer's tree or of the stacked filesystem, with sizes rolled up. */
export interface FileNode {
  name: string
  path: string
  kind: EntryKind
  /** Regular-file bytes at or below this node. */
  bytes: number
  /** Regular files at or below this node. */
  files: number
  change?: ChangeKind
  /** This entry is a whiteout (deletion) in the layer. */
  whiteout?: boolean
  /** Directory made opaque in this layer. */
  opaque?: boolean
  linkTarget?: string
  mode?: number
  uid?: number
  gid?: number
  /** "sha256:<hex>" of a regular file's (or hard link's) content. */
  sha256?: string
  /** Why a regular file has no sha256, when that is on purpose ("sparse file too large to hash"). */
  sha256Note?: string
  /** Layer that last wrote this path (stacked view). */
  layerIndex?: number
  waste?: { reason: WasteReason; bytes: number; byLayerIndex: number }
  hasChildren: boolean
}

/** Which tree: one layer's own entries, or the stack of layers 0..layer (null = whole image). */
export interface TreeScope {
  key: string
  layer: number | null
  mode: 'layer' | 'stacked'
}

/**
 * A treemap block's bytes by what the scope's layer did to them: added + changed + unchanged
 * = bytes (unchanged = written by a lower layer, or re-listed as it was). `deleted` = bytes of
 * lower files the layer hid here (no area: they are not in the scope); `wasted` = bytes of the
 * block that a later layer hides again (shipped, never seen).
 */
export interface ChangeBytes {
  added: number
  changed: number
  unchanged: number
  deleted: number
  wasted: number
}

export interface TreemapNode {
  name: string
  path: string
  bytes: number
  files: number
  change?: ChangeKind
  /** Bytes by change kind (always present in answers of analysis:treemap). */
  split?: ChangeBytes
  kind: EntryKind | 'aggregate'
  /** For kind 'aggregate': how many small entries it stands for. */
  count?: number
  children?: TreemapNode[]
}

/** What a long job is doing now: a closed set, so every front can name it without parsing text. */
export type JobPhase =
  | 'preparing' // the engine prepares the export (docker save has sent no byte yet)
  | 'export' // reading the engine's save stream: bytes of it
  | 'read' // reading an archive file or OCI layout: bytes of it
  | 'download' // fetching layer blobs from a registry: bytes of them
  | 'cache' // loading cached layers
  | 'analyse' // stacking layers, waste and the summary
  | 'waiting' // compare: side B waits for A (shared layers are analysed once)
  | 'diff' // compare: diffing the final filesystems
  | 'build' // Dockerfile stage builds: stage i of n
  | 'report' // rendering a report

export const JOB_PHASES = ['preparing', 'export', 'read', 'download', 'cache', 'analyse', 'waiting', 'diff', 'build', 'report'] as const satisfies readonly JobPhase[]

/**
 * Progress of a long job (export, analysis, build, report), sent as an event. Every number a
 * front shows is a field here; `message` is optional human text and never parsed.
 */
export interface JobProgress {
  jobId: string
  phase: JobPhase
  bytesDone: number
  /** 0 or absent when unknown. */
  bytesTotal?: number
  /** The layer being read (0-based) and how many the image has, where the phase knows them. */
  layerIndex?: number
  layerCount?: number
  /** build: the stage being built, its place (0-based) and how many stages the build has. */
  stage?: string
  stageIndex?: number
  stageCount?: number
  message?: string
  /** Which side of a comparison this progress belongs to (compare:open only). */
  side?: 'a' | 'b'
  /**
   * analysis:open: what the image is made of, sent once as soon as the source has described
   * it (inspect + history, manifest + config), before its layers are read.
   */
  preview?: ImagePreview
  /** analysis:open: this layer (0-based index) has been read (or found in the cache). */
  layerRead?: number
}

/**
 * What a source claims about a layer before any of its bytes are read. The size is labelled
 * with what it is: the engine's history size of the step that made it (uncompressed bytes the
 * engine stores for the layer), or the layer blob's bytes as the manifest lists them
 * (download bytes, usually compressed). Neither is the content bytes the analysis measures.
 */
export interface PreviewLayer {
  index: number
  diffId: string
  createdBy: string
  createdByRaw: string
  created?: string
  historyIndex: number
  claimedBytes?: number
  claimedKind?: 'engine-history' | 'manifest-blob'
  /** Already in the layer cache: it will not be read from the source. */
  cached: boolean
}

/** An image as described before its layers are read: identity, layers and history. */
export interface ImagePreview {
  /** Image ID ("sha256:..." of the config). */
  id: string
  repoTags: string[]
  source: ImageSource
  /** Bottom first. */
  layers: PreviewLayer[]
  history: HistoryStep[]
  /** Engine images: inspect .Size (what `docker images` shows); registry: layer blobs + config. */
  size?: number
  sizeKind?: 'engine' | 'download'
  created?: string
  os?: string
  arch?: string
  variant?: string
}
