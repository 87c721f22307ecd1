// zstd layers made by the real tools (docker save, skopeo, the zstd CLI), read by the real
// archive reader with whatever decoder this runtime has: the zstd CLI on Node 20, zlib's on
// Node 22 / 24 (scripts/test.sh runs this file under both in its node22 stage).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSeeds } from '../../../../scripts/fuzz/seeds'
import { PathTable } from '../model/path-table'
import { readImageFile, readOciDir, type ReadImage } from './image-reader'
import { zstdBackend } from './zstd'

let tmp: string
let dockerArchive: string
let layout: string

beforeAll(async () => {
  const seeds = await ensureSeeds(join(tmpdir(), 'layerscope-fuzz-seeds'))
  dockerArchive = seeds.find((s) => s.endsWith('docker-archive.tar'))!
  tmp = mkdtempSync(join(tmpdir(), 'layerscope-zstd-int-'))
  layout = join(tmp, 'layout')
  mkdirSync(layout)
  execFileSync('tar', ['-C', layout, '-xf', seeds.find((s) => s.endsWith('oci-zstd.tar'))!])
})

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const summary = (r: ReadImage): Array<Record<string, unknown>> =>
  r.layers.map((l) => ({ diffId: l.diffId, files: l.entries.files, entries: l.entries.entries, contentBytes: l.entries.contentBytes }))
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const read = (dir: string): Promise<ReadImage> => readOciDir(dir, { paths: new PathTable(), label: 'zstd layout', verifyDiffIds: true })

interface Desc {
  mediaType: string
  digest: string
  size: number
}

/** A copy of the layout with its largest layer's blob replaced by `recompress(tar bytes)`. */
function relayer(name: string, recompress: (tar: Buffer) => Buffer): { dir: string; layer: number } {
  const dir = join(tmp, name)
  cpSync(layout, dir, { recursive: true })
  const blob = (d: string): string => join(dir, 'blobs', 'sha256', d.slice(7))
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Desc[] }
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { layers: Desc[] }
  const layer = manifest.layers.reduce((best, l, i) => (l.size > manifest.layers[best]!.size ? i : best), 0)
  const tar = execFileSync('zstd', ['-d', '-q', '-c', blob(manifest.layers[layer]!.digest)], { maxBuffer: 1 << 28 })
  const z = recompress(tar)
  writeFileSync(join(dir, 'blobs', 'sha256', sha(z)), z)
  manifest.layers[layer] = { ...manifest.layers[layer]!, digest: `sha256:${sha(z)}`, size: z.length }
  const m = Buffer.from(JSON.stringify(manifest))
  writeFileSync(join(dir, 'blobs', 'sha256', sha(m)), m)
  index.manifests[0] = { ...index.manifests[0]!, digest: `sha256:${sha(m)}`, size: m.length }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index))
  return { dir, layer }
}

const zstd = (input: Buffer, args: string[]): Buffer => execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 })

describe('zstd layers (decoder here: %s)'.replace('%s', zstdBackend()), () => {
  it("decodes with zlib where the runtime has it, else the zstd CLI", () => {
    expect(zstdBackend()).toBe(typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'zlib' : 'cli')
  })

  it("skopeo's zstd layout reads as `docker save` of the same image, layer for layer, diff IDs verified", async () => {
    const saved = await readImageFile(dockerArchive, { paths: new PathTable(), label: 'docker save', verifyDiffIds: true })
    const z = await read(layout)
    expect(z.layers.map((l) => l.compression)).toEqual(saved.layers.map(() => 'zstd'))
    expect(summary(z)).toEqual(summary(saved))
    // Not a vacuous match: four layers, the first with the base's 1.9 MB of files.
    expect(z.layers.length).toBe(4)
    expect(z.layers[0]!.entries.contentBytes).toBeGreaterThan(1_000_000)
  })

  it('a layer in several frames (a skippable one between) with a --long window reads the same', async () => {
    const { dir } = relayer('frames', (tar) => {
      const half = tar.length >> 1
      const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('abc')])
      return Buffer.concat([zstd(tar.subarray(0, half), ['--long=27', '-3']), skippable, zstd(tar.subarray(half), ['-19']), zstd(Buffer.alloc(0), [])])
    })
    expect(summary(await read(dir))).toEqual(summary(await read(layout)))
  })

  it("a layer whose frame needs a 1 GiB window (zstd --long=30) is refused by name, as containerd refuses it", async () => {
    const { dir, layer } = relayer('window', (tar) => zstd(tar, ['--long=30']))
    await expect(read(dir)).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      detail: { limit: 'zstdWindow', max: 2 ** 29, value: 2 ** 30 },
      message: expect.stringMatching(new RegExp(`layer ${layer + 1}.*needs a 1 GiB window, above Layerscope's limit of 512 MiB`))
    })
  })

  it('a layer cut inside its last frame is refused as truncated, never read short', async () => {
    const { dir } = relayer('cut', (tar) => {
      const z = zstd(tar, [])
      return z.subarray(0, z.length - 3)
    })
    await expect(read(dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringMatching(/corrupt or truncated \(the stream ends inside frame 1\)/) })
  })
})
