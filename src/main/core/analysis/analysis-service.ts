// Opens an image from the engine or an archive, using the layer cache when every layer is
// known (then nothing is exported), and keeps a few analysed images in memory by key.
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { AnalyzeOptions, ImageAnalysis, ImageSource, JobPhase, JobProgress } from '../../../shared/models/analysis'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled, throwIfCancelled } from '../errors'
import { exportImage } from '../archive/engine-export'
import { readImageFeed, readImageFile, readOciDir, type ImageConfig, type ReadImage } from '../archive/image-reader'
import { parsePlatform } from '../archive/oci'
import { LayerCache } from '../cache/layer-cache'
import { AnalyzedImage, type ImageModel } from './analyzed-image'
import { detectBase, type BaseResult } from './base-image'
import { historyFromEngine, type RawHistory } from './history'
import { buildImage, type ModelLayer } from './image-model'
import type { LayerEntries } from '../model/layer-entries'
import { Lru } from '../model/lru'
import { PathTable } from '../model/path-table'
import { SAVINGS_VERSION } from './savings'
import { Refs, stackLayers } from './stack'

export interface OpenOptions extends AnalyzeOptions {
  signal?: AbortSignal
  onProgress?: (p: Omit<JobProgress, 'jobId'>) => void
}

interface EngineInspect {
  Id: string
  RepoTags?: string[] | null
  Size: number
  Created?: string
  Os?: string
  Architecture?: string
  Variant?: string
  RootFS?: { Layers?: string[] }
}

interface EngineHistoryEntry {
  Created?: number
  CreatedBy?: string
  Comment?: string
  Size?: number
}

const MAX_OPEN = 4

export class AnalysisService {
  readonly cache: LayerCache
  private open_ = new Lru<string, AnalyzedImage>(MAX_OPEN)
  /** Counts engine exports (the `docker save` stream): tests prove cached re-opens skip it. */
  exports = 0

  /** `exportImage` is replaceable so tests can watch every export request. */
  constructor(readonly opts: { engine: () => EngineClient; cacheDir: string; exportImage?: typeof exportImage }) {
    this.cache = new LayerCache(opts.cacheDir)
  }

