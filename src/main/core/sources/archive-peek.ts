// What an image archive claims (its manifest and config), found without reading a layer, so
// the layer list can show while the layers are read. A plain tar is walked header to header,
// seeking over each entry's data (a `docker save` of N layers has a few entries per layer),
// and only manifest.json / index.json and the config are read. An OCI folder's files are read
// directly. A compressed tar cannot be walked without decompressing it all: no peek.
// Best effort and never trusted: any doubt gives null, and the read that follows is what
// counts (it verifies every layer and gives the exact error).
import { lstat, open, readFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageConfig } from '../archive/image-reader'
import { MAX_JSON_BYTES } from '../archive/limits'
import { selectOciImage, type OciManifest } from '../archive/oci'
import { ImageConfigSchema, LegacyManifest, parseDoc, type OciDescriptor } from '../archive/schemas'
import type { DescribedImage } from './layer-source'

/** Outer entries walked at most (a save has ~4 per layer; more means this is not one). */
const MAX_ENTRIES = 20_000

interface Entry {
  offset: number
  size: number
}

/** Regular files of the outer tar by path, their data offsets and sizes. */
async function walkTar(fh: FileHandle): Promise<Map<string, Entry> | null> {
  const files = new Map<string, Entry>()
  const h = Buffer.alloc(512)
  let at = 0
  let longName: string | undefined
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const { bytesRead } = await fh.read(h, 0, 512, at)
    if (bytesRead < 512 || h.every((b) => b === 0)) return files
    const size = tarNumber(h.subarray(124, 136))
    if (size === null) return null
    const type = String.fromCharCode(h[156]!)
    const data = at + 512
    if (type === 'L') {
      if (size > 4096) return null
      const b = Buffer.alloc(size)
      await fh.read(b, 0, size, data)
      longName = cString(b)
    } else if (type === 'x' || type === 'g') {
      // PAX: only a path record matters here.
      if (size > 65536) return null
      const b = Buffer.alloc(size)
      await fh.read(b, 0, size, data)
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(b.toString('utf8'))
      if (type === 'x' && m) longName = m[1]
    } else {
      const prefix = h.toString('latin1', 345, 345 + 6) === 'ustar\0' || h.toString('latin1', 257, 262) === 'ustar' ? cString(h.subarray(345, 500)) : ''
      const name = longName ?? (prefix ? `${prefix}/${cString(h.subarray(0, 100))}` : cString(h.subarray(0, 100)))
      longName = undefined
      if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), { offset: data, size })
    }
    at = data + Math.ceil(size / 512) * 512
  }
  return null
}

function cString(b: Buffer): string {
  const z = b.indexOf(0)
  return b.toString('utf8', 0, z < 0 ? b.length : z)
}

/** Octal, or GNU base-256 for big sizes. */
function tarNumber(b: Buffer): number | null {
  if (b[0]! & 0x80) {
    let v = 0
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]!
    return v
  }
  const s = cString(b).trim()
  if (s === '') return 0
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null
}

async function jsonAt(fh: FileHandle, e: Entry | undefined): Promise<unknown> {
  if (!e || e.size > MAX_JSON_BYTES) throw new Error('missing')
  const b = Buffer.alloc(e.size)
  await fh.read(b, 0, e.size, e.offset)
  return JSON.parse(b.toString('utf8')) as unknown
}

/** One image as an OCI layout describes it, reading JSON by descriptor. */
async function fromOci(index: unknown, readJson: (d: OciDescriptor) => Promise<unknown>, where: string, platform?: string, image?: string): Promise<DescribedImage> {
  const chosen = await selectOciImage(index, platform, readJson, where, image)
  const m: OciManifest = chosen.manifest
  const config = parseDoc(ImageConfigSchema, await readJson(m.config), where, 'the image config') as ImageConfig
  const diffIds = config.rootfs?.diff_ids ?? []
  if (diffIds.length !== m.layers.length) throw new Error('layer count')
  const d: DescribedImage = {
    id: m.config.digest,
    repoTags: chosen.tags,
    layers: m.layers.map((l, i) => ({ diffId: diffIds[i]!, blobDigest: l.digest, blobBytes: l.size, mediaType: l.mediaType })),
    config,
    configBytes: m.config.size
  }
  if (config.created) d.created = config.created
  if (chosen.platforms) d.platforms = chosen.platforms
  return d
}

export async function peekTarArchive(path: string, o: { platform?: string; image?: string } = {}): Promise<DescribedImage | null> {
  const fh = await open(path, 'r').catch(() => null)
  if (!fh) return null
  try {
    const head = Buffer.alloc(512)
    await fh.read(head, 0, 512, 0)
    if (head[0] === 0x1f && head[1] === 0x8b) return null
    const files = await walkTar(fh)
    if (!files) return null
    if (files.has('oci-layout') && files.has('index.json') && !files.has('manifest.json')) {
      const readJson = (d: OciDescriptor): Promise<unknown> => jsonAt(fh, files.get(`blobs/${String(d.digest).replace(':', '/')}`))
      return await fromOci(await jsonAt(fh, files.get('index.json')), readJson, path, o.platform, o.image)
    }
    const items = parseDoc(LegacyManifest, await jsonAt(fh, files.get('manifest.json')), path, 'manifest.json')
    // One image and no selector: anything else is chosen by the read (with its exact messages).
    if (items.length !== 1 || o.image !== undefined) return null
    const item = items[0]!
    const config = parseDoc(ImageConfigSchema, await jsonAt(fh, files.get(item.Config)), path, item.Config) as ImageConfig
    const diffIds = config.rootfs?.diff_ids ?? []
    if (diffIds.length !== item.Layers.length) return null
    const d: DescribedImage = {
      id: `sha256:${item.Config.replace(/^blobs\/sha256\//, '').replace(/\.json$/, '')}`,
      repoTags: item.RepoTags ?? [],
      layers: diffIds.map((diffId) => ({ diffId })),
      config
    }
    if (config.created) d.created = config.created
    return d
  } catch {
    return null
  } finally {
    await fh.close()
  }
}

export async function peekOciDir(dir: string, o: { platform?: string; image?: string } = {}): Promise<DescribedImage | null> {
  try {
    // Regular files only (no symlink out of the layout), as the read checks too.
    const read = async (name: string): Promise<unknown> => {
      const p = join(dir, name)
      const st = await lstat(p)
      if (!st.isFile() || st.size > MAX_JSON_BYTES) throw new Error('not a layout file')
      return JSON.parse(await readFile(p, 'utf8')) as unknown
    }
    const readJson = (d: OciDescriptor): Promise<unknown> => read(join('blobs', ...String(d.digest).split(':')))
    return await fromOci(await read('index.json'), readJson, dir, o.platform, o.image)
  } catch {
    return null
  }
}
