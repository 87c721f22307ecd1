// Size over time for one repository: the series (manifests + configs, or inspect; no layer
// read) and its biggest jumps explained by content compares of their two tags (layers read
// only for those steps, through the shared layer cache, so a layer two steps share is read once).
import type { JobProgress } from '../../../shared/models/analysis'
import type { Comparison } from '../../../shared/models/compare'
import type { HistoryJump, HistoryJumps, HistoryOrder, HistoryStep, TagSeries } from '../../../shared/models/history'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, throwIfCancelled } from '../errors'
import { Lru } from '../model/lru'
import { formatReference, isRegistrySource, parseRegistrySource, type RegistryClient, type RequestRecord } from '../registry'
import { measureEngineTags } from './engine-tags'
import { jumpLine } from './jump-cause'
import { measureRegistryTags } from './registry-tags'
import { rankSteps, seriesSteps } from './steps'
import { buildSeries } from './tag-series'

export interface SeriesRequest {
  /** `registry://HOST/REPO` or an engine repository name. */
  repository: string
  order?: HistoryOrder
  last?: number
  platform?: string
}

export interface JumpsRequest extends SeriesRequest {
  /** How many of the biggest steps to explain (each is a compare). Default 3. */
  limit?: number
}

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (p: Omit<JobProgress, 'jobId'>) => void
}

/** What history needs of the compare service (CompareService fits). */
export interface StepComparer {
  open(a: HistoryStep['a'], b: HistoryStep['b'], opts?: RunOptions): Promise<Comparison>
}

export interface HistoryDeps {
  engine: () => EngineClient
  compare: () => StepComparer
  /** The process's one registry client (its settings and logins apply here too). */
  registry: () => RegistryClient
}

export const DEFAULT_JUMPS = 3

export class HistoryService {
  private readonly kept = new Lru<string, TagSeries>(4)

  constructor(private readonly deps: HistoryDeps) {}

  async series(req: SeriesRequest, opts: RunOptions = {}): Promise<TagSeries> {
    const order = req.order ?? 'created'
    let series: TagSeries
    if (isRegistrySource(req.repository)) {
      const repo = parseRegistrySource(req.repository)
      if (repo.digest || req.repository.slice(req.repository.lastIndexOf('/') + 1).includes(':')) {
        throw new LayerscopeError('INVALID_INPUT', `"${req.repository}" names an image; history reads a repository: write registry://${formatReference({ ...repo, tag: undefined, digest: undefined })}.`)
      }
      const requests = { tags: 0, manifests: 0, blobs: 0, inspects: 0 }
      const tally = (r: RequestRecord): void => {
        if (r.kind === 'tags') requests.tags++
        else if (r.kind === 'manifest') requests.manifests++
        else if (r.kind === 'blob') requests.blobs++
      }
      // The shared client tells this tally only about the requests this series makes.
      const client = this.deps.registry()
      const { measured, skipped } = await client.observeRequests(tally, () => measureRegistryTags(client, repo, { order, last: req.last, platform: req.platform, ...opts }))
      series = buildSeries(measured, { repository: `registry://${formatReference(repo)}`, kind: 'registry', order, last: req.last, requests, skipped })
    } else {
      const { measured, inspects } = await measureEngineTags(this.deps.engine(), req.repository, { order, last: req.last, ...opts })
      series = buildSeries(measured, { repository: req.repository.trim(), kind: 'engine', order, last: req.last, requests: { tags: 1, manifests: 0, blobs: 0, inspects } })
    }
    this.kept.set(seriesKey(req), series)
    return series
  }

  /** The biggest steps of the series, each explained by a compare of its two tags. */
  async jumps(req: JumpsRequest, opts: RunOptions = {}): Promise<HistoryJumps> {
    const series = this.kept.get(seriesKey(req)) ?? (await this.series(req, opts))
    const steps = rankSteps(seriesSteps(series))
    const limit = req.limit ?? DEFAULT_JUMPS
    const jumps: HistoryJump[] = []
    const unpacked: Record<string, number> = {}
    // One compare after the other: the next finds the layers the last one cached.
    for (const step of steps.slice(0, limit)) {
      throwIfCancelled(opts.signal)
      opts.onProgress?.({ phase: 'diff', bytesDone: 0, message: `Comparing ${step.from} and ${step.to}` })
      const c = await this.deps.compare().open(step.a, step.b, opts)
      // A registry tag's unpacked size is known once it was analysed (content bytes).
      if (series.kind === 'registry') {
        if (c.a.image.sizeKind === 'content') unpacked[step.from] = c.a.image.size
        if (c.b.image.sizeKind === 'content') unpacked[step.to] = c.b.image.size
      }
      jumps.push({
        ...step,
        compareBytes: c.delta.bytes,
        compareBasis: c.delta.basis ?? 'engine',
        contributors: c.contributors,
        line: jumpLine(step.to, step.bytes, c.contributors, step.baseChanged),
        sentence: c.sentence,
        aKey: c.a.key,
        bKey: c.b.key
      })
    }
    for (const t of series.tags) if (unpacked[t.tag] !== undefined) t.unpackedBytes = unpacked[t.tag]
    return { repository: series.repository, jumps, steps, unpacked }
  }

  /** Closes the registry client's kept-alive connections (the CLI, to exit); it still works afterwards. */
  close(): void {
    this.deps.registry().close()
  }
}

function seriesKey(r: SeriesRequest): string {
  return JSON.stringify([r.repository.trim(), r.order ?? 'created', r.last ?? null, r.platform ?? null])
}
