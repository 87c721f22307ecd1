// The analysis against the real engine: every figure is checked against an independent
// count (GNU tar listings of the saved layers, `docker export` of the final filesystem,
// `docker image inspect`), and the same image read as docker-archive, OCI layout folder,
// OCI archive and .tar.gz gives the same results.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { layerFigures, listTar } from '../../../../scripts/fixtures/tar-listing'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { createBackend } from '../../api'
import { EngineClient } from '../engine/engine-client'
import { exportImage } from '../archive/engine-export'
import { AnalysisService } from './analysis-service'
import { CACHE_FORMAT } from '../cache/layer-cache'

const IMG = 'layerscope-test/analysis-waste:1'
const DOCKERFILE = `FROM ${BASE_IMAGE}
COPY files/ /data/
RUN mkdir -p /work/sub && dd if=/dev/zero of=/work/big.bin bs=1k count=300 && echo hello > /work/sub/a.txt && seq 1 5000 > /work/sub/seq.txt && ln -s /etc/passwd /work/abs-link && ln /work/sub/seq.txt /work/hard && touch "/work/with space ü.txt"
RUN chmod 600 /data/blob.bin && echo more >> /work/sub/a.txt
RUN rm /work/big.bin && rm -r /data/dir1
ENV X=1
RUN mkdir /data/dir1 && echo back > /data/dir1/again
`
const FILES = {
  'files/blob.bin': Buffer.alloc(50_000, 7),
  'files/dir1/x': 'x'.repeat(1000),
  'files/dir1/y': 'y'.repeat(2000)
}

let tmp: string
let cacheDir: string
let saved: string
let svc: AnalysisService
let engine: EngineClient
let gets = 0
let first: ImageAnalysis

/** Counts export requests (the `docker save` stream) at the call that opens it. */
const countingExport: typeof exportImage = (...args) => {
  gets++
  return exportImage(...args)
}

/** Everything but where it came from (skopeo rewrites the config, so OCI copies get a new ID). */
function comparable(a: ImageAnalysis): unknown {
  return {
    layers: a.layers.map((l) => ({ ...l, compressedBytes: undefined, created: undefined, isBase: undefined })),
    layerBytes: a.layerBytes,
    final: a.final,
    waste: a.waste,
    history: a.history.map((h) => ({ ...h, engineSize: undefined }))
  }
}

beforeAll(async () => {
  await ensureBaseImage()
  buildImage(IMG, DOCKERFILE, FILES)
  tmp = mkdtempSync(join(tmpdir(), 'ls-analysis-int-'))
  cacheDir = join(tmp, 'cache')
  saved = join(tmp, 'saved.tar')
  docker(['save', '-o', saved, IMG])
  engine = EngineClient.fromEnvironment()
  svc = new AnalysisService({ engine: () => engine, cacheDir, exportImage: countingExport })
  first = (await svc.open({ kind: 'engine', ref: IMG })).analysis
  await svc.flush()
})

