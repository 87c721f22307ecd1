// Compares two images (engine or archive, either side): opens both through the analysis
// service (which analyses shared layers once and never re-exports a cached side), aligns their
// layers, diffs their final filesystems and keeps the diff for drill-down queries.
import type { AnalyzeOptions, ImageAnalysis, ImageSource, JobProgress } from '../../../shared/models/analysis'
import type { Comparison, ComparedSide, Contributor, DiffTreemapNode } from '../../../shared/models/compare'
import type { AnalyzedImage } from '../analysis/analyzed-image'
import { LayerscopeError, isCancelled, throwIfCancelled } from '../errors'
import { Lru } from '../model/lru'
import { alignLayers } from './layer-alignment'
import { diffFilesystems, type FsDiff } from './fs-diff'
import { contentFacts } from './content-facts'
import { contributorsAt } from './contributors'
import { diffTreemap } from './diff-treemap'
import { compareSentence, sideLabels } from './sentence'
import { imagePlatform, sourceName } from '../../../shared/image-source'

/** What compare reads of an analysed image. */
export type ComparableImage = Pick<AnalyzedImage, 'analysis' | 'finalEntries'>

/** What compare needs of the analysis service (AnalysisService fits; tests hand in fakes). */
export interface ImageOpener {
  open(
    source: ImageSource,
    options?: AnalyzeOptions & { signal?: AbortSignal; onProgress?: (p: Omit<JobProgress, 'jobId'>) => void }
  ): Promise<ComparableImage>
  get(key: string): ComparableImage
  /** Waits for layer-cache writes still running after an open answered. */
  flush?(): Promise<void>
}

export interface CompareOptions extends AnalyzeOptions {
  signal?: AbortSignal
  onProgress?: (p: Omit<JobProgress, 'jobId'> & { side: 'a' | 'b' }) => void
}

/** How many diffs stay in memory for drill-down (each holds one node per path of both images). */
const KEEP_DIFFS = 3
/** Summary rows in the comparison itself; drill-down asks for more. */
const SUMMARY_CONTRIBUTORS = 12

export function describeSource(source: ImageSource): string {
  return sourceName(source)
}

export class CompareService {
  private readonly diffs = new Lru<string, FsDiff>(KEEP_DIFFS)

  constructor(private readonly images: () => ImageOpener) {}

  /** The sides arrive checked: compare:open's schema refuses a missing or empty side, naming it. */
  async open(a: ImageSource, b: ImageSource, opts: CompareOptions = {}): Promise<Comparison> {
    const started = Date.now()
    // One side after the other: the second finds the shared base in the cache the first wrote.
    const imgA = await this.openSide(a, 'a', opts)
    // A's layers reach the cache after A's answer; B must find them there, or the shared
    // base would be analysed twice and a side known already would be exported again.
    await this.images().flush?.()
    const imgB = await this.openSide(b, 'b', opts)
    throwIfCancelled(opts.signal)
    opts.onProgress?.({ side: 'b', phase: 'diff', bytesDone: 0, message: 'Comparing the final filesystems' })
    const alignment = alignLayers(imgA.analysis.layers, imgB.analysis.layers)
    const diff = diffFilesystems(imgA.finalEntries(), imgB.finalEntries(), {
      sharedLayers: alignment.sharedLayers.length,
      signal: opts.signal
    })
    this.remember(imgA.analysis.key, imgB.analysis.key, diff)
    const comparison = buildComparison(imgA, imgB, alignment, diff)
    comparison.elapsedMs = Date.now() - started
    return comparison
  }

  /** The comparison of two open images from the kept diff: reports ask here instead of diffing again. */
  comparison(aKey: string, bKey: string, signal?: AbortSignal): Comparison {
    const diff = this.diffFor(aKey, bKey, signal)
    const a = this.images().get(aKey)
    const b = this.images().get(bKey)
    return buildComparison(a, b, alignLayers(a.analysis.layers, b.analysis.layers), diff)
  }

  contributors(aKey: string, bKey: string, path: string, limit?: number): Contributor[] {
    return contributorsAt(this.diffFor(aKey, bKey).root, path, { limit })
  }

  treemap(aKey: string, bKey: string, path: string, depth?: number, maxNodes?: number): DiffTreemapNode {
    return diffTreemap(this.diffFor(aKey, bKey).root, path, { depth, maxNodes })
  }

