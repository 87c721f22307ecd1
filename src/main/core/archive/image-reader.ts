// Reads one image out of a docker-archive (legacy `docker save`) or an OCI layout, as a
// stream (engine export, tar file, .tar.gz file) or a directory. Layers are parsed as they
// pass, keyed by their tar path / blob path, and joined to the manifest at the end (a
// streamed legacy save puts manifest.json last).
import { createReadStream } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { LayerscopeError, throwIfCancelled } from '../errors'
import { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import { BlobSink, MAX_JSON, type BlobResult } from './blob-sink'
import { normalizePath } from '../model/paths'
import { TarReader } from './tar-reader'
import { selectOciImage, type OciDescriptor, type OciManifest } from './oci'

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
  /** OCI folders: called once the chosen image's blob bytes are known. */
  onTotal?: (bytesTotal: number) => void
  /** A layer blob starts in the stream; `seen` counts them (progress: "layer i of n"). */
  onLayerStart?: (seen: number) => void
}

interface Blob extends BlobResult {
  entries?: LayerEntries
}

/** Collects every blob of one tar pass, by normalised tar path. */
class Collector {
  readonly blobs = new Map<string, Blob>()
  readonly links = new Map<string, string>()
  private layersSeen = 0

  constructor(private readonly opts: ReadOptions) {}

  sink(path: string, label: string): BlobSink {
    let entries: LayerEntries | undefined
    return new BlobSink({
      label,
      onLayerStart: () => {
        entries = new LayerEntries(this.opts.paths)
        this.opts.onLayerStart?.(++this.layersSeen)
      },
      onLayerEntry: (h) => entries!.addHeader(h),
      done: (r) => this.blobs.set(path, { ...r, entries })
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
  const c = new Collector(opts)
  const tar = new TarReader(
    (h) => {
      if (h.type === 'symlink' || h.type === 'hardlink') {
        const base = h.path.includes('/') ? h.path.slice(0, h.path.lastIndexOf('/')) : ''
        const target = h.type === 'hardlink' || h.linkName.startsWith('/') ? normalizePath(h.linkName) : normalizePath(resolveRelative(base, h.linkName))
        c.links.set(h.path, target)
        return null
      }
      if (h.type !== 'file') return null
      return c.sink(h.path, `${opts.label}: ${h.path}`)
    },
    { label: opts.label }
  )
  await feed(tar)
  throwIfCancelled(opts.signal)
  await tar.end()
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

/** An OCI image layout directory: only the chosen image's blobs are read. */
export async function readOciDir(dir: string, opts: ReadOptions & { skipLayer?: (diffId: string) => boolean }): Promise<ReadImage & { bytesTotal: number }> {
  const readJson = async (p: string): Promise<unknown> => {
    const st = await stat(p).catch(() => null)
    if (!st) throw new LayerscopeError('ARCHIVE_INVALID', `${dir} is an OCI layout with a missing blob: ${p} does not exist.`)
    if (st.size > MAX_JSON) throw new LayerscopeError('ARCHIVE_INVALID', `${p} is too big for an OCI index, manifest or config.`)
    try {
      return JSON.parse(await readFile(p, 'utf8'))
    } catch {
      throw new LayerscopeError('ARCHIVE_INVALID', `${p} is not valid JSON.`)
    }
  }
  const blobPath = (d: OciDescriptor): string => {
    const [alg, hex] = String(d.digest).split(':')
    if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) {
      throw new LayerscopeError('ARCHIVE_INVALID', `${dir}: the digest "${d.digest}" is not valid.`)
    }
    return join(dir, 'blobs', alg, hex)
  }
  const index = await readJson(join(dir, 'index.json'))
  const chosen = await selectOciImage(index, opts.platform, async (d) => readJson(blobPath(d)), dir)
  const configDesc = chosen.manifest.config
  const config = (await readJson(blobPath(configDesc))) as ImageConfig
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
    const p = blobPath(d)
    const st = await stat(p).catch(() => null)
    if (!st) throw new LayerscopeError('ARCHIVE_INVALID', `${dir} is missing the blob of layer ${i + 1} (${d.digest}): the layout is incomplete.`)
    if (opts.skipLayer?.(diffId)) {
      done += st.size
      opts.onBytes?.(done)
      // Not read: the media type says whether the blob is compressed (its size is then the download size).
      const comp = /zstd/.test(d.mediaType ?? '') ? 'zstd' : /gzip/.test(d.mediaType ?? '') ? 'gzip' : 'none'
      layers.push({ diffId, entries: new LayerEntries(opts.paths), compression: comp, compressedBytes: comp === 'none' ? undefined : st.size })
      continue
    }
    const c = new Collector(opts)
    const sink = c.sink('blob', `${dir}: layer ${i + 1} (${d.digest})`)
    const base = done
    await pump(createReadStream(p, { highWaterMark: 256 * 1024 }), sinkAsTar(sink), {
      ...opts,
      onBytes: (n) => opts.onBytes?.(base + n)
    })
    await sink.end()
    done += st.size
    const blob = c.blobs.get('blob')!
    layers.push(layerFromBlob(blob, diffId, i, d.digest, dir))
  }
  return { format: 'oci', id: configDesc.digest, config, repoTags: chosen.tags, layers, bytesTotal, ...(chosen.platforms ? { platforms: chosen.platforms } : {}) }
}

/** Lets pump() drive a BlobSink directly (a blob file is not a tar of blobs). */
function sinkAsTar(sink: BlobSink): TarReader {
  return {
    write: async (chunk: Buffer) => {
      const r = sink.write(chunk)
      if (r) await r
    }
  } as unknown as TarReader
}

function checkLayerCount(m: OciManifest, diffIds: string[], where: string): void {
  if (m.layers.length !== diffIds.length) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where}: the manifest lists ${m.layers.length} layers but the config has ${diffIds.length} diff IDs.`
    )
  }
}

function layerFromBlob(blob: Blob, diffId: string, i: number, name: string, where: string): ReadLayer {
  if (blob.error) throw blob.error
  if (blob.kind === 'unknown' || blob.kind === 'json' || !blob.entries) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where}: layer ${i + 1} (${name}) is neither a tar nor gzip/zstd-compressed tar (it starts with bytes ${blob.head ?? '?'}); unknown compression.`
    )
  }
  const compression = blob.compression ?? 'none'
  return {
    diffId,
    entries: blob.entries,
    compression,
    compressedBytes: compression === 'none' ? undefined : blob.blobBytes
  }
}

