// Opens an image from any LayerSource (engine, archive, registry): identity and config
// first, then only the layers the cache does not know, each through the one layer pipeline;
// keeps a few analysed images in memory by key.
import type { AnalyzeOptions, BaseAlternatives, ImageAnalysis, ImageSource, JobProgress } from '../../../shared/models/analysis'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, throwIfCancelled } from '../errors'
import type { exportImage } from '../archive/engine-export'
import type { ImageConfig } from '../archive/image-reader'
import { LayerCache, type CachedImage } from '../cache/layer-cache'
import { AnalyzedImage, type ImageModel } from './analyzed-image'
import { KnownLayers, type BaseResult } from '../sources/engine-base'
import { buildPreview, joinEngineHistory } from './image-preview'
import { OpenEvents } from './open-events'
import { RunningLayers, type RunningLayerTree } from './running-layers'
import { buildImage, type ModelLayer } from './image-model'
import { Lru } from '../model/lru'
import { PathTable } from '../model/path-table'
import { SAVINGS_VERSION } from './savings'
import { Refs, stackLayers } from './stack'
import { makeSource, type SourceDeps } from '../sources'
import type { DescribedImage, EngineHistoryEntry, LayerSource, ReadImageResult } from '../sources/layer-source'

export interface OpenOptions extends AnalyzeOptions {
  signal?: AbortSignal
  /** The caller's job: while it runs, its read layers' trees answer layerTree(jobId, …). */
  jobId?: string
  onProgress?: (p: Omit<JobProgress, 'jobId'>) => void
}

const MAX_OPEN = 4
/** How long a read waits for a source's peek (a plain tar's takes a few ms). */
const PEEK_WAIT_MS = 250

/**
 * Layers of one open, wherever they came from: a source's read result (cached layers filled
 * in), or the cache alone (format 'cache').
 */
interface GatheredLayers extends Omit<ReadImageResult, 'format' | 'config' | 'layers' | 'skipped'> {
  format: ImageAnalysis['format']
  config: ImageConfig | undefined
  paths: PathTable
  layers: ModelLayer[]
  cached: number
  /** True when at least one layer was read from the source (then layers are written to the cache). */
  fresh: boolean
}

/** What an open knows besides the layers, joined in when the model is built. */
interface OpenContext {
  src: LayerSource
  o: OpenOptions
  started: number
  described: DescribedImage | null
  /** Progress, the early preview and layer-read events of this open. */
  events: OpenEvents
  /** The layers read so far, for trees before the stacking. */
  running: RunningLayers
  historyP?: Promise<EngineHistoryEntry[]>
  baseP?: Promise<BaseResult | undefined>
  alternativesP?: Promise<BaseAlternatives | null>
}

export interface AnalysisServiceOptions extends Omit<SourceDeps, 'engine' | 'onExport' | 'knownLayers'> {
  engine: () => EngineClient
  cacheDir: string
  /** Replaceable so tests can watch every export request. */
  exportImage?: typeof exportImage
}

export class AnalysisService {
  readonly cache: LayerCache
  private open_ = new Lru<string, AnalyzedImage>(MAX_OPEN)
  /** Counts engine exports (the `docker save` stream): tests prove cached re-opens skip it. */
  exports = 0
  /** Other images' layer lists, for base detection across opens. */
  private readonly knownLayers = new KnownLayers()
  /** Opens still running, by the caller's job ID. */
  private readonly running = new Map<string, RunningLayers>()

  constructor(readonly opts: AnalysisServiceOptions) {
    this.cache = new LayerCache(opts.cacheDir)
  }

  async open(source: ImageSource, options: OpenOptions = {}): Promise<AnalyzedImage> {
    throwIfCancelled(options.signal)
    const started = performance.now()
    // A platform on the source (one side of a comparison) wins over the one for the whole request.
    const sidePlatform = typeof source?.platform === 'string' && source.platform.trim() !== '' ? source.platform.trim() : undefined
    const o: OpenOptions = sidePlatform ? { ...options, platform: sidePlatform } : options
    const src = makeSource(source, sidePlatform, o.platform, {
      ...this.opts,
      engine: this.opts.engine,
      onExport: () => this.exports++,
      knownLayers: this.knownLayers
    })
    return this.openFrom(src, o, started)
  }