  private async openSide(source: ImageSource, side: 'a' | 'b', opts: CompareOptions): Promise<ComparableImage> {
    try {
      return await this.images().open(source, {
        noCache: opts.noCache,
        platform: opts.platform,
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.({ ...p, side })
      })
    } catch (e) {
      if (isCancelled(e)) throw new LayerscopeError('CANCELLED', 'Cancelled.')
      const where = describeSource(source)
      const name = `${side.toUpperCase()} (${where})`
      if (e instanceof LayerscopeError) {
        // The message often names the image already; then "Side B:" is enough.
        const prefix = e.message.includes(where) ? `Side ${side.toUpperCase()}` : `Side ${name}`
        throw new LayerscopeError(e.code, `${prefix}: ${e.message}`, { ...e.detail, side })
      }
      throw new LayerscopeError('INTERNAL', `Side ${name}: unexpected error: ${e instanceof Error ? e.message : String(e)}`, { side })
    }
  }

  private remember(aKey: string, bKey: string, diff: FsDiff): void {
    this.diffs.set(`${aKey}\n${bKey}`, diff)
  }

  /** The diff of two open images: kept from compare:open, or rebuilt from the open analyses. */
  private diffFor(aKey: string, bKey: string, signal?: AbortSignal): FsDiff {
    const k = `${aKey}\n${bKey}`
    const kept = this.diffs.get(k)
    if (kept) return kept
    const a = this.images().get(aKey)
    const b = this.images().get(bKey)
    const shared = alignLayers(a.analysis.layers, b.analysis.layers).sharedLayers.length
    const diff = diffFilesystems(a.finalEntries(), b.finalEntries(), { sharedLayers: shared, signal })
    this.remember(aKey, bKey, diff)
    return diff
  }
}

/** One side of a comparison: the analysis figures a comparison carries. */
export function comparedSide(x: ImageAnalysis): ComparedSide {
  return {
    key: x.key,
    source: x.source,
    image: x.image,
    layers: x.layers,
    final: { bytes: x.final.bytes, files: x.final.files },
    waste: { bytes: x.waste.bytes, efficiency: x.waste.efficiency }
  }
}

function platformOf(i: ComparedSide['image']): string {
  return imagePlatform({ os: i.os ?? '?', arch: i.arch ?? '?', variant: i.variant })
}

export function buildComparison(
  imgA: ComparableImage,
  imgB: ComparableImage,
  alignment: ReturnType<typeof alignLayers>,
  diff: FsDiff
): Comparison {
  const a = comparedSide(imgA.analysis)
  const b = comparedSide(imgB.analysis)
  const notes: string[] = []
  const sameImage = a.image.id === b.image.id
  if (sameImage) notes.push(`Both sides are the same image (${a.image.id}): every layer is shared and nothing differs.`)
  if ((a.image.os || a.image.arch) && (b.image.os || b.image.arch) && platformOf(a.image) !== platformOf(b.image)) {
    notes.push(
      `A is ${platformOf(a.image)} and B is ${platformOf(b.image)}: their binaries differ by platform, so some of the difference comes from the CPU architecture, not the build.`
    )
  }
  // Like for like: the engine's .Size only when both sides have one; else layer content bytes.
  const basis: 'engine' | 'content' = a.image.sizeKind === 'engine' && b.image.sizeKind === 'engine' ? 'engine' : 'content'
  const sizeA = basis === 'engine' ? a.image.size : imgA.analysis.layerBytes
  const sizeB = basis === 'engine' ? b.image.size : imgB.analysis.layerBytes
  if (a.image.sizeKind !== b.image.sizeKind) {
    notes.push(
      `One side is ${[a, b].some((x) => x.source.kind === 'registry') ? 'a registry image' : 'an archive'}, whose size is the sum of its layers' content bytes; the other's engine size (as docker images shows it) is measured differently, so the delta compares layer content bytes on both sides.`
    )
  }
  const labels = sideLabels(a, b)
  const contributors = contributorsAt(diff.root, '/', { limit: SUMMARY_CONTRIBUTORS })
  const differing = diff.files.added.count + diff.files.removed.count + diff.files.changed.count + diff.files.metadata.count + diff.files.moved.count
  const content = contentFacts(diff)
  const delta = sizeB - sizeA
  return {
    a,
    b,
    sharedLayers: alignment.sharedLayers,
    onlyA: alignment.onlyA,
    onlyB: alignment.onlyB,
    delta: {
      bytes: delta,
      ratio: sizeB > 0 ? sizeA / sizeB : sizeA === 0 ? 1 : 0,
      files: b.final.files - a.final.files,
      layers: b.layers.length - a.layers.length,
      wastedBytes: b.waste.bytes - a.waste.bytes,
      efficiency: b.waste.efficiency - a.waste.efficiency,
      basis,
      finalBytes: b.final.bytes - a.final.bytes,
      ...(a.image.downloadSize !== undefined && b.image.downloadSize !== undefined ? { downloadBytes: b.image.downloadSize - a.image.downloadSize } : {})
    },
    files: diff.files,
    contributors,
    sentence: compareSentence({ labels, sizeA, sizeB, sameImage, imageId: a.image.id, contributors, differingEntries: differing, churn: diff.root.churn, ...content }),
    notes,
    labels
  }
}
