// Reads one image out of a docker-archive (legacy `docker save`) or an OCI layout, as a
// stream (engine export, tar file, .tar.gz file) or a directory. Layers are parsed as they
// pass, keyed by their tar path / blob path, and joined to the manifest at the end (a
// streamed legacy save puts manifest.json last).
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Hash } from 'node:crypto'
import { createGunzip } from 'node:zlib'
import { LayerscopeError, throwIfCancelled } from '../errors'
import { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import { BlobSink, type BlobResult } from './blob-sink'
import { normalizePath } from '../model/paths'
import { TarReader } from './tar-reader'
import { selectOciImage, type OciDescriptor, type OciManifest } from './oci'
import { LayoutFiles } from './layout-files'
import { limitError, MAX_BLOBS, MAX_ENTRIES_PER_IMAGE } from './limits'
import { ImageConfigSchema, LegacyManifest, parseDoc, type LegacyManifestItem } from './schemas'
import { recordEntries } from '../content/layer-hasher'

export interface ImageConfig {
  architecture?: string
  os?: string
  variant?: string
  created?: string
  config?: { Labels?: Record<string, string> | null }
  rootfs?: { type?: string; diff_ids?: string[] }
  history?: Array<{ created?: string; created_by?: string; comment?: string; empty_layer?: boolean; author?: string }>
}

export interface ReadLayer {
  diffId: string
  entries: LayerEntries
  /** Blob bytes when the layer was stored compressed (what a pull downloads). */
  compressedBytes?: number
  compression: 'gzip' | 'zstd' | 'none'
  /** sha256 of the uncompressed bytes read, when they were verified (not for the engine export or a cached layer). */
  uncompressedDigest?: string
}

export interface ReadImage {
  format: 'docker-archive' | 'oci'
  /** "sha256:<hex>" of the config blob. */
  id: string
  config: ImageConfig
  repoTags: string[]
  layers: ReadLayer[]
  /** Multi-platform OCI index: every platform it lists (this image is one of them). */
  platforms?: string[]
}

export interface ReadOptions {
  paths: PathTable
  label: string
  signal?: AbortSignal
  platform?: string
  onBytes?: (bytesDone: number) => void
  /**
   * Refuse (ARCHIVE_INVALID) any layer whose uncompressed bytes do not hash to the diff ID the
   * config claims. Archives and registries are checked; the engine's own export is trusted.
   */
  verifyDiffIds?: boolean
  /** OCI folders: called once the chosen image's blob bytes are known. */
  onTotal?: (bytesTotal: number) => void
  /**
   * Which image of a multi-image archive: a RepoTags entry ("repo:tag"), a config digest
   * (or a prefix of its hex), or a 1-based position ("2"). Also written "archive.tar#repo:tag".
   */
  image?: string
  /** Entries over all layers (default MAX_ENTRIES_PER_IMAGE; lower for tests or small hosts). */
  maxEntriesPerImage?: number
  /** A layer blob starts in the stream; `seen` counts them (progress: "layer i of n"). */
  onLayerStart?: (seen: number) => void
  /** An outer tar entry has been consumed (a layer parsed, a JSON buffered): its path and what it was. */
  onBlob?: (path: string, blob: BlobResult, entries?: LayerEntries) => void
}

/** "dir/x.tar#repo:tag" -> path and image selector, when the whole string is not itself a file. */
export function splitImageSelector(arg: string, exists: (p: string) => boolean): { path: string; image?: string } {
  const i = arg.lastIndexOf('#')
  if (i <= 0 || exists(arg)) return { path: arg }
  return { path: arg.slice(0, i), image: arg.slice(i + 1) || undefined }
}

/** Entries counted over every layer of one image (a hostile archive may have many layers). */
class EntryBudget {
  entries = 0
  constructor(
    private readonly where: string,
    private readonly max = MAX_ENTRIES_PER_IMAGE
  ) {}
  add(): void {
    if (++this.entries > this.max) {
      throw limitError('entriesPerImage', this.max, `${this.where} has more entries over all its layers than Layerscope reads in one image`)
    }
  }
}

interface Blob extends BlobResult {
  entries?: LayerEntries
}

/** Collects every blob of one tar pass, by normalised tar path. */
class Collector {
  readonly blobs = new Map<string, Blob>()
  readonly links = new Map<string, string>()
  private opened = 0
  private layersSeen = 0

  constructor(
    private readonly opts: ReadOptions,
    private readonly budget: EntryBudget
  ) {}

  /** `verifiedAs`: the caller checks these bytes against that digest (see BlobSinkOptions). */
  sink(path: string, label: string, verifiedAs?: string): BlobSink {
    if (++this.opened + this.links.size > MAX_BLOBS) {
      throw limitError('blobs', MAX_BLOBS, `${this.opts.label} holds more files than any image archive`)
    }
    let entries: LayerEntries | undefined
    let record: ReturnType<typeof recordEntries> | undefined
    return new BlobSink({
      label,
      diffId: this.opts.verifyDiffIds,
      verifiedAs,
      onLayerStart: () => {
        entries = new LayerEntries(this.opts.paths)
        record = recordEntries(entries)
        this.opts.onLayerStart?.(++this.layersSeen)
      },
      onLayerEntry: (h) => {
        this.budget.add()
        return record!(h)
      },
      done: (r) => {
        entries?.linkDigests()
        this.blobs.set(path, { ...r, entries })
        this.opts.onBlob?.(path, r, entries)
      }
    })
  }

  get(path: string): Blob | undefined {
    const p = normalizePath(path)
    const direct = this.blobs.get(p)
    if (direct) return direct
    // docker save writes a repeated layer as a symlink to the first copy.
    const target = this.links.get(p)
    return target === undefined ? undefined : this.blobs.get(target)
  }
}

/** Parses a tar stream of an image archive. Destroys the stream on cancel. */
export async function readImageStream(stream: Readable, opts: ReadOptions): Promise<ReadImage> {
  return readImageFeed((tar) => pump(stream, tar, opts), opts)
}

/**
 * Parses an image archive pushed by `feed` (which calls write(chunk) and awaits it, then
 * returns when the input has ended). Each chunk is consumed before write's promise settles.
 */
export async function readImageFeed(feed: (tar: TarReader) => Promise<void>, opts: ReadOptions): Promise<ReadImage> {
  const c = new Collector(opts, new EntryBudget(opts.label, opts.maxEntriesPerImage))
  const tar = new TarReader(
    (h) => {
      if (h.type === 'symlink' || h.type === 'hardlink') {
        const base = h.path.includes('/') ? h.path.slice(0, h.path.lastIndexOf('/')) : ''
        const target = h.type === 'hardlink' || h.linkName.startsWith('/') ? normalizePath(h.linkName) : normalizePath(resolveRelative(base, h.linkName))
        if (c.links.size >= MAX_BLOBS) throw limitError('blobs', MAX_BLOBS, `${opts.label} holds more files than any image archive`)
        c.links.set(h.path, target)
        return null
      }
      if (h.type !== 'file') return null
      return c.sink(h.path, `${opts.label}: ${h.path}`)
    },
    { label: opts.label }
  )
  try {
    await feed(tar)
    throwIfCancelled(opts.signal)
    await tar.end()
  } catch (e) {
    // A layer cut short leaves its decoder open: stop it.
    tar.abort()
    throw e
  }
  return join_(c, opts)
}

function resolveRelative(base: string, rel: string): string {
  const out = base === '' ? [] : base.split('/')
  for (const p of rel.split('/')) {
    if (p === '..') out.pop()
    else if (p !== '.' && p !== '') out.push(p)
  }
  return out.join('/')
}

async function pump(stream: Readable, tar: TarReader, opts: ReadOptions): Promise<void> {
  const onAbort = (): void => {
    stream.destroy(new LayerscopeError('CANCELLED', 'Cancelled.'))
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let done = 0
  try {
    throwIfCancelled(opts.signal)
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      await tar.write(chunk)
      done += chunk.length
      opts.onBytes?.(done)
    }
  } catch (e) {
    stream.destroy()
    tar.abort()
    throwIfCancelled(opts.signal)
    throw e
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
  }
}

/** An archive file: tar, or a gzip-compressed tar (.tar.gz of a save). */
export async function readImageFile(path: string, opts: ReadOptions): Promise<ReadImage> {
  const fh = await open(path, 'r')
  const head = Buffer.alloc(512)
  let n: number
  try {
    n = (await fh.read(head, 0, 512, 0)).bytesRead
  } finally {
    await fh.close()
  }
  if (n === 0) throw new LayerscopeError('ARCHIVE_INVALID', `${path} is empty: it is not an image archive.`)
  const gz = head[0] === 0x1f && head[1] === 0x8b
  const isTar = n >= 262 && head.toString('latin1', 257, 262) === 'ustar'
  if (!gz && !isTar) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${path} is not an image archive: expected a tar made by \`docker save\` or an OCI layout (tar or folder), or a .tar.gz of one.`
    )
  }
  const file = createReadStream(path, { highWaterMark: 256 * 1024 })
  if (!gz) return readImageStream(file, opts)
  // Progress counts compressed bytes read from disk (the file size is the known total).
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  let done = 0
  file.on('data', (d: Buffer | string) => {
    done += d.length
    opts.onBytes?.(done)
  })
  file.on('error', (e) => gunzip.destroy(e))
  gunzip.on('error', () => file.destroy())
  gunzip.on('close', () => file.destroy())
  file.pipe(gunzip)
  try {
    return await readImageStream(gunzip, { ...opts, onBytes: undefined })
  } catch (e) {
    if (e instanceof LayerscopeError) throw e
    throw new LayerscopeError('ARCHIVE_INVALID', `${path}: the gzip data is corrupt or truncated (${e instanceof Error ? e.message : String(e)}).`)
  }
}