  /** Opens an image from a LayerSource made by the caller (tests; every source goes the same way). */
  async openFrom(src: LayerSource, o: OpenOptions = {}, started = performance.now()): Promise<AnalyzedImage> {
    const events = new OpenEvents(o.onProgress)
    const running = new RunningLayers(src.label, (d, paths) => this.cache.loadLayer(d, paths))
    const jobId = o.jobId
    if (jobId !== undefined) {
      if (this.running.has(jobId)) throw new LayerscopeError('INVALID_INPUT', `Job ${jobId} is already running: give each job its own jobId.`)
      this.running.set(jobId, running)
    }
    try {
      const img = await this.analyse(src, o, started, events, running)
      this.remember(img)
      return img
    } finally {
      // Nothing of this open is sent after its answer (a late history must not follow it).
      events.close()
      if (jobId !== undefined) this.running.delete(jobId)
    }
  }

  /**
   * One read layer's own tree while job `jobId` still runs (see RunningLayers). NOT_FOUND
   * once the job has ended: the finished image then answers analysis:tree.
   */
  layerTree(jobId: string, layer: number, path = '/', sort: 'size' | 'name' = 'size', offset = 0, limit = 200): RunningLayerTree {
    const r = this.running.get(jobId)
    if (!r) {
      throw new LayerscopeError('NOT_FOUND', `No analysis job ${jobId} is running: it has finished, failed or been cancelled. A finished image's layers open from its own screen.`)
    }
    return r.tree(layer, path, sort, offset, limit)
  }

  /** An image opened earlier in this process; NOT_FOUND when the key is unknown. */
  get(key: string): AnalyzedImage {
    const img = this.open_.get(key)
    if (!img) throw new LayerscopeError('NOT_FOUND', `No analysis ${key} is open; open the image again.`)
    return img
  }

  private remember(img: AnalyzedImage): void {
    this.open_.set(img.analysis.key, img)
  }

  // ---- one open, in the order an image is met: identity, summary, layers, model, cache ----

  private async analyse(src: LayerSource, o: OpenOptions, started: number, events: OpenEvents, running: RunningLayers): Promise<AnalyzedImage> {
    const described = await src.describe(o.signal)
    throwIfCancelled(o.signal)
    const ctx: OpenContext = { src, o, started, described, events, running }
    if (described) {
      const again = this.reopenInMemory(ctx, described)
      if (again) return again
      if (!o.noCache) await this.layerWritesOf(described.layers)
      throwIfCancelled(o.signal)
      const ci = o.noCache ? null : this.cache.loadImage(described.id)
      // Started now so base detection overlaps the summary check and the read.
      ctx.baseP = src.baseImage?.(described, ci?.base)
      ctx.alternativesP = src.baseAlternatives?.(described, o.signal).catch(() => null)
      const summary = await this.fromCachedSummary(ctx, described, ci)
      if (summary) return summary
      ctx.historyP = src.history?.(described)
      this.sendPreview(ctx, described)
      const fromCache = this.fromCachedLayers(ctx, described, ci)
      if (fromCache) return this.finish(ctx, fromCache)
    }
    else await this.peekPreview(ctx)
    return this.finish(ctx, await this.readLayers(ctx))
  }

  /**
   * The layer list and history as soon as the source described them (history answers in
   * milliseconds); sent beside the read, never before it: the export does not wait for it.
   */
  private sendPreview(ctx: OpenContext, d: DescribedImage, cachedSkips = true): void {
    const cached = (diffId: string): boolean => cachedSkips && !ctx.o.noCache && this.cache.hasLayer(diffId)
    ctx.running.setLayers(
      d.layers.map((l) => l.diffId),
      cached
    )
    const history = ctx.historyP ?? Promise.resolve(undefined)
    void history
      .catch(() => undefined)
      .then((h) => ctx.events.preview(buildPreview(d, ctx.src.source, h, cached)))
      .catch(() => undefined)
  }

