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
  count: number
  bytes: number
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
  }
  /** Final filesystems diffed: in B but not A, in A but not B, in both but different. */
  files: { added: FileDeltaCount; removed: FileDeltaCount; changed: FileDeltaCount }
  /** Biggest directories making up the difference, rolled up, largest |delta| first. */
  contributors: Contributor[]
  /** Plain sentence: "multi is 4.9x smaller: -852 MB; the biggest parts: /usr/lib -400 MB, ...". */
  sentence: string
  /** Notes a person should know (same image twice, different platforms...). */
  notes: string[]
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
  children?: DiffTreemapNode[]
}