/** An OCI image layout directory: only the chosen image's blobs are read, each checked. */
export async function readOciDir(dir: string, opts: ReadOptions & { skipLayer?: (diffId: string) => boolean }): Promise<ReadImage & { bytesTotal: number }> {
  const files = new LayoutFiles(dir)
  const budget = new EntryBudget(dir, opts.maxEntriesPerImage)
  await files.open(join(dir, 'oci-layout'), 'oci-layout file').then(({ fh }) => fh.close())
  const index = await files.readJson(join(dir, 'index.json'), 'index.json')
  const chosen = await selectOciImage(index, opts.platform, async (d) => files.readJson(files.blobPath(d), `blob ${d.digest}`, d), dir, opts.image)
  const configDesc = chosen.manifest.config
  const config = parseConfig(await files.readJson(files.blobPath(configDesc), `config ${configDesc.digest}`, configDesc), dir, configDesc.digest)
  const diffIds = config.rootfs?.diff_ids ?? []
  checkLayerCount(chosen.manifest, diffIds, dir)
  const layerDescs = chosen.manifest.layers
  let bytesTotal = 0
  for (const d of layerDescs) bytesTotal += typeof d.size === 'number' ? d.size : 0
  opts.onTotal?.(bytesTotal)
  const layers: ReadLayer[] = []
  let done = 0
  for (let i = 0; i < layerDescs.length; i++) {
    throwIfCancelled(opts.signal)
    const d = layerDescs[i]!
    const diffId = diffIds[i]!
    const what = `layer ${i + 1}`
    const { fh, size } = await files.openBlob(d, what)
    if (opts.skipLayer?.(diffId)) {
      await fh.close()
      done += size
      opts.onBytes?.(done)
      // Not read: the media type says whether the blob is compressed (its size is then the download size).
      const comp = /zstd/.test(d.mediaType ?? '') ? 'zstd' : /gzip/.test(d.mediaType ?? '') ? 'gzip' : 'none'
      layers.push({ diffId, entries: new LayerEntries(opts.paths), compression: comp, compressedBytes: comp === 'none' ? undefined : size })
      continue
    }
    const c = new Collector(opts, budget)
    // The blob file is hashed against its descriptor as it streams (checkDigest below).
    const sink = c.sink('blob', `${dir}: layer ${i + 1} (${d.digest})`, d.digest)
    const base = done
    const hash = files.hasher(d)
    await pump(files.stream(fh, size), sinkAsTar(sink, hash), {
      ...opts,
      onBytes: (n) => opts.onBytes?.(base + n)
    })
    await sink.end()
    files.checkDigest(d, hash, `${what} (${d.digest})`)
    done += size
    const blob = c.blobs.get('blob')!
    layers.push(layerFromBlob(blob, diffId, i, d.digest, dir, opts.verifyDiffIds))
  }
  return { format: 'oci', id: configDesc.digest, config, repoTags: chosen.tags, layers, bytesTotal, ...(chosen.platforms ? { platforms: chosen.platforms } : {}) }
}