  async open(source: ImageSource, options: OpenOptions = {}): Promise<AnalyzedImage> {
    throwIfCancelled(options.signal)
    const started = performance.now()
    let img: AnalyzedImage
    // A platform on the source (one side of a comparison) wins over the one for the whole request.
    const sidePlatform = typeof source?.platform === 'string' && source.platform.trim() !== '' ? source.platform.trim() : undefined
    const o: OpenOptions = sidePlatform ? { ...options, platform: sidePlatform } : options
    const keep = sidePlatform ? { platform: sidePlatform } : {}
    if (source?.kind === 'engine' && typeof source.ref === 'string' && source.ref.trim() !== '') {
      img = await this.openEngine({ kind: 'engine', ref: source.ref.trim(), ...keep }, o, started)
    } else if (source?.kind === 'archive' && typeof source.path === 'string' && source.path !== '') {
      img = await this.openArchive({ kind: 'archive', path: resolve(source.path), ...keep }, o, started)
    } else {
      throw new LayerscopeError('INVALID_INPUT', 'Say which image to open: an engine image name/ID or an archive path.')
    }
    this.remember(img)
    return img
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

  // ---- engine -------------------------------------------------------------------------

  private async openEngine(source: { kind: 'engine'; ref: string; platform?: string }, o: OpenOptions, started: number): Promise<AnalyzedImage> {
    const engine = this.opts.engine()
    const docker = engine.docker
    const inspect = (await engineCall(() => docker.getImage(source.ref).inspect(), source.ref, engine)) as EngineInspect
    const id = inspect.Id
    if (o.platform) {
      const want = parsePlatform(o.platform)
      if (inspect.Os !== want.os || inspect.Architecture !== want.architecture || (want.variant && inspect.Variant && inspect.Variant !== want.variant)) {
        throw new LayerscopeError(
          'PLATFORM_MISMATCH',
          `${source.ref} is ${[inspect.Os, inspect.Architecture, inspect.Variant].filter(Boolean).join('/')}, not ${o.platform}: the engine keeps one platform per image.`
        )
      }
    }
    const diffIds = inspect.RootFS?.Layers ?? []
    const key = `engine:${id}`
    const repoTags = (inspect.RepoTags ?? []).filter((t) => t !== '<none>:<none>')
    const open = this.open_.get(key)
    if (open && !o.noCache) {
      // Already analysed in this process: images are immutable, only their tags move.
      open.analysis.image.repoTags = repoTags
      open.analysis.elapsedMs = Math.round(performance.now() - started)
      return open
    }
    const ci = o.noCache ? null : this.cache.loadImage(id)
    const baseP = detectBase(docker, id, diffIds, ci?.base).catch(() => undefined)
    const total = inspect.Size
    let layersSeen = 0
    const progress = (phase: JobPhase, bytesDone: number): void =>
      o.onProgress?.({ phase, bytesDone, bytesTotal: total, layerCount: diffIds.length, ...(layersSeen > 0 ? { layerIndex: layersSeen - 1 } : {}) })

    // Fast path: the whole analysis is cached and every layer entry is intact. Layers are
    // read only when a tree or compare needs them; nothing is exported.
    const stored = ci?.analysis
    // A summary stored before the savings rules (or with other rules) is rebuilt from the cached layers.
    if (
      stored &&
      stored.savings?.version === SAVINGS_VERSION &&
      stored.layers.map((l) => l.diffId).join() === diffIds.join() &&
      diffIds.every((d) => this.cache.verifyLayer(d))
    ) {
      progress('cache', 0)
      const base = await baseP
      const analysis: ImageAnalysis = {
        ...stored,
        key,
        source,
        format: 'cache',
        image: { ...stored.image, id, repoTags, size: inspect.Size, sizeKind: 'engine' },
        layers: stored.layers.map((l) => ({ ...l, isBase: !!base?.base && l.index < base.base.layers })),
        cachedLayers: diffIds.length,
        elapsedMs: 0
      }
      delete analysis.base
      if (base?.base) analysis.base = base.base
      if (base && base.fingerprint !== ci.base?.fingerprint) void this.cache.saveImage({ ...ci, base }).catch(() => undefined)
      const img = new AnalyzedImage(analysis, () => this.loadModel(id, diffIds))
      analysis.elapsedMs = Math.round(performance.now() - started)
      return img
    }
    const historyP = engineCall(() => docker.getImage(id).history(), source.ref, engine).catch(() => [] as EngineHistoryEntry[]) as Promise<EngineHistoryEntry[]>

    const paths = new PathTable()
    let layers: ModelLayer[] | null = null
    let config: ImageConfig | undefined
    let format: 'docker-archive' | 'oci' | 'cache' = 'cache'
    let cached = 0
    if (!o.noCache && diffIds.length > 0 && diffIds.every((d) => this.cache.hasLayer(d))) {
      progress('cache', 0)
      layers = this.loadCached(diffIds, paths)
      if (layers) {
        cached = layers.length
        // Layers known from other images but this image never opened: the platform still
        // comes from inspect (history then comes from the engine's /history).
        config = ci?.config ?? { os: inspect.Os, architecture: inspect.Architecture, variant: inspect.Variant, created: inspect.Created }
        if (ci) layers.forEach((l) => (l.compressedBytes = ci.compressed?.[l.diffId]))
      }
    }
    let read: ReadImage | undefined
    const fresh = layers === null
    if (layers === null) {
      const paths2 = paths.size > 1 ? new PathTable() : paths
      progress('preparing', 0)
      this.exports++
      try {
        let done = 0
        read = await readImageFeed(
          (tar) =>
            (this.opts.exportImage ?? exportImage)(
              docker,
              id,
              (chunk) => {
                const len = chunk.length
                return tar.write(chunk).then(() => {
                  done += len
                  progress('export', done)
                })
              },
              o.signal
            ),
          { paths: paths2, label: `The export of ${source.ref}`, signal: o.signal, onLayerStart: (n) => (layersSeen = n) }
        )
      } catch (e) {
        if (isCancelled(e) || o.signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
        // Why did the stream stop? Ask the engine again: image gone, engine gone, or damage.
        const now = await docker
          .getImage(id)
          .inspect()
          .then(() => null)
          .catch((err: unknown) => engineError(err, source.ref, engine))
        if (now?.code === 'IMAGE_NOT_FOUND') throw new LayerscopeError('IMAGE_NOT_FOUND', `${source.ref} was removed while it was being exported.`)
        if (now) throw new LayerscopeError(now.code, `The engine stopped answering during the export of ${source.ref}: ${now.message}`)
        if (e instanceof LayerscopeError && e.code === 'ARCHIVE_INVALID') {
          throw new LayerscopeError('ENGINE_ERROR', `The engine's export of ${source.ref} ended early or was damaged (${e.message}) Was the engine restarted? Try again.`)
        }
        throw e
      }
      const got = read.layers.map((l) => l.diffId)
      if (got.join() !== diffIds.join()) {
        throw new LayerscopeError('ENGINE_ERROR', `The engine exported different layers for ${source.ref} than it reports; was the tag moved during export? Try again.`)
      }
      config = read.config
      format = read.format
      layers = read.layers.map((l) => ({ diffId: l.diffId, entries: l.entries, compressedBytes: l.compressedBytes }))
      return this.finish({
        key, source, format, id, repoTags, config, paths: paths2, layers, cached: 0, started, o,
        engineSize: inspect.Size, created: inspect.Created, historyP, baseP, fresh
      })
    }
    return this.finish({ key, source, format, id, repoTags, config, paths, layers, cached, started, o, engineSize: inspect.Size, created: inspect.Created, historyP, baseP, fresh })
  }

  private async finish(a: {
    key: string
    source: ImageSource
    format: 'docker-archive' | 'oci' | 'cache'
    id: string
    repoTags: string[]
    config: ImageConfig | undefined
    paths: PathTable
    layers: ModelLayer[]
    cached: number
    started: number
    o: OpenOptions
    engineSize?: number
    created?: string
    historyP?: Promise<EngineHistoryEntry[]>
    baseP?: Promise<BaseResult | undefined>
    fresh: boolean
  }): Promise<AnalyzedImage> {
    throwIfCancelled(a.o.signal)
    a.o.onProgress?.({ phase: 'analyse', bytesDone: 0, bytesTotal: 0 })
    const engineHistory = a.historyP ? await a.historyP : undefined
    let history: RawHistory[] | undefined
    let engineSizes: number[] | undefined
    if (engineHistory && engineHistory.length > 0) {
      const oldestFirst = [...engineHistory].reverse()
      const configHistory = a.config?.history
      if (!configHistory) history = historyFromEngine(engineHistory, a.layers.length)
      if (!configHistory || configHistory.length === oldestFirst.length) engineSizes = oldestFirst.map((h) => h.Size ?? 0)
    }
    const baseResult = a.baseP ? await a.baseP : undefined
    const base = baseResult?.base ?? undefined
    throwIfCancelled(a.o.signal)
    const img = buildImage({
      key: a.key,
      source: a.source,
      format: a.format,
      id: a.id,
      repoTags: a.repoTags,
      config: a.config ?? {},
      history,
      engineSizes,
      engineSize: a.engineSize,
      created: a.created,
      paths: a.paths,
      layers: a.layers,
      cachedLayers: a.cached,
      elapsedMs: 0,
      base
    })
    img.analysis.elapsedMs = Math.round(performance.now() - a.started)
    // The cache is written after the answer is ready (each file atomically); flush() waits for it.
    throwIfCancelled(a.o.signal)
    if (!a.o.noCache && a.config && a.source.kind === 'engine') {
      this.track(this.store(a.id, a.config, a.format === 'cache' ? 'docker-archive' : a.format, a.layers, a.fresh, img.analysis, baseResult))
    } else if (a.fresh && !a.o.noCache && a.config) {
      this.track(this.store(a.id, a.config, a.format === 'cache' ? 'docker-archive' : a.format, a.layers, true))
    }
    return img
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
      const seen = new Set<string>()
      for (const l of layers) {
        if (!writeLayers || seen.has(l.diffId)) continue
        seen.add(l.diffId)
        if (!this.cache.hasLayer(l.diffId)) await this.cache.saveLayer(l.diffId, l.entries)
      }
      const compressed: Record<string, number> = {}
      for (const l of layers) if (l.compressedBytes !== undefined) compressed[l.diffId] = l.compressedBytes
      await this.cache.saveImage({ id, config, format, compressed, analysis, base })
    } catch {
      // A cache that cannot be written (read-only disk, full) must not fail the analysis.
    }
  }

  // ---- archives -----------------------------------------------------------------------

  private async openArchive(source: { kind: 'archive'; path: string; platform?: string }, o: OpenOptions, started: number): Promise<AnalyzedImage> {
    const path = source.path
    const st = await stat(path).catch(() => null)
    if (!st) throw new LayerscopeError('NOT_FOUND', `${path} does not exist.`)
    let read: ReadImage
    let cachedLayers = 0
    const paths = new PathTable()
    if (st.isDirectory()) {
      if (!existsSync(join(path, 'oci-layout')) || !existsSync(join(path, 'index.json'))) {
        throw new LayerscopeError('ARCHIVE_INVALID', `${path} is a folder but not an OCI image layout (no oci-layout and index.json in it).`)
      }
      let total = 0
      const skip = new Set<string>()
      const r = await readOciDir(path, {
        paths,
        label: path,
        signal: o.signal,
        platform: o.platform,
        skipLayer: (d) => {
          if (o.noCache || !this.cache.hasLayer(d)) return false
          skip.add(d)
          return true
        },
        onTotal: (n) => (total = n),
        onBytes: (n) => o.onProgress?.({ phase: 'read', bytesDone: n, bytesTotal: total })
      })
      read = r
      if (skip.size > 0) {
        for (const l of read.layers) {
          if (!skip.has(l.diffId)) continue
          const e = this.cache.loadLayer(l.diffId, paths)
          if (!e) return this.openArchive(source, { ...o, noCache: true }, started)
          l.entries = e
          cachedLayers++
        }
      }
      // Compressed sizes are known from the manifest even for skipped layers.
    } else if (st.isFile()) {
      let seen = 0
      read = await readImageFile(path, {
        paths,
        label: path,
        signal: o.signal,
        platform: o.platform,
        onLayerStart: (n) => (seen = n),
        onBytes: (n) => o.onProgress?.({ phase: 'read', bytesDone: n, bytesTotal: st.size, ...(seen > 0 ? { layerIndex: seen - 1 } : {}) })
      })
    } else {
      throw new LayerscopeError('ARCHIVE_INVALID', `${path} is neither a file nor a folder.`)
    }
    // Also for folders: a single-image index without platform fields picks its one image,
    // and only the config says which platform that is.
    if (o.platform) checkPlatform(read.config, o.platform, path)
    const key = `archive:${read.id}:${path}`
    const layers: ModelLayer[] = read.layers.map((l) => ({ diffId: l.diffId, entries: l.entries as LayerEntries, compressedBytes: l.compressedBytes }))
    const img = await this.finish({
      key,
      source,
      format: read.format,
      id: read.id,
      repoTags: read.repoTags,
      config: read.config,
      paths,
      layers,
      cached: cachedLayers,
      started,
      o,
      fresh: cachedLayers < layers.length
    })
    if (read.platforms) img.analysis.image.platforms = read.platforms
    return img
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

function checkPlatform(config: ImageConfig, platform: string, where: string): void {
  const want = parsePlatform(platform)
  if (
    (config.os && config.os !== want.os) ||
    (config.architecture && config.architecture !== want.architecture) ||
    (want.variant && config.variant && config.variant !== want.variant)
  ) {
    throw new LayerscopeError('PLATFORM_MISMATCH', `${where} holds a ${[config.os, config.architecture, config.variant].filter(Boolean).join('/')} image, not ${platform}.`)
  }
}

/** Runs a dockerode call and turns its failures into errors a person can act on. */
async function engineCall<T>(fn: () => Promise<T>, ref: string, engine?: EngineClient): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw engineError(e, ref, engine)
  }
}

/** A missing image names the ref and the engine's own list command; the rest is the client's explain (Docker or Podman). */
export function engineError(e: unknown, ref: string, engine?: EngineClient): LayerscopeError {
  if (e instanceof LayerscopeError) return e
  const err = e as { statusCode?: number; code?: string; message?: string; json?: { message?: string } }
  const msg = err.json?.message ?? err.message ?? String(e)
  const cli = engine?.kind === 'podman' ? 'podman' : 'docker'
  if (err.statusCode === 404) return new LayerscopeError('IMAGE_NOT_FOUND', `No local image ${ref}: \`${cli} images\` lists what this engine has.`)
  if (engine) {
    const explained = engine.explain(e)
    if (explained.code !== 'ENGINE_ERROR') return explained
  } else {
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') return new LayerscopeError('ENGINE_UNREACHABLE', `The engine is not running (${msg}); start it and try again.`)
    if (err.code === 'EACCES') return new LayerscopeError('ENGINE_PERMISSION', `No permission to talk to the engine (${msg}); add yourself to the docker group.`)
  }
  return new LayerscopeError('ENGINE_ERROR', `The engine failed on ${ref}: ${msg.trim()}`)
}
