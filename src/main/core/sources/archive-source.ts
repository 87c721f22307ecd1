// An image archive on disk: a `docker save` tar (plain or .tar.gz), an OCI layout tar, or an
// OCI layout folder. A tar's manifest may come last, so nothing is known before the read; an
// OCI folder's layers are blobs read one by one, skipping those the cache already has.
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { ImageSource } from '../../../shared/models/analysis'
import { ociPlatform } from '../../../shared/image-source'
import { LayerscopeError } from '../errors'
import { readImageFile, readOciDir, splitImageSelector, type ImageConfig, type ReadImage } from '../archive/image-reader'
import { parsePlatform } from '../archive/oci'
import { peekOciDir, peekTarArchive } from './archive-peek'
import { LayerLocator } from './layer-locator'
import { readImageResult } from './read-result'
import type { LayerSource, PeekedImage, ReadImageResult, ReadLayersOptions } from './layer-source'

export class ArchiveSource implements LayerSource {
  readonly source: ImageSource
  readonly label: string
  readonly path: string
  /** "save.tar#repo:tag" picks one image of a multi-image archive (repo:tag, ID prefix or number). */
  readonly image?: string
  readonly readPhase = 'read' as const

  constructor(
    arg: string,
    private readonly platform?: string
  ) {
    const { path, image } = splitImageSelector(arg, existsSync)
    this.path = resolve(path)
    this.image = image
    this.source = { kind: 'archive', path: image ? `${this.path}#${image}` : this.path, ...(platform ? { platform } : {}) }
    this.label = this.source.path
  }

  /** A tar is only known once read (manifest.json comes last in a streamed save). */
  async describe(): Promise<null> {
    return null
  }

  /** The manifest and config, found by seeking (a plain tar) or read (a folder), to show the layers early. */
  async peek(): Promise<PeekedImage | null> {
    const st = await stat(this.path).catch(() => null)
    const o = this.which()
    if (st?.isDirectory()) {
      const image = await peekOciDir(this.path, o)
      return image ? { image, skipsCached: true } : null
    }
    const image = st?.isFile() ? await peekTarArchive(this.path, o) : null
    return image ? { image, skipsCached: false } : null
  }

  async read(_image: null, opts: ReadLayersOptions): Promise<ReadImageResult> {
    const path = this.path
    // Every layer of an archive is hashed as it is read: its own diff ID says which it was.
    const locator = opts.onLayerRead ? new LayerLocator(opts.onLayerRead) : undefined
    const common = { paths: opts.paths, label: path, signal: opts.signal, ...this.which(), verifyDiffIds: true, ...(locator ? { onBlob: locator.blob.bind(locator) } : {}) }
    const st = await stat(path).catch(() => null)
    if (!st) throw new LayerscopeError('NOT_FOUND', `${path} does not exist.`)
    let read: ReadImage
    const skipped = new Set<string>()
    if (st.isDirectory()) {
      if (!existsSync(join(path, 'oci-layout')) || !existsSync(join(path, 'index.json'))) {
        throw new LayerscopeError('ARCHIVE_INVALID', `${path} is a folder but not an OCI image layout (no oci-layout and index.json in it).`)
      }
      let total = 0
      read = await readOciDir(path, {
        ...common,
        skipLayer: (d) => {
          if (!opts.skip(d)) return false
          skipped.add(d)
          return true
        },
        onTotal: (n) => (total = n),
        onBytes: (n) => opts.onBytes?.(n, total)
      })
    } else if (st.isFile()) {
      read = await readImageFile(path, {
        ...common,
        onLayerStart: (n) => opts.onLayer?.(n - 1),
        onBytes: (n) => opts.onBytes?.(n, st.size)
      })
    } else {
      throw new LayerscopeError('ARCHIVE_INVALID', `${path} is neither a file nor a folder.`)
    }
    // Also for folders: a single-image index without platform fields picks its one image,
    // and only the config says which platform that is.
    if (this.platform) checkPlatform(read.config, this.platform, path)
    return readImageResult(read, { skipped })
  }

  /** Which image of the archive: the platform asked for and the "#repo:tag" selector. */
  private which(): { platform?: string; image?: string } {
    return { platform: this.platform, image: this.image }
  }

  /** Archives are keyed by what they hold and where they are. */
  keyOf(id: string): string {
    return `archive:${id}:${this.path}`
  }
}

function checkPlatform(config: ImageConfig, platform: string, where: string): void {
  const want = parsePlatform(platform)
  if (
    (config.os && config.os !== want.os) ||
    (config.architecture && config.architecture !== want.architecture) ||
    (want.variant && config.variant && config.variant !== want.variant)
  ) {
    throw new LayerscopeError('PLATFORM_MISMATCH', `${where} holds a ${ociPlatform(config)} image, not ${platform}.`)
  }
}