interface LegacyManifestItem {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
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
      return b
    }
    const jsonOf = async (d: OciDescriptor): Promise<unknown> => {
      const b = blobOf(d)
      if (b.kind !== 'json') throw new LayerscopeError('ARCHIVE_INVALID', `${where}: blob ${d.digest} should be JSON but is not.`)
      return b.json
    }
    const chosen = await selectOciImage(indexBlob.json, opts.platform, jsonOf, where)
    const config = (await jsonOf(chosen.manifest.config)) as ImageConfig
    const diffIds = config.rootfs?.diff_ids ?? []
    checkLayerCount(chosen.manifest, diffIds, where)
    const layers = chosen.manifest.layers.map((d, i) => layerFromBlob(blobOf(d), diffIds[i]!, i, d.digest, where))
    return { format: 'oci', id: chosen.manifest.config.digest, config, repoTags: chosen.tags, layers, ...(chosen.platforms ? { platforms: chosen.platforms } : {}) }
  }
  const manifestBlob = c.get('manifest.json')
  if (!manifestBlob) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${where} is a tar but not an image archive: it has neither manifest.json (docker save) nor oci-layout + index.json (OCI layout).`
    )
  }
  const items = manifestBlob.json as LegacyManifestItem[] | undefined
  const item = Array.isArray(items) ? items[0] : undefined
  if (!item || typeof item.Config !== 'string' || !Array.isArray(item.Layers)) {
    throw new LayerscopeError('ARCHIVE_INVALID', `${where}: manifest.json does not describe an image.`)
  }
  const configBlob = c.get(item.Config)
  if (!configBlob || configBlob.kind !== 'json') {
    throw new LayerscopeError('ARCHIVE_INVALID', `${where} is missing the image config ${item.Config}: the archive is incomplete.`)
  }
  const config = configBlob.json as ImageConfig
  const diffIds = config.rootfs?.diff_ids ?? []
  if (diffIds.length !== item.Layers.length) {
    throw new LayerscopeError('ARCHIVE_INVALID', `${where}: manifest.json lists ${item.Layers.length} layers but the config has ${diffIds.length} diff IDs.`)
  }
  const layers = item.Layers.map((p, i) => {
    const b = c.get(p)
    if (!b) throw new LayerscopeError('ARCHIVE_INVALID', `${where} is missing layer ${i + 1} (${p}): the archive is incomplete.`)
    return layerFromBlob(b, diffIds[i]!, i, p, where)
  })
  const hex = item.Config.replace(/^blobs\/sha256\//, '').replace(/\.json$/, '')
  return { format: 'docker-archive', id: `sha256:${hex}`, config, repoTags: item.RepoTags ?? [], layers }
}
