// The size report as data: one pure function of the shared models (ImageAnalysis, Comparison,
// DockerfileAnalysis) so SVG, PNG, Markdown and JSON all show the same numbers.
import type { BaseAlternatives, ImageAnalysis, WastePath, WasteReason } from '../../../shared/models/analysis'
import type { Comparison } from '../../../shared/models/compare'
import type { Advice, DockerfileAnalysis, StageGraph } from '../../../shared/models/dockerfile'
import { formatRatio } from '../../../shared/format'
import { imageName, imagePlatform } from '../../../shared/image-source'
import { splitByBytes } from '../compare/contributors'

export const REPORT_SCHEMA = 'layerscope-report/1'

/** Bytes of one directory of the final filesystem (rolled up), for "biggest directories". */
export interface DirSize {
  path: string
  bytes: number
  files: number
}

export interface ReportInput {
  a: ImageAnalysis
  /** Side B of a comparison (then `comparison` is required). */
  b?: ImageAnalysis
  comparison?: Comparison
  /** Biggest directories of A's final filesystem (single-image reports). */
  directories?: DirSize[]
  dockerfile?: DockerfileAnalysis
  /** "Layerscope 0.1.0". */
  generator?: string
}

export interface ReportImage {
  /** "A" / "B" in a comparison, "" for a single image. */
  label: string
  name: string
  id: string
  /** Bytes as `docker images` shows them (engine) or the layer content sum (archives). */
  size: number
  sizeKind: 'engine' | 'content'
  compressedSize?: number
  /** Download size (layer blobs + config, as registries count it), when the source knows it. */
  downloadSize?: number
  layerBytes: number
  finalBytes: number
  files: number
  layers: number
  baseLayers: number
  baseRef?: string
  platform?: string
  created?: string
  wastedBytes: number
  efficiency: number
}

export type LayerKind = 'base' | 'own' | 'shared' | 'onlyA' | 'onlyB' | 'more'

export interface ReportLayerRow {
  /** "#3", "A#3 B#3", or "+12" for the aggregated rest. */
  label: string
  kind: LayerKind
  bytes: number
  createdBy: string
}

export interface ReportDirRow {
  path: string
  bytes: number
  /** Share of the final filesystem (single image). */
  share?: number
  /** Comparison contributors. */
  bytesA?: number
  bytesB?: number
  delta?: number
  status?: 'onlyA' | 'onlyB' | 'changed'
}

export interface ReportWaste {
  label: string
  name: string
  bytes: number
  efficiency: number
  pathCount: number
  dive: { score: number; wastedBytes: number; userWastedPercent: number }
  top: (WastePath & { why: string })[]
}

export interface ReportComparison {
  /** B - A on the basis below. */
  deltaBytes: number
  /** A / B on the basis below. */
  ratio: number
  /** engine: sizes as `docker images` shows them; content: layer content bytes (an archive side). */
  basis: 'engine' | 'content'
  /** "B is 4.9x smaller than A" in plain words, with names. */
  headline: string
  /** The same with "A" and "B" for names ("B is 4.9x smaller than A"). */
  headlineAB: string
  sentence: string
  sharedLayers: number
  sharedBytes: number
  files: Comparison['files']
  /** Download size B - A (layer blobs + config), when both sides know theirs. */
  downloadDelta?: number
}

/** Single-image reports without a Dockerfile: the top savings candidates, measured in the image. */
export interface ReportSavings {
  /** Everything the analysis found (all candidates), content bytes. */
  bytes: number
  /** Estimate of the content bytes after every fix. */
  afterBytes: number
  /** How many candidates there are in all (top shows the largest few). */
  count: number
  top: Array<{ id: string; title: string; fix: string; bytes: number; files: number; layers: number[] }>
  /** A registry base's slimmer sibling tags, download sizes measured from their manifests. */
  baseAlternatives?: BaseAlternatives
}

export interface ReportModel {
  schema: typeof REPORT_SCHEMA
  kind: 'image' | 'compare'
  title: string
  generator: string
  images: ReportImage[]
  comparison?: ReportComparison
  layers: ReportLayerRow[]
  /** Biggest directories (single) or the paths making the difference (compare). */
  directories: ReportDirRow[]
  waste: ReportWaste[]
  advice: Advice[]
  /** Where advice would go when no Dockerfile was given (single-image reports only). */
  savings?: ReportSavings
  stageGraph?: StageGraph
  dockerfilePath?: string
  /** Short distinguishing names of A and B ("single", "multi"), from the compare core. */
  labels?: { a: string; b: string }
  notes: string[]
}

