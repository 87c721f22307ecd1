import type { ImageIdentity, ImageSource, LayerSummary } from './analysis'

export interface ComparedSide {
  key: string
  source: ImageSource
  image: ImageIdentity
  layers: LayerSummary[]
  final: { bytes: number; files: number }
  waste: { bytes: number; efficiency: number }
}

export interface LayerRef {
  diffId: string
  contentBytes: number
  createdBy: string
  /** Index in A and/or B. */
  indexA?: number
  indexB?: number
}

export interface FileDeltaCount {
  /** Entries that are not directories (regular files, symlinks, hard links, others). */
  count: number
  /**
   * Regular-file bytes: added = bytes in B, removed = bytes in A (both positive),
   * changed = bytesB - bytesA (net, signed). added - removed + changed = final bytes B - A.
   */
  bytes: number
  /** Regular-file bytes of these entries in A and in B. */
  bytesA?: number
  bytesB?: number
  /** changed only: regular files whose content (digest) changed while their size did not. */
  sameSize?: number
}

/** Regular files removed at one path and added at another with the same content (sha256). */
export interface MovedFiles {
  count: number
  /** Their regular-file bytes (the same on both sides). */
  bytes: number
  /** Largest first; at most 10,000 (then `truncated`). */
  paths: Array<{ from: string; to: string; bytes: number; digest: string }>
  truncated?: boolean
}

export interface Contributor {
  /** Directory or file path in the final filesystems. */
  path: string
  bytesA: number
  bytesB: number
  /** bytesB - bytesA. */
  delta: number
  status: 'onlyA' | 'onlyB' | 'changed'
  /** Can drill further (a directory with differing children). */
  hasChildren: boolean
  /** Entry kind (the B side's when both exist). */
  kind?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'
  /** Sum of |size B - size A| over the differing entries below: what ranks the rows. */
  churn?: number
  /** Differing non-directory entries below (added + removed + changed + metadata + moved). */
  differing?: number
  /** A moved file's row: the path it moved to (status onlyA) or came from (onlyB). */
  moved?: string
  /** Files below whose content changed at the same size, metadata-only changes, moves. */
  sameSize?: number
  metadata?: number
  movedFiles?: number
}

export interface Comparison {
  a: ComparedSide
  b: ComparedSide
  /** Same diff ID at the same position from the bottom (a common base). */
  sharedLayers: LayerRef[]
  onlyA: LayerRef[]
  onlyB: LayerRef[]
  delta: {
    /** b.image.size - a.image.size. */
    bytes: number
    /** a.image.size / b.image.size ("B is 4.9x smaller" when > 1). */
    ratio: number
    files: number
    layers: number
    wastedBytes: number
    efficiency: number
    /**
     * Which sizes `bytes` and `ratio` compare: 'engine' = both inspect .Size (as `docker images`);
     * 'content' = sums of layer content bytes (used when one side is an archive, so both
     * figures measure the same thing).
     */
    basis?: 'engine' | 'content'
    /** Final filesystem bytes B - A. */
    finalBytes?: number
    /** Download size B - A (layer blobs + config, as registries count it), when both sides know theirs. */
    downloadBytes?: number
  }
  /**
   * Final filesystems diffed: in B but not A, in A but not B, in both with other content
   * (digest), kind or link target; metadata = same content, other mode/uid/gid; moved = the
   * same content at another path (not counted as added or removed).
   */
  files: { added: FileDeltaCount; removed: FileDeltaCount; changed: FileDeltaCount; metadata?: FileDeltaCount; moved?: MovedFiles }
  /** Biggest directories making up the difference, rolled up, largest |delta| first. */
  contributors: Contributor[]
  /** Plain sentence: "multi is 4.9x smaller: -852 MB; the biggest parts: /usr/lib -400 MB, ...". */
  sentence: string
  /** Notes a person should know (same image twice, different platforms...). */
  notes: string[]
  /** Short names for the two sides as used in the sentence ("single", "multi"). */
  labels?: { a: string; b: string }
  /** Milliseconds spent opening both sides and diffing. */
  elapsedMs?: number
}

export interface DiffTreemapNode {
  name: string
  path: string
  /** max(bytesA, bytesB) sizes the rectangle. */
  bytes: number
  bytesA: number
  bytesB: number
  status: 'onlyA' | 'onlyB' | 'changed' | 'aggregate'
  count?: number
  /** A moved file: the path it moved to (onlyA) or came from (onlyB). */
  moved?: string
  children?: DiffTreemapNode[]
}