  /**
   * Sources that know an image only by reading it may still tell what it claims, cheaply (a
   * tar's manifest by seeking over its layers: a few reads). The read waits for that, at most
   * PEEK_WAIT_MS, so the list is out before the first layer is: a slow peek just comes later.
   */
  private async peekPreview(ctx: OpenContext): Promise<void> {
    if (!ctx.src.peek) return
    const peeked = ctx.src
      .peek(ctx.o.signal)
      .then((p) => {
        if (p) this.sendPreview(ctx, p.image, p.skipsCached)
      })
      .catch(() => undefined)
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([peeked, new Promise<void>((r) => (timer = setTimeout(r, PEEK_WAIT_MS)))])
    clearTimeout(timer)
  }

  /** Already analysed in this process: images are immutable, only their tags move. */
  private reopenInMemory(ctx: OpenContext, d: DescribedImage): AnalyzedImage | null {
    const open = ctx.o.noCache ? undefined : this.open_.get(ctx.src.keyOf(d.id))
    if (!open) return null
    open.analysis.image.repoTags = d.repoTags
    open.analysis.elapsedMs = Math.round(performance.now() - ctx.started)
    return open
  }

  /**
   * Fast path: the whole analysis is cached and every layer entry is intact. Layers are read
   * only when a tree or compare needs them; nothing is exported or downloaded.
   */
  private async fromCachedSummary(ctx: OpenContext, d: DescribedImage, ci: CachedImage | null): Promise<AnalyzedImage | null> {
    const stored = ci?.analysis
    const diffIds = d.layers.map((l) => l.diffId)
    // A summary stored before the savings rules (or with other rules) is rebuilt from the cached layers.
    if (
      !ci ||
      !stored ||
      stored.source?.kind !== ctx.src.source.kind ||
      stored.savings?.version !== SAVINGS_VERSION ||
      stored.layers.map((l) => l.diffId).join() !== diffIds.join() ||
      !diffIds.every((dd) => this.cache.verifyLayer(dd))
    ) {
      return null
    }
    ctx.events.progress({ phase: 'cache', bytesDone: 0, bytesTotal: d.engineSize ?? 0 })
    const base = await ctx.baseP
    const image = { ...stored.image, id: d.id, repoTags: d.repoTags }
    if (d.engineSize !== undefined) Object.assign(image, { size: d.engineSize, sizeKind: 'engine' })
    const analysis: ImageAnalysis = {
      ...stored,
      key: ctx.src.keyOf(d.id),
      source: ctx.src.source,
      format: 'cache',
      image,
      layers: stored.layers.map((l) => ({ ...l, isBase: !!base?.base && l.index < base.base.layers })),
      cachedLayers: diffIds.length,
      elapsedMs: 0
    }
    delete analysis.base
    if (base?.base) analysis.base = base.base
    await this.attachAlternatives(ctx, analysis)
    if (base && base.fingerprint !== ci.base?.fingerprint) void this.cache.saveImage({ ...ci, base }).catch(() => undefined)
    const img = new AnalyzedImage(analysis, () => this.loadModel(d.id, diffIds))
    analysis.elapsedMs = Math.round(performance.now() - ctx.started)
    return img
  }

  /** Every layer is in the cache (maybe from other images): nothing is read from the source. */
  private fromCachedLayers(ctx: OpenContext, d: DescribedImage, ci: CachedImage | null): GatheredLayers | null {
    const diffIds = d.layers.map((l) => l.diffId)
    if (ctx.o.noCache || diffIds.length === 0 || !diffIds.every((x) => this.cache.hasLayer(x))) return null
    ctx.events.progress({ phase: 'cache', bytesDone: 0, bytesTotal: d.engineSize ?? 0 })
    const paths = new PathTable()
    const layers = this.loadCached(diffIds, paths)
    if (!layers) return null
    layers.forEach((l, i) => {
      const claimed = d.layers[i]!
      const compressed = claimed.blobBytes ?? ci?.compressed?.[l.diffId]
      if (compressed !== undefined) l.compressedBytes = compressed
      if (claimed.blobDigest) l.blobDigest = claimed.blobDigest
    })
    return {
      format: 'cache',
      id: d.id,
      // The config the source described wins; an engine's inspect has no history, the cached config may.
      config: ci?.config ?? d.config,
      repoTags: d.repoTags,
      paths,
      layers,
      cached: layers.length,
      fresh: false,
      platforms: d.platforms,
      configBytes: d.configBytes
    }
  }

