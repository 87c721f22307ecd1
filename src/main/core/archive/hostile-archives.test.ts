// Broken and hostile archives: OCI folders with FIFOs, devices, symlinks out, wrong sizes and
// digests; documents of the wrong shape; multi-image docker-archives. Each is read or refused
// with a message naming what is wrong, never INTERNAL, never a hang.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { readImageStream, readOciDir, splitImageSelector } from './image-reader'
import { makeTar } from './testdata/tar-writer'

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const root = mkdtempSync(join(tmpdir(), 'ls-hostile-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

interface Layout {
  dir: string
  layerHex: string
  configHex: string
  manifestHex: string
}

/** An OCI layout with real digests; `edit` may change the config or manifest before hashing. */
function layout(edit: { config?: (c: Record<string, unknown>) => unknown; manifest?: (m: Record<string, unknown>) => unknown; plain?: boolean } = {}): Layout {
  const dir = join(root, `oci-${n++}`)
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true })
  const tar = makeTar([{ path: 'etc/hello', content: 'hello world' }])
  const layer = edit.plain ? tar : gzipSync(tar)
  const put = (b: Buffer | string): string => {
    const h = sha(b)
    writeFileSync(join(dir, 'blobs', 'sha256', h), b)
    return h
  }
  const layerHex = put(layer)
  const cfg: Record<string, unknown> = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] }, history: [{ created_by: 'COPY hello /etc/' }] }
  const configJson = JSON.stringify(edit.config ? edit.config(cfg) : cfg)
  const configHex = put(configJson)
  const m: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configHex}`, size: Buffer.byteLength(configJson) },
    layers: [{ mediaType: `application/vnd.oci.image.layer.v1.tar${edit.plain ? '' : '+gzip'}`, digest: `sha256:${layerHex}`, size: layer.length }]
  }
  const manifestJson = JSON.stringify(edit.manifest ? edit.manifest(m) : m)
  const manifestHex = put(manifestJson)
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifestHex}`, size: Buffer.byteLength(manifestJson) }] })
  )
  return { dir, layerHex, configHex, manifestHex }
}

const read = (dir: string): ReturnType<typeof readOciDir> => readOciDir(dir, { paths: new PathTable(), label: dir })

