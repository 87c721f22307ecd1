import type { EntryKind, ImageAnalysis } from '../../../shared/models/analysis'

/** One visible path of the stacked final filesystem. */
export interface FinalEntry {
  /** Normalised: no leading "./" or "/", no trailing "/" ("usr/lib/x.so"). */
  path: string
  kind: EntryKind
  /** Regular-file bytes (0 for dirs, links). */
  size: number
  mode: number
  /** Layer that last wrote the path. */
  layer: number
  linkTarget?: string
}

/**
 * An analysed image kept in memory for follow-up queries (tree, treemap, compare, report).
 * Holds headers only, never file contents.
 */
export interface AnalyzedImage {
  analysis: ImageAnalysis
  /** Every visible path of the final filesystem, in no particular order. */
  finalEntries(): Iterable<FinalEntry>
}