afterAll(() => {
  removeTestImages('layerscope-test/analysis-')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('engine image', () => {
  it('matches independent counts of every layer (tar -tv of the saved layers)', () => {
    const x = join(tmp, 'x')
    execFileSync('mkdir', ['-p', x])
    execFileSync('tar', ['-xf', saved, '-C', x])
    const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
    const layerFiles = manifest[0]!.Layers
    expect(first.layers).toHaveLength(layerFiles.length)
    layerFiles.forEach((lf, i) => {
      const { contentBytes, files, entries } = first.layers[i]!
      expect({ contentBytes, files, entries }, `layer ${i}`).toEqual(layerFigures(join(x, lf)))
    })
    expect(first.layerBytes).toBe(first.layers.reduce((s, l) => s + l.contentBytes, 0))
  })

  it('reports inspect .Size exactly and the final filesystem as `docker export` sees it', () => {
    expect(first.image.size).toBe(Number(docker(['image', 'inspect', '--format', '{{.Size}}', IMG]).trim()))
    expect(first.image.sizeKind).toBe('engine')
    expect(first.image.repoTags).toEqual([IMG])
    const cid = docker(['create', IMG]).trim()
    try {
      const exp = join(tmp, 'export.tar')
      docker(['export', '-o', exp, cid])
      const files = listTar(exp).filter((l) => l.type === '-')
      // The container's init layer adds empty files only (/etc/hosts, /.dockerenv, ...).
      const init = new Set(['.dockerenv', 'dev/console', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf'])
      const ours = files.filter((l) => !init.has(l.name.replace(/^\.?\//, '')))
      expect(first.final.bytes).toBe(files.reduce((s, l) => s + l.size, 0))
      expect(first.final.files).toBe(ours.length)
    } finally {
      docker(['rm', cid])
    }
  })

  it('explains the waste path by path, with reasons and layers', () => {
    const w = first.waste
    expect(w.bytes).toBe(first.layerBytes - first.final.bytes)
    expect(w.paths.reduce((s, p) => s + p.bytes, 0)).toBe(w.bytes)
    expect(w.efficiency).toBeCloseTo(first.final.bytes / first.layerBytes, 12)
    const by = Object.fromEntries(w.paths.map((p) => [p.path, p]))
    expect(by['/work/big.bin']).toMatchObject({ bytes: 307200, reason: 'deleted', layerIndex: 2, byLayerIndex: 4 })
    expect(by['/data/blob.bin']).toMatchObject({ bytes: 50000, reason: 'metadata-only', layerIndex: 1, byLayerIndex: 3 })
    expect(by['/work/sub/a.txt']).toMatchObject({ bytes: 6, reason: 'overwritten', layerIndex: 2, byLayerIndex: 3 })
    expect(by['/data/dir1/x']).toMatchObject({ bytes: 1000, reason: 'deleted', byLayerIndex: 4 })
    expect(by['/data/dir1/y']).toMatchObject({ bytes: 2000, reason: 'deleted', byLayerIndex: 4 })
    expect(w.pathCount).toBe(5)
    // Layer 4 deleted big.bin and dir1 with its two files.
    expect(first.layers[4]).toMatchObject({ deleted: 4, deletedBytes: 307200 + 3000 })
    expect(first.layers[5]).toMatchObject({ added: 2, addedBytes: 5 })
    expect(w.dive.score).toBeGreaterThan(0)
    expect(w.dive.score).toBeLessThan(1)
  })

  it('joins history: cleaned RUN steps, empty steps listed, base detected', () => {
    expect(first.layers[2]!.createdBy).toMatch(/^RUN mkdir -p \/work\/sub && dd/)
    expect(first.layers[2]!.createdByRaw).toMatch(/^\/bin\/sh -c mkdir/)
    expect(first.layers[1]!.createdBy).toMatch(/^COPY dir:\w+ in \/data\/$/)
    const env = first.history.find((h) => h.createdBy === 'ENV X=1')!
    expect(env).toMatchObject({ emptyLayer: true })
    expect(env.layerIndex).toBeUndefined()
    expect(first.base).toEqual({ ref: BASE_IMAGE, layers: 1 })
    expect(first.layers.map((l) => l.isBase)).toEqual([true, false, false, false, false, false])
  })

  it('re-opens from the cache without exporting, with the same results', async () => {
    expect(gets).toBe(1)
    const again = new AnalysisService({ engine: () => engine, cacheDir, exportImage: countingExport })
    const a = (await again.open({ kind: 'engine', ref: IMG })).analysis
    expect(gets).toBe(1)
    expect(again.exports).toBe(0)
    expect(a.format).toBe('cache')
    expect(a.cachedLayers).toBe(6)
    expect(comparable(a)).toEqual(comparable(first))
    // The layers are read from the cache only when a query needs them.
    const img = again.get(a.key)
    expect(img.isLoaded).toBe(false)
    expect(img.tree(null, 'stacked', '/').node.bytes).toBe(first.final.bytes)
    expect(img.isLoaded).toBe(true)
    expect([...img.finalEntries()].length).toBe(first.final.entries)
    // Without the image summary, the cached layers alone still avoid the export.
    await again.flush()
    rmSync(join(cacheDir, `v${CACHE_FORMAT}`, 'images'), { recursive: true })
    const third = new AnalysisService({ engine: () => engine, cacheDir, exportImage: countingExport })
    const b = (await third.open({ kind: 'engine', ref: IMG })).analysis
    expect(gets).toBe(1)
    expect(b.format).toBe('cache')
    // History then comes from the engine's /history (whole seconds, no empty_layer flag).
    const noTimes = (x: ImageAnalysis): unknown => ({ ...(comparable(x) as object), history: x.history.map((h) => ({ ...h, created: undefined, engineSize: undefined })) })
    expect(noTimes(b)).toEqual(noTimes(first))
    // --no-cache exports again.
    await again.open({ kind: 'engine', ref: IMG }, { noCache: true })
    expect(gets).toBe(2)
  })

  it('rebuilds a damaged cache entry', async () => {
    const dir = join(cacheDir, `v${CACHE_FORMAT}`, 'layers')
    const f = readdirSync(dir).find((n) => n.endsWith('.lsl'))!
    const buf = readFileSync(join(dir, f))
    buf[buf.length - 3] = buf[buf.length - 3]! ^ 0xff
    writeFileSync(join(dir, f), buf)
    const s = new AnalysisService({ engine: () => engine, cacheDir, exportImage: countingExport })
    const before = gets
    const a = (await s.open({ kind: 'engine', ref: IMG })).analysis
    await s.flush()
    expect(gets).toBe(before + 1)
    expect(comparable(a)).toEqual(comparable(first))
    expect(existsSync(join(dir, f))).toBe(true)
  })

  it('leaves no cache entry when cancelled, and says IMAGE_NOT_FOUND for a removed image', async () => {
    const dir = join(tmp, 'cancel-cache')
    const s = new AnalysisService({ engine: () => engine, cacheDir: dir })
    const ac = new AbortController()
    const p = s.open({ kind: 'engine', ref: IMG }, { signal: ac.signal, onProgress: (e) => e.phase === 'export' && e.bytesDone > 0 && ac.abort() })
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
    await s.flush()
    const left = existsSync(dir) ? execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }) : ''
    expect(left).toBe('')

    const gone = 'layerscope-test/analysis-gone:1'
    buildImage(gone, `FROM ${BASE_IMAGE}\nRUN echo x > /x\n`)
    docker(['rmi', gone])
    await expect(s.open({ kind: 'engine', ref: gone })).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })
})

describe('archives', () => {
  it('reads the docker save tar, its .tar.gz, an OCI layout folder and an OCI archive alike', async () => {
    const s = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'arch-cache') })
    const gz = join(tmp, 'saved.tar.gz')
    writeFileSync(gz, gzipSync(readFileSync(saved)))
    const ociDir = join(tmp, 'oci')
    const ociTar = join(tmp, 'oci.tar')
    execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMG}`, `oci:${ociDir}:t1`])
    execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMG}`, `oci-archive:${ociTar}:t1`])
    const results: Record<string, ImageAnalysis> = {}
    for (const [name, path] of Object.entries({ saved, gz, ociDir, ociTar })) {
      const progress: number[] = []
      results[name] = (await s.open({ kind: 'archive', path }, { noCache: true, onProgress: (p) => progress.push(p.bytesDone) })).analysis
      expect(progress.length, name).toBeGreaterThan(0)
    }
    for (const [name, a] of Object.entries(results)) {
      expect(comparable(a), name).toEqual(comparable(first))
      expect(a.image.sizeKind).toBe('content')
      expect(a.image.size).toBe(first.layerBytes)
    }
    expect(results.saved!.image.id).toBe(first.image.id)
    expect(results.gz!.image.id).toBe(first.image.id)
    expect(results.ociTar!.image.id).toBe(results.ociDir!.image.id)
    expect(results.saved!.format).toBe('docker-archive')
    expect(results.ociDir!.format).toBe('oci')
    // skopeo gzips layers into the OCI layout: compressed sizes come from the blobs.
    const manifestSum = results.ociDir!.layers.reduce((sum, l) => sum + (l.compressedBytes ?? 0), 0)
    expect(results.ociDir!.image.compressedSize).toBe(manifestSum)
    expect(manifestSum).toBeGreaterThan(0)
    expect(manifestSum).toBeLessThan(first.layerBytes)
    expect(results.ociTar!.image.compressedSize).toBe(manifestSum)
    // With its layers cached, the OCI folder is not read again and still knows its sizes.
    const cachedRead: number[] = []
    const again = (await s.open({ kind: 'archive', path: ociDir }, { onProgress: (p) => cachedRead.push(p.bytesDone) })).analysis
    await s.flush()
    const third = (await s.open({ kind: 'archive', path: ociDir })).analysis
    expect(third.cachedLayers).toBe(6)
    expect(comparable(third)).toEqual(comparable(results.ociDir!))
    expect(third.image.compressedSize).toBe(manifestSum)
    expect(again.layers).toHaveLength(6)
  })

  it('turns broken archives into clear ARCHIVE_INVALID errors', async () => {
    const s = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'bad-cache') })
    const cut = join(tmp, 'cut.tar')
    writeFileSync(cut, readFileSync(saved).subarray(0, Math.floor(readFileSync(saved).length / 2)))
    await expect(s.open({ kind: 'archive', path: cut })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringMatching(/truncated|incomplete/) })
    const junk = join(tmp, 'junk.bin')
    writeFileSync(junk, 'this is not an image archive\n'.repeat(100))
    await expect(s.open({ kind: 'archive', path: junk })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('not an image archive') })
    const ociDir = join(tmp, 'oci-missing')
    execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMG}`, `oci:${ociDir}:t1`])
    const manifest = JSON.parse(readFileSync(join(ociDir, 'blobs/sha256', (JSON.parse(readFileSync(join(ociDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }).manifests[0]!.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> }
    unlinkSync(join(ociDir, 'blobs/sha256', manifest.layers[2]!.digest.slice(7)))
    await expect(s.open({ kind: 'archive', path: ociDir }, { noCache: true })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('missing the blob') })
    const truncatedGz = join(tmp, 'cut.tar.gz')
    writeFileSync(truncatedGz, gzipSync(readFileSync(saved)).subarray(0, 40_000))
    await expect(s.open({ kind: 'archive', path: truncatedGz })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
    truncateSync(cut, 0)
    await expect(s.open({ kind: 'archive', path: cut })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
  })
})

describe('API handlers', () => {
  it('opens with progress events and answers tree, search, treemap and waste queries', async () => {
    const backend = createBackend({ cacheDir: join(tmp, 'api-cache'), resourcesDir: '/nonexistent', front: 'browser', version: 'test' })
    const events: Array<{ phase: string; bytesDone: number; bytesTotal?: number }> = []
    const ctx = { front: 'browser' as const, emit: (_e: string, p: unknown) => void events.push(p as (typeof events)[number]) }
    const a = await backend.dispatcher.invoke('analysis:open', { jobId: 'j1', source: { kind: 'engine', ref: IMG } }, ctx)
    expect(events.some((e) => e.phase === 'export' && e.bytesTotal === first.image.size)).toBe(true)
    // "Layer i of n": every export event knows n, and i climbs through the layers in the stream.
    const exp = events.filter((e) => e.phase === 'export') as Array<{ layerIndex?: number; layerCount?: number }>
    expect(exp.every((e) => e.layerCount === first.layers.length)).toBe(true)
    const seen = exp.map((e) => e.layerIndex).filter((i): i is number => i !== undefined)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((i, k) => i >= 0 && i < first.layers.length && (k === 0 || i >= seen[k - 1]!))).toBe(true)
    expect(Math.max(...seen)).toBe(first.layers.length - 1)
    expect(comparable(a)).toEqual(comparable(first))
    const key = a.key
    const root = await backend.dispatcher.invoke('analysis:tree', { scope: { key, layer: null, mode: 'stacked' }, path: '/' }, ctx)
    expect(root.node.bytes).toBe(first.final.bytes)
    expect(root.node.files).toBe(first.final.files)
    const work = await backend.dispatcher.invoke('analysis:tree', { scope: { key, layer: 2, mode: 'layer' }, path: '/work', sort: 'name' }, ctx)
    expect(work.children.map((c) => c.name)).toEqual(['abs-link', 'big.bin', 'hard', 'sub', 'with space ü.txt'])
    const link = work.children.find((c) => c.name === 'abs-link')!
    expect(link).toMatchObject({ kind: 'symlink', linkTarget: '/etc/passwd' })
    expect(work.children.find((c) => c.name === 'big.bin')!.waste).toEqual({ reason: 'deleted', bytes: 307200, byLayerIndex: 4 })
    // One of the two names is the file, the other a hard link to it (tar order decides).
    const sub = await backend.dispatcher.invoke('analysis:tree', { scope: { key, layer: 2, mode: 'layer' }, path: '/work/sub' }, ctx)
    const kinds = [work.children.find((c) => c.name === 'hard')!.kind, sub.children.find((c) => c.name === 'seq.txt')!.kind].sort()
    expect(kinds).toEqual(['file', 'hardlink'])
    const del = await backend.dispatcher.invoke('analysis:tree', { scope: { key, layer: 4, mode: 'layer' }, path: '/work' }, ctx)
    expect(del.children.find((c) => c.name === 'big.bin')).toMatchObject({ whiteout: true, change: 'deleted' })
    const found = await backend.dispatcher.invoke('analysis:search', { scope: { key, layer: null, mode: 'stacked' }, query: 'SEQ.TXT' }, ctx)
    expect(found.matches.map((m) => m.path)).toEqual(['/work/sub/seq.txt'])
    const tm = await backend.dispatcher.invoke('analysis:treemap', { scope: { key, layer: null, mode: 'stacked' }, path: '/', depth: 3, maxNodes: 10 }, ctx)
    expect(tm.bytes).toBe(first.final.bytes)
    // Bytes by change kind against the engine-built layers: each layer's root split is its summary.
    for (const l of first.layers) {
      const lt = await backend.dispatcher.invoke('analysis:treemap', { scope: { key, layer: l.index, mode: 'layer' }, path: '/', depth: 1, maxNodes: 10 }, ctx)
      expect([lt.split!.added, lt.split!.changed, lt.split!.deleted]).toEqual([l.addedBytes, l.changedBytes, l.deletedBytes])
      expect(lt.split!.added + lt.split!.changed + lt.split!.unchanged).toBe(lt.bytes)
    }
    expect(tm.split!.wasted).toBe(0)
    const waste = await backend.dispatcher.invoke('analysis:waste', { key, offset: 1, limit: 2 }, ctx)
    expect(waste.total).toBe(5)
    expect(waste.paths).toEqual(first.waste.paths.slice(1, 3))
    const info = await backend.dispatcher.invoke('cache:info', {}, ctx)
    expect(info.entries).toBe(6)
    const cleared = await backend.dispatcher.invoke('cache:clear', {}, ctx)
    expect(cleared.removedEntries).toBe(6)
    expect((await backend.dispatcher.invoke('cache:info', {}, ctx)).entries).toBe(0)
    const bad = await backend.dispatcher.call('analysis:tree', { scope: { key: 'nope', layer: null, mode: 'stacked' }, path: '/' }, ctx)
    expect(bad.error?.code).toBe('NOT_FOUND')
  })
})
