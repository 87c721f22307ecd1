/** One local image as the engine lists it. Every size says what it is. */
export interface ImageSummary {
  /** Full ID, "sha256:<64 hex>". */
  id: string
  /** Every repo:tag; empty for a dangling image (shown as "<none>:<none>"). */
  repoTags: string[]
  repoDigests: string[]
  /** Bytes as `docker images` shows it: the engine's inspect `.Size` (uncompressed, on disk). */
  size: number
  /** ISO 8601. */
  created: string
  /** Number of filesystem layers (inspect RootFS.Layers). */
  layers: number
  os?: string
  arch?: string
  /** Analysed before: its summary is in the layer cache, so opening it is quick. */
  analysed?: boolean
}

/** A bundled or recently opened image archive (docker save output or OCI layout). */
export interface SampleArchive {
  /** Absolute path on the backend's machine. */
  path: string
  /** Short name for display, e.g. "node-app single-stage". */
  title: string
  description: string
  /** Bytes of the archive file itself. */
  fileBytes: number
}