/** Most rows a chart shows; the rest is folded into one "+N smaller layers" row. */
export const MAX_LAYER_ROWS = 12
export const MAX_DIR_ROWS = 8
export const MAX_WASTE_ROWS = 5
export const MAX_ADVICE_ROWS = 5
export const MAX_SAVINGS_ROWS = 3

function reportSavings(a: ImageAnalysis): ReportSavings | undefined {
  const s = a.savings
  if (!s || s.candidates.length === 0) return undefined
  return {
    bytes: s.bytes,
    afterBytes: s.afterBytes,
    count: s.candidates.length,
    top: s.candidates.slice(0, MAX_SAVINGS_ROWS).map((c) => ({ id: c.id, title: c.title, fix: c.fix, bytes: c.bytes, files: c.files, layers: c.layers.map((l) => l.layerIndex) })),
    ...(s.baseAlternatives ? { baseAlternatives: s.baseAlternatives } : {})
  }
}

export { imageName }

function reportImage(a: ImageAnalysis, label: string): ReportImage {
  const platform = a.image.os ? imagePlatform(a.image) : undefined
  return {
    label,
    name: imageName(a),
    id: a.image.id,
    size: a.image.size,
    sizeKind: a.image.sizeKind,
    ...(a.image.compressedSize !== undefined ? { compressedSize: a.image.compressedSize } : {}),
    ...(a.image.downloadSize !== undefined ? { downloadSize: a.image.downloadSize } : {}),
    layerBytes: a.layerBytes,
    finalBytes: a.final.bytes,
    files: a.final.files,
    layers: a.layers.length,
    baseLayers: a.layers.filter((l) => l.isBase).length,
    ...(a.base ? { baseRef: a.base.ref } : {}),
    ...(platform ? { platform } : {}),
    ...(a.image.created ? { created: a.image.created } : {}),
    wastedBytes: a.waste.bytes,
    efficiency: a.waste.efficiency
  }
}

/** Keeps the largest rows in their original order and folds the rest into one row. */
export function foldRows(rows: ReportLayerRow[], max = MAX_LAYER_ROWS): ReportLayerRow[] {
  if (rows.length <= max) return rows
  const keep = new Set(
    rows
      .map((r, i) => ({ r, i }))
      .sort((x, y) => y.r.bytes - x.r.bytes || x.i - y.i)
      .slice(0, max - 1)
      .map((x) => x.i)
  )
  const rest = rows.filter((_, i) => !keep.has(i))
  return [
    ...rows.filter((_, i) => keep.has(i)),
    {
      label: `+${rest.length}`,
      kind: 'more',
      bytes: rest.reduce((s, r) => s + r.bytes, 0),
      createdBy: `${rest.length} smaller layers`
    }
  ]
}

function singleLayers(a: ImageAnalysis): ReportLayerRow[] {
  return a.layers.map((l) => ({
    label: `#${l.index}`,
    kind: l.isBase ? 'base' : 'own',
    bytes: l.contentBytes,
    createdBy: l.createdBy
  }))
}

function compareLayers(c: Comparison): ReportLayerRow[] {
  const rows: ReportLayerRow[] = []
  for (const l of c.sharedLayers) rows.push({ label: `#${l.indexA ?? l.indexB ?? 0}`, kind: 'shared', bytes: l.contentBytes, createdBy: l.createdBy })
  for (const l of c.onlyA) rows.push({ label: `A#${l.indexA ?? 0}`, kind: 'onlyA', bytes: l.contentBytes, createdBy: l.createdBy })
  for (const l of c.onlyB) rows.push({ label: `B#${l.indexB ?? 0}`, kind: 'onlyB', bytes: l.contentBytes, createdBy: l.createdBy })
  return rows
}

/** Why a path counts as waste, in words: "deleted by layer #5". */
export function wasteWhy(p: Pick<WastePath, 'reason' | 'byLayerIndex'>): string {
  const verb: Record<WasteReason, string> = {
    deleted: 'deleted',
    overwritten: 'overwritten',
    'metadata-only': 'chmod/chown copy'
  }
  return `${verb[p.reason]} in #${p.byLayerIndex}`
}

