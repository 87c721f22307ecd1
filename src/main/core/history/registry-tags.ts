// A registry repository's tags measured from manifests and configs only: download size (layer
// blobs + config, as the manifest lists them), diff IDs, created time. No layer is fetched.
import type { JobProgress } from '../../../shared/models/analysis'
import type { HistoryOrder } from '../../../shared/models/history'
import { LayerscopeError } from '../errors'
import { formatReference, mapBounded, withTag, type ImageReference, type RegistryClient } from '../registry'
import { orderTags } from './series-order'
import type { MeasuredTag } from './tag-series'
import { registryImageSource } from './tag-source'

/** Manifests + configs in flight at once: small requests, latency-bound. */
export const TAG_CONCURRENCY = 6

export interface MeasureOptions {
  order: HistoryOrder
  last?: number
  platform?: string
  signal?: AbortSignal
  onProgress?: (p: Omit<JobProgress, 'jobId'>) => void
}

export async function measureRegistryTags(
  client: RegistryClient,
  repo: ImageReference,
  opts: MeasureOptions
): Promise<{ measured: MeasuredTag[]; skipped: Array<{ tag: string; reason: string }> }> {
  let tags = await client.listTags(repo, { signal: opts.signal })
  const skipped: Array<{ tag: string; reason: string }> = []
  if (tags.length === 0) throw new LayerscopeError('IMAGE_NOT_FOUND', `registry://${formatReference(repo)} has no tags.`)
  // Versions order without a config: only the last N need reading.
  if (opts.order === 'semver' && opts.last !== undefined) {
    const { ordered, skipped: notVersions } = orderTags(
      tags.map((tag) => ({ tag })),
      'semver'
    )
    skipped.push(...notVersions)
    const cut = ordered.slice(0, Math.max(0, ordered.length - opts.last))
    for (const t of cut) skipped.push({ tag: t.tag, reason: `older than the last ${opts.last}` })
    tags = ordered.slice(cut.length).map((t) => t.tag)
  }
  let done = 0
  const measured = await mapBounded(
    tags,
    TAG_CONCURRENCY,
    async (tag, _i, signal) => {
      const ref = withTag(repo, tag)
      const img = await client.resolve(ref, { platform: opts.platform, signal })
      done++
      opts.onProgress?.({ phase: 'read', bytesDone: 0, message: `Read the manifests and configs of ${done} of ${tags.length} tags` })
      const created = typeof img.config.json.created === 'string' ? img.config.json.created : undefined
      const m: MeasuredTag = {
        tag,
        ref: `registry://${formatReference(ref)}`,
        source: registryImageSource(formatReference(ref)),
        digest: img.manifestDigest,
        downloadBytes: img.downloadBytes,
        diffIds: img.diffIds,
        layerBytes: img.manifest.layers.map((l) => l.size)
      }
      if (created) m.created = created
      return m
    },
    opts.signal
  )
  return { measured, skipped }
}