  /** Reads from the source every layer the cache does not have, then fills in the rest. */
  private async readLayers(ctx: OpenContext, skipCached = true): Promise<GatheredLayers> {
    const { src, o, events } = ctx
    const paths = new PathTable()
    ctx.running.begin(paths)
    const useCache = skipCached && !o.noCache
    let total = ctx.described?.engineSize ?? 0
    // Before the first byte: the engine prepares its export (seconds on big images), an archive opens.
    events.progress({ phase: src.readPhase === 'export' ? 'preparing' : src.readPhase, bytesDone: 0, bytesTotal: total })
    // "Layer i of n": n from the description, on every event (also before the stream reaches
    // its first layer); i where the source says which layer its bytes belong to (stream sources).
    const layerCount = ctx.described?.layers.length
    let layerIndex: number | undefined
    const layerFields = (): { layerIndex?: number; layerCount?: number } => ({
      ...(layerIndex !== undefined ? { layerIndex } : {}),
      ...(layerCount ? { layerCount } : {})
    })
    const read: ReadImageResult = await src.read(ctx.described, {
      paths,
      skip: (d) => useCache && this.cache.hasLayer(d),
      signal: o.signal,
      onLayer: (i) => (layerIndex = i),
      onLayerRead: (diffId, entries) => {
        ctx.running.layerRead(diffId, entries)
        events.layerRead(diffId)
      },
      onBytes: (n, t) => {
        total = t || total
        events.progress({ phase: src.readPhase, bytesDone: n, bytesTotal: total, ...layerFields() })
      }
    })
    let cached = 0
    for (const l of read.layers) {
      if (!read.skipped.has(l.diffId)) continue
      // A cached layer someone opened during the read is loaded already.
      const e = ctx.running.held(l.diffId) ?? this.cache.loadLayer(l.diffId, paths)
      // A cache entry vanished or was damaged since the check: read everything again.
      if (!e) return this.readLayers(ctx, false)
      l.entries = e
      cached++
    }
    const { skipped: _skipped, ...got } = read
    return { ...got, paths, cached, fresh: cached < read.layers.length, configBytes: read.configBytes ?? ctx.described?.configBytes }
  }

  /** History, base and layers -> the model; then the cache is written in the background. */
  private async finish(ctx: OpenContext, g: GatheredLayers): Promise<AnalyzedImage> {
    const { o, src, described } = ctx
    throwIfCancelled(o.signal)
    ctx.events.progress({ phase: 'analyse', bytesDone: 0, bytesTotal: 0 })
    const { history, engineSizes } = joinEngineHistory(ctx.historyP ? await ctx.historyP : undefined, g.config, g.layers.length)
    const baseResult = ctx.baseP ? await ctx.baseP : undefined
    const base = baseResult?.base ?? undefined
    throwIfCancelled(o.signal)
    const img = buildImage({
      key: src.keyOf(g.id),
      source: src.source,
      format: g.format,
      id: g.id,
      repoTags: g.repoTags,
      config: g.config ?? {},
      history,
      engineSizes,
      engineSize: described?.engineSize,
      created: described?.created,
      paths: g.paths,
      layers: g.layers,
      cachedLayers: g.cached,
      elapsedMs: 0,
      base,
      configBytes: g.configBytes
    })
    if (g.platforms) img.analysis.image.platforms = g.platforms
    await this.attachAlternatives(ctx, img.analysis)
    img.analysis.elapsedMs = Math.round(performance.now() - ctx.started)
    // The cache is written after the answer is ready (each file atomically); flush() waits for it.
    throwIfCancelled(o.signal)
    const format = g.format === 'cache' ? 'docker-archive' : g.format === 'registry' ? 'oci' : g.format
    if (!o.noCache && g.config && described) {
      // Sources that describe an image before reading it get their summary cached (fast re-open).
      this.track(this.store(g.id, g.config, format, g.layers, g.fresh, img.analysis, baseResult))
    } else if (g.fresh && !o.noCache && g.config) {
      this.track(this.store(g.id, g.config, format, g.layers, true))
    }
    return img
  }

