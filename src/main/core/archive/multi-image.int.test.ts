// Multi-image archives made by the real tools: `docker save a b` (docker-archive with two
// manifest.json items) and skopeo writing two refs into one OCI layout. Every image is
// offered; a selector picks one; its diff IDs match what the engine says.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { PathTable } from '../model/path-table'
import { readImageFile, readOciDir } from './image-reader'

const PREFIX = 'layerscope-test/archive-hardening-multi'
const A = `${PREFIX}:a`
const B = `${PREFIX}:b`
let tmp: string

const diffIds = (ref: string): string[] => JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])) as string[]
const idOf = (ref: string): string => docker(['image', 'inspect', '--format', '{{.Id}}', ref]).trim()

beforeAll(async () => {
  await ensureBaseImage()
  tmp = mkdtempSync(join(tmpdir(), 'layerscope-multi-'))
  buildImage(A, `FROM ${BASE_IMAGE}\nRUN echo a > /a.txt\n`)
  buildImage(B, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/b.bin bs=1k count=64\n`)
  docker(['save', '-o', join(tmp, 'two.tar'), A, B])
  execFileSync('skopeo', ['copy', '-q', `docker-archive:${join(tmp, 'two.tar')}:${A}`, `oci:${join(tmp, 'oci')}:a`])
  execFileSync('skopeo', ['copy', '-q', `docker-archive:${join(tmp, 'two.tar')}:${B}`, `oci:${join(tmp, 'oci')}:b`])
})

afterAll(() => {
  removeTestImages(PREFIX)
  rmSync(tmp, { recursive: true, force: true })
})

describe('docker save of two images', () => {
  it('offers both instead of silently reading the first', async () => {
    await expect(readImageFile(join(tmp, 'two.tar'), { paths: new PathTable(), label: 'two.tar' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(new RegExp(`holds 2 images: 1\\. .*${PREFIX}:(a|b).*; 2\\. .*${PREFIX}:(a|b)`))
    })
  })

  it('reads the one the selector names, as the engine knows it', async () => {
    for (const ref of [A, B]) {
      const r = await readImageFile(join(tmp, 'two.tar'), { paths: new PathTable(), label: 'two.tar', image: ref })
      expect(r.repoTags).toEqual([ref])
      expect(r.id).toBe(idOf(ref))
      expect(r.layers.map((l) => l.diffId)).toEqual(diffIds(ref))
    }
    const byId = await readImageFile(join(tmp, 'two.tar'), { paths: new PathTable(), label: 'two.tar', image: idOf(B).slice(7, 19) })
    expect(byId.repoTags).toEqual([B])
  })
})

describe('the CLI on a multi-image archive', () => {
  const CLI = resolve(__dirname, '../../cli/index.ts')
  const cli = (args: string[]): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', join(tmp, 'cache'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    return { code: r.status, out: r.stdout, err: r.stderr }
  }

  it('lists the images, then analyses the one picked with file#tag', () => {
    const all = cli(['analyze', join(tmp, 'two.tar')])
    expect(all.code).not.toBe(0)
    expect(all.err).toContain('holds 2 images')
    expect(all.err).toContain(`${join(tmp, 'two.tar')}#`)
    const one = cli(['analyze', `${join(tmp, 'two.tar')}#${B}`, '--json'])
    expect(one.err).toBe('')
    const j = JSON.parse(one.out) as { image: { id: string }; layers: Array<{ diffId: string }> }
    expect(j.image.id).toBe(idOf(B))
    expect(j.layers.map((l) => l.diffId)).toEqual(diffIds(B))
  })
})

describe('an OCI layout skopeo filled with two refs', () => {
  it('offers both, and reads the one named', async () => {
    const dir = join(tmp, 'oci')
    await expect(readOciDir(dir, { paths: new PathTable(), label: dir })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('holds 2 images: 1. a; 2. b') })
    const b = await readOciDir(dir, { paths: new PathTable(), label: dir, image: 'b' })
    expect(b.layers.map((l) => l.diffId)).toEqual(diffIds(B))
    expect(b.layers.at(-1)!.entries.contentBytes).toBe(64 * 1024)
    await expect(readOciDir(dir, { paths: new PathTable(), label: dir, image: 'c' })).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })
})
