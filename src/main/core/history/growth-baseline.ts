// `ci --max-growth-since-tags N`: the baseline is the median of the repository's last N tags
// (by created time), other than the image itself. The median is taken as a real tag (the
// lower median for an even N), so the growth rules and the cause compare two real images.
import type { ImageSource } from '../../../shared/models/analysis'
import type { HistoryTag } from '../../../shared/models/history'
import { formatCount } from '../../../shared/format'
import { repositoryOf } from '../../../shared/reference-parts'
import { LayerscopeError } from '../errors'
import { formatReference, isRegistrySource, parseRegistrySource } from '../registry'
import type { HistoryService, StepComparer } from './history-service'
import { jumpLine } from './jump-cause'

export interface MedianBaseline {
  repository: string
  /** The tags the median is taken over, oldest first. */
  tags: HistoryTag[]
  median: HistoryTag
  /** The size compared: unpacked (engine) or download (registry). */
  medianBytes: number
}

/** The repository an image argument belongs to, and its tag ("myapp:1.4" -> myapp, 1.4). */
export function growthRepository(image: string): { repository: string; tag?: string } {
  if (isRegistrySource(image)) {
    const ref = parseRegistrySource(image)
    return { repository: `registry://${formatReference({ ...ref, tag: undefined, digest: undefined })}`, ...(ref.tag ? { tag: ref.tag } : {}) }
  }
  const named = repositoryOf(image)
  if (named.repository && named.tag !== undefined) return named
  throw new LayerscopeError('INVALID_INPUT', `--max-growth-since-tags needs the image as REPO:TAG (got "${image}"): the median is taken over the other tags of REPO.`)
}

const sizeOf = (t: HistoryTag): number => t.unpackedBytes ?? t.downloadBytes ?? 0

export function medianTag(tags: readonly HistoryTag[]): HistoryTag {
  const sorted = [...tags].sort((a, b) => sizeOf(a) - sizeOf(b))
  return sorted[(sorted.length - 1) >> 1]!
}

export async function medianBaseline(history: HistoryService, image: string, n: number, imageDigest: string | undefined, signal?: AbortSignal): Promise<MedianBaseline> {
  const { repository, tag } = growthRepository(image)
  const series = await history.series({ repository }, { signal })
  // The image itself (by tag or by ID) is what is measured, not part of its own baseline.
  const others = series.tags.filter((t) => t.tag !== tag && t.digest !== imageDigest)
  if (others.length === 0) throw new LayerscopeError('IMAGE_NOT_FOUND', `${repository} has no other tag to measure growth against (${formatCount(series.tags.length, 'tag')}, all this image).`)
  const tags = others.slice(-n)
  const median = medianTag(tags)
  return { repository, tags, median, medianBytes: sizeOf(median) }
}

/** The cause line of the image against the median tag, from the compare's contributors. */
export async function growthCause(compare: StepComparer, baseline: MedianBaseline, label: string, image: ImageSource, signal?: AbortSignal): Promise<{ line: string; bytes: number }> {
  const c = await compare.open(baseline.median.source, image, { signal })
  return { line: jumpLine(label, c.delta.bytes, c.contributors, false), bytes: c.delta.bytes }
}
