// Multi-platform handling on REAL archives: an OCI layout holding an amd64 image (built on the
// engine) and an arm64 one, written by skopeo and joined under one index, proven valid by
// skopeo itself. Layer figures are checked against GNU tar's listing of the blobs.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { layerFigures } from '../../../../scripts/fixtures/tar-listing'
import type { ImageAnalysis, ImageSource } from '../../../shared/models/analysis'
import type { Comparison } from '../../../shared/models/compare'
import { createBackend, type Backend } from '../../api'
import { LayerscopeError } from '../errors'
import { hostPlatform } from './oci'
import { MP_AMD64, MP_ARM64, MP_PREFIX, MP_TAG, buildMultiPlatformFixture, skopeo, type MultiPlatformFixture } from './testdata/multi-platform-fixture'

const CLI = resolve(__dirname, '../../cli/index.ts')
let tmp: string
let cacheDir: string
let fx: MultiPlatformFixture
let be: Backend

const ctx = { front: 'cli' as const, emit: () => undefined }
const archive = (path: string): ImageSource => ({ kind: 'archive', path })
const engine = (ref: string): ImageSource => ({ kind: 'engine', ref })
const analyse = (source: ImageSource, platform?: string): Promise<ImageAnalysis> =>
  be.dispatcher.invoke('analysis:open', { jobId: 'mp', source, options: { platform, noCache: true } }, ctx)
const compare = (a: ImageSource, b: ImageSource, platform?: string): Promise<Comparison> =>
  be.dispatcher.invoke('compare:open', { jobId: 'mpc', a, b, options: { platform } }, ctx)

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', cacheDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** The analysis' layers against `tar -tv` of the chosen platform's blobs and its config. */
function expectPlatform(a: ImageAnalysis, arch: 'amd64' | 'arm64'): void {
  expect(a.image.os).toBe('linux')
  expect(a.image.arch).toBe(arch)
  expect(a.image.id).toBe(fx.configs[arch].digest)
  expect(a.layers.map((l) => l.diffId)).toEqual(fx.configs[arch].diffIds)
  const figures = fx.layerBlobs[arch].map(layerFigures)
  expect(a.layers.map((l) => ({ contentBytes: l.contentBytes, files: l.files, entries: l.entries }))).toEqual(figures)
  expect(a.layerBytes).toBe(figures.reduce((s, f) => s + f.contentBytes, 0))
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'layerscope-mp-'))
  cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-mp-cache-'))
  fx = await buildMultiPlatformFixture(tmp)
  be = createBackend({ cacheDir, resourcesDir: join(process.cwd(), 'resources'), front: 'cli', version: 'test' })
})

afterAll(() => {
  removeTestImages(MP_PREFIX)
  rmSync(tmp, { recursive: true, force: true })
  rmSync(cacheDir, { recursive: true, force: true })
})