/** Lets pump() drive a BlobSink directly (a blob file is not a tar of blobs), hashing as it goes. */
function sinkAsTar(sink: BlobSink, hash: Hash): TarReader {
  return {
    write: async (chunk: Buffer) => {
      hash.update(chunk)
      const r = sink.write(chunk)
      if (r) await r
    },
    abort: () => sink.abort()
  } as unknown as TarReader
}

function parseConfig(json: unknown, where: string, name: string): ImageConfig {
  return parseDoc(ImageConfigSchema, json, where, `the image config ${name}`) as ImageConfig
}

function checkLayerCount(m: OciManifest, diffIds: string[], where: string): void {
  if (m.layers.length !== diffIds.length) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where}: the manifest lists ${m.layers.length} layers but the config has ${diffIds.length} diff IDs.`
    )
  }
}

function layerFromBlob(blob: Blob, diffId: string, i: number, name: string, where: string, verify = false): ReadLayer {
  if (blob.error) throw blob.error
  if (blob.kind === 'unknown' || blob.kind === 'json' || !blob.entries) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where}: layer ${i + 1} (${name}) is neither a tar nor gzip/zstd-compressed tar (it starts with bytes ${blob.head ?? '?'}); unknown compression.`
    )
  }
  if (verify && blob.diffId !== diffId) {
    // Believing it would let a crafted archive claim a popular base layer and poison the cache.
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where}: layer ${i + 1} (${name}) is not the layer its config claims: its uncompressed bytes hash to ${blob.diffId ?? 'nothing'}, the config says ${diffId}. The archive was altered or built wrongly; nothing of it was cached.`
    )
  }
  const compression = blob.compression ?? 'none'
  return {
    diffId,
    entries: blob.entries,
    compression,
    compressedBytes: compression === 'none' ? undefined : blob.blobBytes,
    uncompressedDigest: blob.diffId
  }
}

async function join_(c: Collector, opts: ReadOptions): Promise<ReadImage> {
  const where = opts.label
  const ociLayout = c.get('oci-layout')
  const indexBlob = c.get('index.json')
  if (ociLayout && indexBlob) {
    if (indexBlob.kind !== 'json') throw new LayerscopeError('ARCHIVE_INVALID', `${where}: index.json is not valid JSON.`)
    const blobOf = (d: OciDescriptor): Blob => {
      const [alg, hex] = String(d.digest).split(':')
      const b = c.get(`blobs/${alg}/${hex}`)
      if (!b) throw new LayerscopeError('ARCHIVE_INVALID', `${where} is missing blob ${d.digest}: the archive is incomplete.`)
      if (d.size !== undefined && b.blobBytes !== d.size) {
        throw new LayerscopeError('ARCHIVE_INVALID', `${where}: blob ${d.digest} is ${b.blobBytes} bytes but its descriptor says ${d.size}: the blob is truncated or replaced.`)
      }
      return b
    }
    const jsonOf = async (d: OciDescriptor): Promise<unknown> => {
      const b = blobOf(d)
      if (b.error) throw b.error
      if (b.kind !== 'json') throw new LayerscopeError('ARCHIVE_INVALID', `${where}: blob ${d.digest} should be JSON but is not.`)
      return b.json
    }
    if (indexBlob.error) throw indexBlob.error
    const chosen = await selectOciImage(indexBlob.json, opts.platform, jsonOf, where, opts.image)
    const config = parseConfig(await jsonOf(chosen.manifest.config), where, chosen.manifest.config.digest)
    const diffIds = config.rootfs?.diff_ids ?? []
    checkLayerCount(chosen.manifest, diffIds, where)
    const layers = chosen.manifest.layers.map((d, i) => layerFromBlob(blobOf(d), diffIds[i]!, i, d.digest, where, opts.verifyDiffIds))
    return { format: 'oci', id: chosen.manifest.config.digest, config, repoTags: chosen.tags, layers, ...(chosen.platforms ? { platforms: chosen.platforms } : {}) }
  }
  const manifestBlob = c.get('manifest.json')
  if (!manifestBlob) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where} is a tar but not an image archive: it has neither manifest.json (docker save) nor oci-layout + index.json (OCI layout).`
    )
  }
  if (manifestBlob.error) throw manifestBlob.error
  if (manifestBlob.kind !== 'json') throw new LayerscopeError('ARCHIVE_INVALID', `${where}: manifest.json is not valid JSON.`)
  const items = parseDoc(LegacyManifest, manifestBlob.json, where, 'manifest.json')
  const item = pickLegacyImage(items, opts.image, where)
  const configBlob = c.get(item.Config)
  if (configBlob?.error) throw configBlob.error
  if (!configBlob || configBlob.kind !== 'json') {
    throw new LayerscopeError('ARCHIVE_INVALID', `${where} is missing the image config ${item.Config}: the archive is incomplete.`)
  }
  const config = parseConfig(configBlob.json, where, item.Config)
  const diffIds = config.rootfs?.diff_ids ?? []
  if (diffIds.length !== item.Layers.length) {
    throw new LayerscopeError('ARCHIVE_INVALID', `${where}: manifest.json lists ${item.Layers.length} layers but the config has ${diffIds.length} diff IDs.`)
  }
  const layers = item.Layers.map((p, i) => {
    const b = c.get(p)
    if (!b) throw new LayerscopeError('ARCHIVE_INVALID', `${where} is missing layer ${i + 1} (${p}): the archive is incomplete.`)
    return layerFromBlob(b, diffIds[i]!, i, p, where, opts.verifyDiffIds)
  })
  return { format: 'docker-archive', id: `sha256:${legacyId(item)}`, config, repoTags: item.RepoTags ?? [], layers }
}

