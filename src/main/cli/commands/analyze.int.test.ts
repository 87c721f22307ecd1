// `layerscope analyze` and `layerscope cache` through the real CLI entry against the engine.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import type { ImageAnalysis } from '../../../shared/models/analysis'

const IMG = 'layerscope-test/analysis-cli:1'
const CLI = resolve(__dirname, '../index.ts')
let cache: string

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', cache, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

beforeAll(async () => {
  await ensureBaseImage()
  buildImage(IMG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/junk bs=1k count=64 && echo keep > /keep\nRUN rm /junk\nCMD ["sh"]\n`)
  cache = mkdtempSync(join(tmpdir(), 'ls-cli-cache-'))
})

afterAll(() => {
  removeTestImages('layerscope-test/analysis-cli')
  rmSync(cache, { recursive: true, force: true })
})

describe('layerscope analyze', () => {
  it('prints the documented JSON with engine-exact size', () => {
    const r = cli(['analyze', IMG, '--json'])
    expect(r.code, r.err).toBe(0)
    const a = JSON.parse(r.out) as ImageAnalysis
    expect(a.image.size).toBe(Number(docker(['image', 'inspect', '--format', '{{.Size}}', IMG]).trim()))
    expect(a.image.repoTags).toEqual([IMG])
    expect(a.layers.map((l) => l.createdBy)).toEqual(['Imported from a tar stream (docker import)', 'RUN dd if=/dev/zero of=/junk bs=1k count=64 && echo keep > /keep', 'RUN rm /junk'])
    expect(a.waste).toMatchObject({ bytes: 65536, pathCount: 1 })
    expect(a.waste.paths[0]).toEqual({ path: '/junk', bytes: 65536, reason: 'deleted', layerIndex: 1, byLayerIndex: 2 })
    expect(a.final.bytes).toBe(a.layerBytes - 65536)
    expect(typeof a.waste.dive.score).toBe('number')
    // Savings: only the hidden /junk (the busybox rootfs has no caches, docs or toolchains).
    expect(a.savings).toMatchObject({ bytes: 65536, files: 1, afterBytes: a.layerBytes - 65536 })
    expect(a.savings!.candidates).toEqual([
      expect.objectContaining({ id: 'hidden', bytes: 65536, files: 1, layers: [{ layerIndex: 1, bytes: 65536, files: 1 }], paths: [{ path: '/junk', bytes: 65536, layerIndex: 1 }] })
    ])
  })

  it('prints a readable summary, reads archives, and clears the cache', () => {
    const r = cli(['analyze', IMG])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('RUN rm /junk')
    expect(r.out).toMatch(/Wasted\s+65.5 kB/)
    expect(r.out).toContain('/junk  — deleted in layer 2; shipped by layer 1')
    expect(r.out).toContain('3 from cache')
    expect(r.out).toMatch(/Could save 65.5 kB \(65,536 bytes\) in 1 file;/)
    expect(r.out).toMatch(/65.5 kB {2}Shipped but hidden \(waste\) — 1 hidden copy, added by layer 1/)
    const tar = join(cache, '..', `ls-cli-${process.pid}.tar`)
    execFileSync('docker', ['save', '-o', tar, IMG])
    try {
      const j = JSON.parse(cli(['analyze', tar, '--json']).out) as ImageAnalysis
      expect(j.source).toEqual({ kind: 'archive', path: tar })
      expect(j.image.sizeKind).toBe('content')
      expect(j.waste.bytes).toBe(65536)
    } finally {
      rmSync(tar, { force: true })
    }
    const info = JSON.parse(cli(['cache', 'info', '--json']).out) as { entries: number }
    expect(info.entries).toBe(3)
    expect(cli(['cache', 'clear']).out).toContain('Removed 3 cached layers')
    expect(JSON.parse(cli(['cache', 'info', '--json']).out)).toMatchObject({ entries: 0 })
  })

  it('fails clearly for a missing image and a non-archive file', () => {
    const r = cli(['analyze', 'layerscope-test/analysis-cli:does-not-exist'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/No local image .*\[IMAGE_NOT_FOUND\]/)
    // The CLI's own source file exists, so it is taken as an archive, and refused as one.
    const j = cli(['analyze', CLI])
    expect(j.code).toBe(2)
    expect(j.err).toContain('[ARCHIVE_INVALID]')
  })
})