  /** Slimmer siblings of a registry base go with the savings (measured, never guessed). */
  private async attachAlternatives(ctx: OpenContext, analysis: ImageAnalysis): Promise<void> {
    const alt = ctx.alternativesP ? await ctx.alternativesP : null
    if (analysis.savings) {
      const { baseAlternatives: _old, ...rest } = analysis.savings
      analysis.savings = alt ? { ...rest, baseAlternatives: alt } : rest
    }
  }

  private loadCached(diffIds: string[], paths: PathTable): ModelLayer[] | null {
    const out: ModelLayer[] = []
    for (const d of diffIds) {
      const e = this.cache.loadLayer(d, paths)
      if (!e) return null
      out.push({ diffId: d, entries: e })
    }
    return out
  }

  private pending = new Set<Promise<void>>()
  /** Layer cache writes under way, by diff ID (an open that needs one waits for it, see layerWritesOf). */
  private readonly writing = new Map<string, Promise<void>>()

  /**
   * Waits for the cache writes of these layers that an earlier open started: a layer just read
   * is then skipped, not read or fetched again (a compare opens B right after A, which share a base).
   */
  private async layerWritesOf(layers: ReadonlyArray<{ diffId: string }>): Promise<void> {
    const ws = new Set<Promise<void>>()
    for (const l of layers) {
      const w = this.writing.get(l.diffId)
      if (w) ws.add(w)
    }
    if (ws.size > 0) await Promise.all([...ws])
  }

  private track(p: Promise<void>): void {
    this.pending.add(p)
    void p.finally(() => this.pending.delete(p))
  }

  /** Waits until every cache write started so far has finished. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  /** Model of a cached image, read when first needed. */
  private loadModel(id: string, diffIds: string[]): ImageModel {
    const paths = new PathTable()
    const layers = this.loadCached(diffIds, paths)
    if (!layers) {
      // An entry vanished or was damaged after the open: drop the summary so the next open rebuilds.
      void this.cache.saveImage({ id, config: {}, format: 'docker-archive' }).catch(() => undefined)
      throw new LayerscopeError('IO_ERROR', 'The layer cache changed while this image was open (cleared or damaged): open the image again to rebuild it.')
    }
    const entries = layers.map((l) => l.entries)
    return { paths, layers: entries, stack: stackLayers(paths, new Refs(entries), entries.length - 1, true) }
  }

  private async store(
    id: string,
    config: ImageConfig,
    format: 'docker-archive' | 'oci',
    layers: ModelLayer[],
    writeLayers: boolean,
    analysis?: ImageAnalysis,
    base?: BaseResult
  ): Promise<void> {
    try {
      if (writeLayers) await this.writeLayers(layers)
      const compressed: Record<string, number> = {}
      for (const l of layers) if (l.compressedBytes !== undefined) compressed[l.diffId] = l.compressedBytes
      await this.cache.saveImage({ id, config, format, compressed, analysis, base })
    } catch {
      // A cache that cannot be written (read-only disk, full) must not fail the analysis.
    }
  }

  /**
   * Writes the layers the cache lacks, one after another. They are in `writing` before the
   * first await, so an open that starts the moment this one answered waits for them.
   */
  private async writeLayers(layers: ModelLayer[]): Promise<void> {
    const todo = [...new Map(layers.map((l) => [l.diffId, l])).values()].filter((l) => !this.writing.has(l.diffId) && !this.cache.hasLayer(l.diffId))
    const written = (async () => {
      for (const l of todo) await this.cache.saveLayer(l.diffId, l.entries)
    })()
    const settled: Promise<void> = written
      .catch(() => undefined)
      .finally(() => {
        for (const l of todo) if (this.writing.get(l.diffId) === settled) this.writing.delete(l.diffId)
      })
    for (const l of todo) this.writing.set(l.diffId, settled)
    await written
  }

  // ---- cache --------------------------------------------------------------------------

  async cacheInfo(): Promise<{ dir: string; entries: number; bytes: number }> {
    await this.flush()
    return this.cache.info()
  }

  async cacheClear(): Promise<{ removedEntries: number; removedBytes: number }> {
    await this.flush()
    return this.cache.clear()
  }
}