describe('OCI layout folders', () => {
  it('reads a well-formed layout', async () => {
    const l = layout()
    const r = await read(l.dir)
    expect(r.layers[0]!.entries.contentBytes).toBe(11)
    expect(r.id).toBe(`sha256:${l.configHex}`)
  })

  it('refuses a blob that is a FIFO instead of blocking forever', async () => {
    const l = layout()
    const blob = join(l.dir, 'blobs', 'sha256', l.layerHex)
    unlinkSync(blob)
    execFileSync('mkfifo', [blob])
    await expect(read(l.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('is a FIFO, not a regular file') })
  }, 10_000)

  it('refuses a blob linked to /dev/zero (outside the layout, and a device) instead of streaming forever', async () => {
    const l = layout()
    const blob = join(l.dir, 'blobs', 'sha256', l.layerHex)
    unlinkSync(blob)
    symlinkSync('/dev/zero', blob)
    await expect(read(l.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('symlink that leads outside the layout') })
    // A device inside the layout folder is refused as a device.
    const l2 = layout()
    if (existsSync('/dev/null')) {
      const cfg = join(l2.dir, 'index.json')
      unlinkSync(cfg)
      symlinkSync('/dev/null', cfg)
      await expect(read(l2.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('outside the layout') })
    }
  }, 10_000)

  it.runIf(process.getuid?.() === 0)('refuses a device node inside the layout before opening it', async () => {
    const l = layout()
    const blob = join(l.dir, 'blobs', 'sha256', l.layerHex)
    unlinkSync(blob)
    // The numbers of /dev/null: harmless to open, but never a blob.
    execFileSync('mknod', [blob, 'c', '1', '3'])
    await expect(read(l.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('is a device, not a regular file') })
  })

  it('follows a symlink that stays inside the layout', async () => {
    const l = layout()
    const blob = join(l.dir, 'blobs', 'sha256', l.layerHex)
    execFileSync('mv', [blob, join(l.dir, 'layer.bin')])
    symlinkSync('../../layer.bin', blob)
    expect((await read(l.dir)).layers[0]!.entries.files).toBe(1)
  })

  it('checks every blob against its descriptor: size, then digest', async () => {
    const short = layout({ manifest: (m) => ({ ...m, layers: [{ ...(m.layers as object[])[0], size: 5 }] }) })
    await expect(read(short.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringMatching(/layer 1 .* bytes but its descriptor says 5/) })
    const swapped = layout()
    const blob = join(swapped.dir, 'blobs', 'sha256', swapped.layerHex)
    // Same size, other bytes (the gzip header's mtime), still a valid layer: only the digest can tell.
    const other = Buffer.from(execFileSync('cat', [blob]))
    other[4] = 0x42
    writeFileSync(blob, other)
    await expect(read(swapped.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining(`not to sha256:${swapped.layerHex}`) })
    const badConfig = layout()
    writeFileSync(join(badConfig.dir, 'blobs', 'sha256', badConfig.configHex), JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] } }).padEnd(200))
    await expect(read(badConfig.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
  })

  it('verifies an uncompressed layer by its blob digest (one hash of its bytes), still refusing altered bytes or a false diff ID', async () => {
    const verify = (dir: string): ReturnType<typeof readOciDir> => readOciDir(dir, { paths: new PathTable(), label: dir, verifyDiffIds: true })
    const ok = layout({ plain: true })
    const r = await verify(ok.dir)
    expect(r.layers[0]!.uncompressedDigest).toBe(`sha256:${ok.layerHex}`)
    expect(r.layers[0]!.diffId).toBe(`sha256:${ok.layerHex}`)
    expect(r.layers[0]!.entries.digestHex(0)).toBe(sha('hello world'))
    // Same size, other content: the blob digest no longer matches.
    const altered = layout({ plain: true })
    const blob = join(altered.dir, 'blobs', 'sha256', altered.layerHex)
    writeFileSync(blob, Buffer.from(readFileSync(blob).toString('latin1').replace('hello world', 'HELLO WORLD'), 'latin1'))
    await expect(verify(altered.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining(`not to sha256:${altered.layerHex}`) })
    // A config claiming another diff ID for the (intact) blob.
    const lie = layout({ plain: true, config: (c) => ({ ...c, rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] } }) })
    await expect(verify(lie.dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('is not the layer its config claims') })
    // A gzip layer is still hashed after decompression (its blob digest is of other bytes).
    const gz = layout()
    expect((await verify(gz.dir)).layers[0]!.uncompressedDigest).not.toBe(`sha256:${gz.layerHex}`)
  })

  it('names the field of a document with the wrong type', async () => {
    const cases: Array<[string, Parameters<typeof layout>[0], string]> = [
      ['diff_ids a string', { config: (c) => ({ ...c, rootfs: { type: 'layers', diff_ids: 'sha256:x' } }) }, 'rootfs.diff_ids should be a list'],
      ['history an object', { config: (c) => ({ ...c, history: { a: 1 } }) }, 'history should be a list'],
      ['labels a number', { config: (c) => ({ ...c, config: { Labels: 5 } }) }, 'config.Labels'],
      ['layer size a string', { manifest: (m) => ({ ...m, layers: [{ ...(m.layers as object[])[0], size: '12' }] }) }, 'layers[0].size should be a number'],
      ['diff_ids missing', { config: (c) => ({ ...c, rootfs: { type: 'layers' } }) }, 'rootfs.diff_ids should be a list (it is missing)'],
      ['layer digest junk', { manifest: (m) => ({ ...m, layers: [{ ...(m.layers as object[])[0], digest: '../../../etc/passwd' }] }) }, 'layers[0].digest is not a digest']
    ]
    for (const [why, edit, field] of cases) {
      await expect(read(layout(edit).dir), why).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining(field) })
    }
  })
})

/** A docker-archive (legacy save) holding several images. */
function legacyMulti(images: Array<{ tags: string[]; file: string }>, opts: { manifestJson?: unknown } = {}): Buffer {
  const entries = []
  const manifest = []
  for (const [i, im] of images.entries()) {
    const tar = makeTar([{ path: im.file, content: 'x'.repeat(i + 1) }])
    const cfg = JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] }, history: [{ created_by: 'x' }] })
    const hex = sha(cfg)
    entries.push({ path: `${sha(tar)}/layer.tar`, content: tar }, { path: `${hex}.json`, content: cfg })
    manifest.push({ Config: `${hex}.json`, RepoTags: im.tags, Layers: [`${sha(tar)}/layer.tar`] })
  }
  entries.push({ path: 'manifest.json', content: JSON.stringify(opts.manifestJson ?? manifest) })
  return makeTar(entries)
}

const readTar = (buf: Buffer, image?: string): ReturnType<typeof readImageStream> =>
  readImageStream(Readable.from([buf]), { paths: new PathTable(), label: 'multi.tar', image })

