// Files of an OCI layout folder, opened as data from a stranger: regular files only (a FIFO
// would block forever, /dev/zero would stream forever), no symlink that leaves the layout,
// and every blob exactly the size and digest its descriptor names.
import { createHash, type Hash } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, open, realpath, stat, type FileHandle } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { Readable } from 'node:stream'
import { LayerscopeError } from '../errors'
import { limitError, MAX_JSON_BYTES } from './limits'
import { isBlobDigest, type OciDescriptor } from './schemas'

const HASHES: Record<string, string> = { sha256: 'sha256', sha512: 'sha512' }

export class LayoutFiles {
  private root: string | undefined

  constructor(readonly dir: string) {}

  private async realRoot(): Promise<string> {
    this.root ??= await realpath(this.dir)
    return this.root
  }

  /** blobs/<alg>/<hex> of a descriptor. */
  blobPath(d: OciDescriptor): string {
    if (!isBlobDigest(d.digest)) throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: the digest "${d.digest}" is not a sha256 or sha512 digest.`)
    const [alg, hex] = d.digest.split(':') as [string, string]
    return join(this.dir, 'blobs', alg, hex)
  }

  /** Opens a file of the layout; it must be a regular file inside the layout (after symlinks). */
  async open(path: string, what: string, blob?: OciDescriptor): Promise<{ fh: FileHandle; size: number }> {
    const l = await lstat(path).catch(() => null)
    if (!l) {
      throw new LayerscopeError(
        'ARCHIVE_INVALID',
        blob
          ? `${this.dir} is missing the blob of ${what} (${blob.digest}): ${path} does not exist; the layout is incomplete.`
          : `${this.dir} is an OCI layout without ${what}: ${path} does not exist.`
      )
    }
    if (l.isSymbolicLink()) {
      const target = await realpath(path).catch(() => null)
      const root = await this.realRoot()
      if (!target || !target.startsWith(root + sep)) {
        throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} ${path} is a symlink that leads outside the layout; Layerscope reads only files inside it.`)
      }
    }
    // Judged before opening: opening some devices has effects of its own.
    const before = await stat(path).catch(() => null)
    if (before && !before.isFile()) throw this.notFile(path, what, before)
    // O_NONBLOCK: a FIFO swapped in after the check must not block the open; fstat refuses it.
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
      throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} ${path} cannot be opened (${e.code ?? e.message}).`)
    })
    const st = await fh.stat()
    if (!st.isFile()) {
      await fh.close()
      throw this.notFile(path, what, st)
    }
    return { fh, size: st.size }
  }

  private notFile(path: string, what: string, st: Stats): LayerscopeError {
    const kind = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : 'not a file'
    return new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} ${path} is ${kind}, not a regular file.`)
  }

  /** Opens a blob, checking its size against the descriptor. */
  async openBlob(d: OciDescriptor, what: string): Promise<{ fh: FileHandle; size: number }> {
    const r = await this.open(this.blobPath(d), what, d)
    if (d.size !== undefined && r.size !== d.size) {
      await r.fh.close()
      throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} (${d.digest}) is ${r.size} bytes but its descriptor says ${d.size}: the blob is truncated or replaced.`)
    }
    return r
  }

  /** A hash of the digest's algorithm, to check a blob's bytes as they stream. */
  hasher(d: OciDescriptor): Hash {
    const alg = HASHES[d.digest.split(':')[0]!]
    if (!alg) throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: the digest ${d.digest} uses an algorithm Layerscope does not know.`)
    return createHash(alg)
  }

  checkDigest(d: OciDescriptor, h: Hash, what: string): void {
    const got = `${d.digest.split(':')[0]}:${h.digest('hex')}`
    if (got !== d.digest) {
      throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} hashes to ${got}, not to ${d.digest} as its descriptor says: the blob is corrupt or replaced.`)
    }
  }

  /** A small JSON file (index.json) or blob (manifest, config), size-bounded and digest-checked. */
  async readJson(path: string, what: string, d?: OciDescriptor): Promise<unknown> {
    const { fh, size } = d ? await this.openBlob(d, what) : await this.open(path, what)
    try {
      if (size > MAX_JSON_BYTES) throw limitError('jsonBytes', MAX_JSON_BYTES, `${this.dir}: ${what} is ${size} bytes, too big for an OCI index, manifest or config`)
      const buf = Buffer.alloc(size)
      let got = 0
      while (got < size) {
        const { bytesRead } = await fh.read(buf, got, size - got, got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      if (d) {
        const h = this.hasher(d)
        h.update(buf.subarray(0, got))
        this.checkDigest(d, h, what)
      }
      try {
        return JSON.parse(buf.toString('utf8', 0, got))
      } catch {
        throw new LayerscopeError('ARCHIVE_INVALID', `${this.dir}: ${what} is not valid JSON.`)
      }
    } finally {
      await fh.close()
    }
  }

  /** A blob's bytes, exactly `size` of them (a file that grew is still read to its descriptor). */
  stream(fh: FileHandle, size: number): Readable {
    if (size === 0) {
      void fh.close()
      return Readable.from([])
    }
    return fh.createReadStream({ start: 0, end: size - 1, highWaterMark: 256 * 1024, autoClose: true })
  }
}