describe('the fixture is a valid multi-platform layout for a tool that is not ours', () => {
  it('the engine holds a real arm64 image and skopeo reads the index and picks each platform', () => {
    expect(docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', MP_ARM64]).trim()).toBe('linux/arm64')
    expect(docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', MP_AMD64]).trim()).toBe('linux/amd64')
    const raw = JSON.parse(skopeo(['inspect', '--raw', `oci:${fx.nestedDir}:${MP_TAG}`])) as { manifests: Array<{ platform: { architecture: string } }> }
    expect(raw.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64'])
    for (const arch of ['amd64', 'arm64'] as const) {
      const out = join(tmp, `picked-${arch}`)
      skopeo(['copy', '-q', '--override-arch', arch, `oci:${fx.nestedDir}:${MP_TAG}`, `oci:${out}`])
      const picked = JSON.parse(skopeo(['inspect', `oci:${out}`])) as { Architecture: string; Digest: string }
      expect(picked.Architecture).toBe(arch)
      const cfg = JSON.parse(skopeo(['inspect', '--config', `oci:${out}`])) as { architecture: string; rootfs: { diff_ids: string[] } }
      expect(cfg.rootfs.diff_ids).toEqual(fx.configs[arch].diffIds)
      // The flat index names each entry; skopeo addresses them by name.
      expect((JSON.parse(skopeo(['inspect', `oci:${fx.flatDir}:${MP_TAG}-${arch}`])) as { Architecture: string }).Architecture).toBe(arch)
    }
    expect((JSON.parse(skopeo(['inspect', `oci-archive:${fx.nestedTar}:${MP_TAG}`])) as { Architecture: string }).Architecture).toBe(hostPlatform().architecture)
  })
})

describe('analysis of a multi-platform OCI layout', () => {
  const forms = (): Array<[string, string]> => [
    ['nested index, folder', fx.nestedDir],
    ['nested index, tar', fx.nestedTar],
    ['flat index, folder', fx.flatDir],
    ['flat index, tar', fx.flatTar]
  ]

  it('picks the host platform by default and the asked one with a platform', async () => {
    expect(hostPlatform()).toMatchObject({ os: 'linux', architecture: 'amd64' })
    for (const [name, path] of forms()) {
      const host = await analyse(archive(path))
      expectPlatform(host, 'amd64')
      const arm = await analyse(archive(path), 'linux/arm64')
      expectPlatform(arm, 'arm64')
      // The variant may be given or not.
      expectPlatform(await analyse(archive(path), 'linux/arm64/v8'), 'arm64')
      expectPlatform(await analyse(archive(path), 'linux/amd64'), 'amd64')
      // Two platforms of one file are two analyses, never one answer reused for the other.
      expect(arm.key, name).not.toBe(host.key)
      // The analysis says what else the archive holds.
      expect(host.image.platforms, name).toEqual(['linux/amd64', 'linux/arm64/v8'])
      expect(arm.image.platforms, name).toEqual(['linux/amd64', 'linux/arm64/v8'])
    }
  })

  it('a platform not in the index is PLATFORM_MISMATCH, listing the platforms that are there', async () => {
    for (const [, path] of forms()) {
      const err = await analyse(archive(path), 'linux/s390x').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(LayerscopeError)
      expect((err as LayerscopeError).code).toBe('PLATFORM_MISMATCH')
      expect((err as LayerscopeError).message).toContain('linux/s390x')
      expect((err as LayerscopeError).message).toContain('linux/amd64')
      expect((err as LayerscopeError).message).toContain('linux/arm64/v8')
    }
    // A variant the index does not hold is a mismatch too, not a silent pick of another one.
    const v7 = await analyse(archive(fx.nestedDir), 'linux/arm64/v7').catch((e: unknown) => e)
    expect((v7 as LayerscopeError).code).toBe('PLATFORM_MISMATCH')
    // A malformed platform says how to write one.
    const bad = await analyse(archive(fx.nestedDir), 'arm64').catch((e: unknown) => e)
    expect((bad as LayerscopeError).code).toBe('INVALID_INPUT')
    expect((bad as LayerscopeError).message).toContain('os/arch')
  })

  it('single-platform archives and engine images check the asked platform', async () => {
    expect((await analyse(archive(fx.arm64Dir))).image.platforms).toBeUndefined()
    expectPlatform(await analyse(archive(fx.arm64Tar), 'linux/arm64'), 'arm64')
    expectPlatform(await analyse(archive(fx.arm64Dir), 'linux/arm64'), 'arm64')
    for (const src of [archive(fx.arm64Tar), archive(fx.arm64Dir), engine(MP_ARM64)]) {
      const err = await analyse(src, 'linux/amd64').catch((e: unknown) => e)
      expect((err as LayerscopeError).code).toBe('PLATFORM_MISMATCH')
      expect((err as LayerscopeError).message).toContain('arm64')
    }
    // The engine's own `docker save` of the arm64 image (legacy layout: no index, the config says).
    const saved = join(tmp, 'arm64-saved.tar')
    docker(['save', '-o', saved, MP_ARM64])
    const legacy = await analyse(archive(saved), 'linux/arm64/v8')
    expectPlatform(legacy, 'arm64')
    expect(legacy.format).toBe('docker-archive')
    const wrong = await analyse(archive(saved), 'linux/amd64').catch((e: unknown) => e)
    expect((wrong as LayerscopeError).code).toBe('PLATFORM_MISMATCH')
    expect((wrong as LayerscopeError).message).toContain('linux/arm64/v8')
    const eng = await analyse(engine(MP_ARM64), 'linux/arm64')
    expect(eng.image.arch).toBe('arm64')
    expect(eng.layers.map((l) => l.diffId)).toEqual(fx.configs.arm64.diffIds)
    expect(eng.image.size).toBe(Number(docker(['image', 'inspect', '-f', '{{.Size}}', MP_ARM64]).trim()))
  })

  it('the CLI: analyze --platform and its error', () => {
    const def = cli(['analyze', fx.nestedTar, '--json', '--no-cache'])
    expect(def.code, def.err).toBe(0)
    const d = JSON.parse(def.out) as { layers: Array<{ diffId: string }>; image: { id: string; arch: string; platforms: string[] } }
    expect(d.image.id).toBe(fx.configs.amd64.digest)
    expect(d.image.arch).toBe('amd64')
    expect(d.image.platforms).toEqual(['linux/amd64', 'linux/arm64/v8'])
    const text = cli(['analyze', fx.nestedTar])
    expect(text.code, text.err).toBe(0)
    expect(text.out).toMatch(/^Platform {2}linux\/amd64 \(the archive holds linux\/amd64, linux\/arm64\/v8; pick another with --platform\)$/m)
    const arm = cli(['analyze', fx.nestedDir, '--json', '--platform', 'linux/arm64'])
    expect(arm.code, arm.err).toBe(0)
    const a = JSON.parse(arm.out) as { layers: Array<{ diffId: string; contentBytes: number; files: number }>; image: { id: string } }
    expect(a.image.id).toBe(fx.configs.arm64.digest)
    expect(a.layers.map((l) => ({ contentBytes: l.contentBytes, files: l.files }))).toEqual(
      fx.layerBlobs.arm64.map(layerFigures).map((f) => ({ contentBytes: f.contentBytes, files: f.files }))
    )
    const miss = cli(['analyze', fx.nestedDir, '--platform', 'windows/amd64'])
    expect(miss.code).not.toBe(0)
    expect(miss.err).toContain('linux/amd64')
    expect(miss.err).toContain('linux/arm64')
    expect(miss.err).not.toMatch(/at .*\.ts:\d+/) // a message, not a stack
  })
})

describe('compare across platforms', () => {
  function expectPlatformNote(c: Comparison, a: string, b: string): void {
    const note = c.notes.find((n) => n.includes('platform'))
    expect(note, JSON.stringify(c.notes)).toBeDefined()
    expect(note).toContain(a)
    expect(note).toContain(b)
  }

  it('engine amd64 image against the arm64 archive: platform note, content-bytes delta', async () => {
    const amd = await analyse(engine(MP_AMD64))
    const c = await compare(engine(MP_AMD64), archive(fx.arm64Tar))
    expectPlatformNote(c, 'linux/amd64', 'linux/arm64')
    expect(c.a.image.arch).toBe('amd64')
    expect(c.b.image.arch).toBe('arm64')
    expect(c.sharedLayers).toHaveLength(0)
    expect(c.onlyA.map((l) => l.diffId)).toEqual(fx.configs.amd64.diffIds)
    expect(c.onlyB.map((l) => l.diffId)).toEqual(fx.configs.arm64.diffIds)
    // Archive against engine: like for like on layer content bytes, from tar's own listing.
    const bytes = (arch: 'amd64' | 'arm64'): number => fx.layerBlobs[arch].map(layerFigures).reduce((s, f) => s + f.contentBytes, 0)
    expect(c.delta.basis).toBe('content')
    expect(c.delta.bytes).toBe(bytes('arm64') - bytes('amd64'))
    expect(amd.layerBytes).toBe(bytes('amd64'))
  })

  it('engine amd64 image against the multi-platform layout: the host pick shares every layer', async () => {
    const c = await compare(engine(MP_AMD64), archive(fx.nestedTar))
    expect(c.notes.some((n) => n.includes('platform'))).toBe(false)
    expect(c.sharedLayers.map((l) => l.diffId)).toEqual(fx.configs.amd64.diffIds)
    expect(c.onlyA).toHaveLength(0)
    expect(c.onlyB).toHaveLength(0)
    expect(c.delta.bytes).toBe(0)
    expect(c.files.added.count + c.files.removed.count + c.files.changed.count).toBe(0)
  })

  it('archive against archive: the multi-platform layout (host pick) against the arm64 layout', async () => {
    const c = await compare(archive(fx.nestedDir), archive(fx.arm64Dir))
    expectPlatformNote(c, 'linux/amd64', 'linux/arm64')
    expect(c.a.image.id).toBe(fx.configs.amd64.digest)
    expect(c.b.image.id).toBe(fx.configs.arm64.digest)
    expect(c.delta.basis).toBe('content')
    expect(c.files.added.count + c.files.removed.count + c.files.changed.count).toBeGreaterThan(0)
  })

  it('engine arm64 against engine amd64: platform note, engine sizes', async () => {
    const c = await compare(engine(MP_ARM64), engine(MP_AMD64))
    expectPlatformNote(c, 'linux/arm64', 'linux/amd64')
    const size = (r: string): number => Number(docker(['image', 'inspect', '-f', '{{.Size}}', r]).trim())
    expect(c.delta.basis).toBe('engine')
    expect(c.delta.bytes).toBe(size(MP_AMD64) - size(MP_ARM64))
  })

  it('one multi-platform archive against itself, a platform per side', async () => {
    const c = await compare(archive(fx.nestedTar), { kind: 'archive', path: fx.nestedTar, platform: 'linux/arm64' })
    expectPlatformNote(c, 'linux/amd64', 'linux/arm64')
    expect(c.a.image.id).toBe(fx.configs.amd64.digest)
    expect(c.b.image.id).toBe(fx.configs.arm64.digest)
    expect(c.b.source).toMatchObject({ platform: 'linux/arm64' })
    expect(c.labels).toEqual({ a: 'nested.tar (linux/amd64)', b: 'nested.tar (linux/arm64/v8)' })
    const bytes = (arch: 'amd64' | 'arm64'): number => fx.layerBlobs[arch].map(layerFigures).reduce((s, f) => s + f.contentBytes, 0)
    expect(c.delta.bytes).toBe(bytes('arm64') - bytes('amd64'))
    // The side's platform wins over the request's.
    const d = await compare({ kind: 'archive', path: fx.nestedDir, platform: 'linux/arm64' }, archive(fx.arm64Dir), 'linux/amd64').catch((e: unknown) => e)
    expect((d as LayerscopeError).code, String(d)).toBe('PLATFORM_MISMATCH')
    expect((d as LayerscopeError).message).toMatch(/^Side B/)
  })

  it('a platform asked for both sides that one side lacks is a clear error naming the side', async () => {
    const err = await compare(engine(MP_AMD64), archive(fx.nestedDir), 'linux/arm64').catch((e: unknown) => e)
    expect((err as LayerscopeError).code).toBe('PLATFORM_MISMATCH')
    expect((err as LayerscopeError).message).toMatch(/^Side A/)
  })

  it('the CLI: compare --json carries both platforms and the note', () => {
    const r = cli(['compare', MP_AMD64, fx.arm64Tar, '--json'])
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse(r.out) as { a: { platform: string }; b: { platform: string }; notes: string[]; delta: { basis: string } }
    expect(j.a.platform).toBe('linux/amd64')
    expect(j.b.platform).toBe('linux/arm64/v8')
    expect(j.notes.some((n) => n.includes('linux/arm64'))).toBe(true)
    expect(j.delta.basis).toBe('content')
    const t = cli(['compare', fx.nestedDir, fx.arm64Dir])
    expect(t.code, t.err).toBe(0)
    expect(t.out).toContain('linux/arm64')
    const same = cli(['compare', fx.nestedDir, fx.nestedDir, '--platform-b', 'linux/arm64', '--json'])
    expect(same.code, same.err).toBe(0)
    const s = JSON.parse(same.out) as { a: { id: string; platform: string }; b: { id: string; platform: string } }
    expect([s.a.id, s.b.id]).toEqual([fx.configs.amd64.digest, fx.configs.arm64.digest])
    expect([s.a.platform, s.b.platform]).toEqual(['linux/amd64', 'linux/arm64/v8'])
    const bad = cli(['compare', fx.nestedDir, fx.nestedDir, '--platform-a', 'linux/ppc64le'])
    expect(bad.code).not.toBe(0)
    expect(bad.err).toContain('linux/arm64/v8')
  })
})