describe('docker-archive with several images', () => {
  const tar = legacyMulti([
    { tags: ['app:1'], file: 'one' },
    { tags: ['app:2', 'app:latest'], file: 'two' },
    { tags: [], file: 'three' }
  ])

  it('lists every image instead of silently taking the first', async () => {
    await expect(readTar(tar)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/holds 3 images: 1\. app:1 .*; 2\. app:2, app:latest .*; 3\. \(untagged\).*multi\.tar#app:1/)
    })
  })

  it('picks one by tag, by ID prefix or by number', async () => {
    expect((await readTar(tar, 'app:2')).repoTags).toEqual(['app:2', 'app:latest'])
    expect((await readTar(tar, 'app')).repoTags).toEqual(['app:2', 'app:latest'])
    const third = await readTar(tar, '3')
    expect(third.repoTags).toEqual([])
    expect((await readTar(tar, third.id.slice(7, 19))).id).toBe(third.id)
    await expect(readTar(tar, 'nope:1')).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND', message: expect.stringContaining('no image "nope:1"') })
  })

  it('splits "file#selector" only when the whole string is not a file', () => {
    expect(splitImageSelector('/x/a.tar#app:2', () => false)).toEqual({ path: '/x/a.tar', image: 'app:2' })
    expect(splitImageSelector('/x/we#ird.tar', () => true)).toEqual({ path: '/x/we#ird.tar' })
    expect(splitImageSelector('/x/a.tar', () => false)).toEqual({ path: '/x/a.tar' })
  })

  it('names the field of a manifest.json of the wrong shape', async () => {
    const bad = legacyMulti([{ tags: ['a:1'], file: 'f' }], { manifestJson: [{ Config: 'c.json', RepoTags: 'a:1', Layers: [] }] })
    await expect(readTar(bad)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('[0].RepoTags should be a list') })
    const empty = legacyMulti([{ tags: ['a:1'], file: 'f' }], { manifestJson: [] })
    await expect(readTar(empty)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('lists no image') })
  })

  it('refuses a manifest.json bigger than the JSON limit by name', async () => {
    const huge = makeTar([{ path: 'manifest.json', content: `[${' '.repeat(17 * 1024 * 1024)}]` }])
    await expect(readTar(huge)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'jsonBytes' } })
  })
})

describe('kept blobs', () => {
  it('refuses an archive with more files than the blob limit, without building it in memory', async () => {
    const { MAX_BLOBS } = await import('./limits')
    const { rawHeader } = await import('./testdata/raw-tar')
    async function* files(): AsyncGenerator<Buffer> {
      const batch: Buffer[] = []
      for (let i = 0; i <= MAX_BLOBS; i++) {
        batch.push(rawHeader({ name: `f${i}` }))
        if (batch.length === 1000) yield Buffer.concat(batch.splice(0))
      }
      yield Buffer.concat([...batch, Buffer.alloc(1024)])
    }
    await expect(readImageStream(Readable.from(files()), { paths: new PathTable(), label: 'many.tar' })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      detail: { limit: 'blobs', max: MAX_BLOBS }
    })
  }, 60_000)
})

describe('entries per image', () => {
  it('counts entries over all the layers of an image', async () => {
    const tar = legacyMulti([{ tags: ['a:1'], file: 'f' }])
    const ok = await readImageStream(Readable.from([tar]), { paths: new PathTable(), label: 'one.tar', maxEntriesPerImage: 1 })
    expect(ok.layers[0]!.entries.files).toBe(1)
    const l1 = makeTar([{ path: 'a' }, { path: 'b' }])
    const l2 = makeTar([{ path: 'c' }])
    const cfg = JSON.stringify({ rootfs: { type: 'layers', diff_ids: [`sha256:${sha(l1)}`, `sha256:${sha(l2)}`] } })
    const two = makeTar([
      { path: 'l1/layer.tar', content: l1 },
      { path: 'l2/layer.tar', content: l2 },
      { path: `${sha(cfg)}.json`, content: cfg },
      { path: 'manifest.json', content: JSON.stringify([{ Config: `${sha(cfg)}.json`, RepoTags: ['t:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]) }
    ])
    expect((await readImageStream(Readable.from([two]), { paths: new PathTable(), label: 'two.tar', maxEntriesPerImage: 3 })).layers.length).toBe(2)
    await expect(readImageStream(Readable.from([two]), { paths: new PathTable(), label: 'two.tar', maxEntriesPerImage: 2 })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      detail: { limit: 'entriesPerImage', max: 2 }
    })
  })
})