function reportWaste(a: ImageAnalysis, label: string): ReportWaste {
  return {
    label,
    name: imageName(a),
    bytes: a.waste.bytes,
    efficiency: a.waste.efficiency,
    pathCount: a.waste.pathCount,
    dive: a.waste.dive,
    top: [...a.waste.paths]
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, MAX_WASTE_ROWS)
      .map((p) => ({ ...p, why: wasteWhy(p) }))
  }
}

/** "multi is 4.9x smaller than single" / "... bigger" / "the same size as". */
export function ratioHeadline(aName: string, bName: string, aSize: number, bSize: number): string {
  if (aSize === bSize) return `${bName} is the same size as ${aName}`
  if (bSize === 0 || aSize === 0) return `${bName} is ${bSize < aSize ? 'smaller' : 'bigger'} than ${aName}`
  return bSize < aSize
    ? `${bName} is ${formatRatio(aSize / bSize)} smaller than ${aName}`
    : `${bName} is ${formatRatio(bSize / aSize)} bigger than ${aName}`
}

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const

export function topAdvice(advice: Advice[], max = MAX_ADVICE_ROWS): Advice[] {
  return [...advice]
    .sort((x, y) => (y.bytes ?? 0) - (x.bytes ?? 0) || SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity])
    .slice(0, max)
}

export function buildReportModel(input: ReportInput): ReportModel {
  const generator = input.generator ?? 'Layerscope'
  const df = input.dockerfile
  const common = {
    schema: REPORT_SCHEMA,
    generator,
    advice: df ? topAdvice(df.advice) : [],
    ...(df && df.graph.nodes.length > 0 ? { stageGraph: df.graph } : {}),
    ...(df ? { dockerfilePath: df.path } : {})
  } as const

  if (!input.b) {
    const img = reportImage(input.a, '')
    const total = input.a.final.bytes
    const savings = df ? undefined : reportSavings(input.a)
    return {
      ...common,
      ...(savings ? { savings } : {}),
      kind: 'image',
      title: img.name,
      images: [img],
      layers: foldRows(singleLayers(input.a)),
      directories: (input.directories ?? [])
        .slice()
        .sort((x, y) => y.bytes - x.bytes)
        .slice(0, MAX_DIR_ROWS)
        .map((d) => ({ path: d.path, bytes: d.bytes, share: total > 0 ? d.bytes / total : 0 })),
      waste: [reportWaste(input.a, '')],
      notes: []
    }
  }

  const c = input.comparison
  if (!c) throw new Error('buildReportModel: a comparison report needs the Comparison of A and B')
  const a = reportImage(input.a, 'A')
  const b = reportImage(input.b, 'B')
  const contentBasis = c.delta.basis === 'content' || (c.delta.basis === undefined && (a.sizeKind !== 'engine' || b.sizeKind !== 'engine'))
  const sizeA = contentBasis ? a.layerBytes : a.size
  const sizeB = contentBasis ? b.layerBytes : b.size
  return {
    ...common,
    kind: 'compare',
    title: `${a.name} → ${b.name}`,
    images: [a, b],
    comparison: {
      // The compare core picks the basis (engine sizes, or content bytes when one side is an archive).
      deltaBytes: c.delta.bytes,
      ratio: c.delta.ratio,
      basis: c.delta.basis ?? (a.sizeKind === 'engine' && b.sizeKind === 'engine' ? 'engine' : 'content'),
      headline: ratioHeadline(a.name, b.name, sizeA, sizeB),
      headlineAB: ratioHeadline('A', 'B', sizeA, sizeB),
      sentence: c.sentence,
      sharedLayers: c.sharedLayers.length,
      sharedBytes: c.sharedLayers.reduce((s, l) => s + l.contentBytes, 0),
      files: c.files,
      ...(c.delta.downloadBytes !== undefined ? { downloadDelta: c.delta.downloadBytes } : {})
    },
    layers: foldRows(compareLayers(c)),
    directories: splitByBytes(c.contributors).withBytes.slice(0, MAX_DIR_ROWS).map((k) => ({
      path: k.path,
      bytes: Math.max(k.bytesA, k.bytesB),
      bytesA: k.bytesA,
      bytesB: k.bytesB,
      delta: k.delta,
      status: k.status
    })),
    waste: [reportWaste(input.a, 'A'), reportWaste(input.b, 'B')],
    ...(c.labels ? { labels: c.labels } : {}),
    notes: c.notes
  }
}