function legacyId(item: LegacyManifestItem): string {
  return item.Config.replace(/^blobs\/sha256\//, '').replace(/\.json$/, '')
}

/**
 * One image of a docker-archive's manifest.json: the only one, or the one `image` names.
 * Several and none named is an error listing them all, never silently the first.
 */
function pickLegacyImage(items: LegacyManifestItem[], image: string | undefined, where: string): LegacyManifestItem {
  const list = (): string =>
    items.map((it, i) => `${i + 1}. ${it.RepoTags?.length ? it.RepoTags.join(', ') : '(untagged)'} (sha256:${legacyId(it).slice(0, 12)})`).join('; ')
  if (image === undefined) {
    if (items.length === 1) return items[0]!
    throw new LayerscopeError(
      'INVALID_INPUT',
      `${where} holds ${items.length} images: ${list()}. Pick one by tag, ID or number, e.g. "${where}#${items[0]!.RepoTags?.[0] ?? '1'}".`,
      { images: items.length }
    )
  }
  const hex = image.replace(/^sha256:/, '')
  const byTag = items.filter((it) => it.RepoTags?.includes(image) || it.RepoTags?.includes(`${image}:latest`))
  const byId = /^[a-f0-9]{4,64}$/.test(hex) ? items.filter((it) => legacyId(it).startsWith(hex)) : []
  const byNumber = /^[1-9][0-9]*$/.test(image) && Number(image) <= items.length ? [items[Number(image) - 1]!] : []
  const found = byTag.length ? byTag : byId.length ? byId : byNumber
  if (found.length === 1) return found[0]!
  throw new LayerscopeError(
    'IMAGE_NOT_FOUND',
    `${where} has ${found.length ? 'several images matching' : 'no image'} "${image}"; it holds: ${list()}.`
  )
}
