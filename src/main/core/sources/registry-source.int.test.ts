// The registry source against a real registry (Debian's docker-registry, distribution 2.8)
// and the real engine: the same images pushed with skopeo must analyse exactly as the
// engine's copies do; download sizes are the manifest's; known layers are never fetched.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'
import type { ImageAnalysis, ImageSource, JobProgress } from '../../../shared/models/analysis'
import { AnalysisService } from '../analysis/analysis-service'
import { CompareService } from '../compare/compare-service'
import { EngineClient } from '../engine/engine-client'
import { RegistryClient, type RequestRecord } from '../registry'
import { createBackend } from '../../api'
import { parseSource } from '../../cli/source-arg'
import { analyzeText } from '../../cli/commands/analyze'

const skip = registrySkipReason()
const PREFIX = 'layerscope-test/g2-registry'
const IMG1 = `${PREFIX}:1`
const IMG2 = `${PREFIX}:2`
const DF1 = `FROM ${BASE_IMAGE}
COPY files/ /data/
RUN mkdir -p /work/sub && dd if=/dev/zero of=/work/big.bin bs=1k count=200 && seq 1 4000 > /work/sub/seq.txt && ln -s /etc/passwd /work/abs && ln /work/sub/seq.txt /work/hard
RUN rm /work/big.bin && chmod 600 /data/blob.bin
`
const DF2 = `${DF1}RUN seq 1 20000 > /work/more.txt && rm -r /data/dir1
`
const FILES = { 'files/blob.bin': Buffer.alloc(40_000, 3), 'files/dir1/x': 'x'.repeat(1500), 'files/dir1/y': 'y'.repeat(700) }

let reg: TestRegistry
let zreg: TestRegistry
let tmp: string
let engine: EngineClient
const requests: RequestRecord[] = []

function registryService(cacheDir: string): { svc: AnalysisService; client: RegistryClient } {
  const client = new RegistryClient({ onRequest: (r) => requests.push(r) })
  return { svc: new AnalysisService({ engine: () => engine, registry: () => client, cacheDir }), client }
}

/** Config digests of the pushed images: their blobs are small JSON, not layers. */
const configs = new Set<string>()
/** Layer blob downloads so far (GETs of blobs that are not a config). */
const blobFetches = (): number => requests.filter((r) => r.kind === 'blob' && r.method === 'GET' && !configs.has(r.url.split('/').pop()!)).length
const reg1 = (): ImageSource => ({ kind: 'registry', ref: `${reg.host}/g2/app:1` })
const reg2 = (): ImageSource => ({ kind: 'registry', ref: `${reg.host}/g2/app:2` })

/** The figures both sources must agree on. */
function figures(a: ImageAnalysis): unknown {
  return {
    layers: a.layers.map((l) => ({ diffId: l.diffId, contentBytes: l.contentBytes, files: l.files, entries: l.entries, added: l.added, changed: l.changed, deleted: l.deleted, deletedBytes: l.deletedBytes })),
    layerBytes: a.layerBytes,
    final: a.final,
    waste: { bytes: a.waste.bytes, efficiency: a.waste.efficiency, pathCount: a.waste.pathCount, paths: a.waste.paths }
  }
}

describe.skipIf(skip)('registry source (real registry, real engine)', () => {
  let engine1: ImageAnalysis
  let engine2: ImageAnalysis

  beforeAll(async () => {
    await ensureBaseImage()
    buildImage(IMG1, DF1, FILES)
    buildImage(IMG2, DF2, FILES)
    reg = await startRegistry()
    await pushImage(`docker-daemon:${IMG1}`, reg.host, 'g2/app:1')
    await pushImage(`docker-daemon:${IMG2}`, reg.host, 'g2/app:2')
    // Its own registry: skopeo 1.9 would otherwise mount app:1's gzip blobs instead of recompressing.
    zreg = await startRegistry()
    await pushImage(`docker-daemon:${IMG1}`, zreg.host, 'g2/zstd:1', { zstd: true, format: 'oci' })
    for (const t of ['g2/app:1', 'g2/app:2']) configs.add(((await skopeoRawManifest(reg.host, t)).json as { config: { digest: string } }).config.digest)
    tmp = mkdtempSync(join(tmpdir(), 'ls-g2-registry-'))
    engine = EngineClient.fromEnvironment()
    const e = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'engine-cache') })
    engine1 = (await e.open({ kind: 'engine', ref: IMG1 })).analysis
    engine2 = (await e.open({ kind: 'engine', ref: IMG2 })).analysis
  }, 180_000)

  afterAll(async () => {
    await reg?.stop()
    await zreg?.stop()
    removeTestImages(PREFIX)
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('gives the engine\'s figures for the same image: per-layer content bytes, files, final and wasted bytes', async () => {
    const { svc } = registryService(join(tmp, 'c1'))
    const a = (await svc.open(reg1())).analysis
    expect(a.format).toBe('registry')
    expect(a.source).toEqual({ kind: 'registry', ref: `${reg.host}/g2/app:1` })
    expect(figures(a)).toEqual(figures(engine1))
    expect(a.image.sizeKind).toBe('content')
    expect(a.image.size).toBe(engine1.layerBytes)
    await svc.flush()
  })

  it('reads zstd layers to the same figures', async () => {
    const { svc } = registryService(join(tmp, 'c-zstd'))
    const a = (await svc.open({ kind: 'registry', ref: `${zreg.host}/g2/zstd:1` })).analysis
    expect(figures(a)).toEqual(figures(engine1))
    const m = (await skopeoRawManifest(zreg.host, 'g2/zstd:1')).json as { layers: Array<{ mediaType: string }> }
    expect(m.layers.every((l) => /zstd/.test(l.mediaType))).toBe(true)
  })

  it('shows download sizes exactly as the manifest lists them (layer blobs + config)', async () => {
    const { svc } = registryService(join(tmp, 'c2'))
    const a = (await svc.open(reg2())).analysis
    const m = (await skopeoRawManifest(reg.host, 'g2/app:2')).json as { config: { size: number; digest: string }; layers: Array<{ size: number; digest: string }> }
    expect(a.layers.map((l) => l.compressedBytes)).toEqual(m.layers.map((l) => l.size))
    expect(a.layers.map((l) => l.blobDigest)).toEqual(m.layers.map((l) => l.digest))
    const blobs = m.layers.reduce((s, l) => s + l.size, 0)
    expect(a.image.compressedSize).toBe(blobs)
    expect(a.image.downloadSize).toBe(blobs + m.config.size)
    expect(a.image.id).toBe(m.config.digest)
  })

  it('shows the layer list with the manifest\'s blob sizes before a layer blob is fetched, then each layer as it verifies', async () => {
    const { svc } = registryService(join(tmp, 'c-preview'))
    const ev: Array<Omit<JobProgress, 'jobId'>> = []
    const before = requests.length
    let fetchedAtPreview = -1
    const a = (await svc.open(reg2(), { onProgress: (p) => {
      if (p.preview) fetchedAtPreview = requests.slice(before).filter((r) => r.kind === 'blob' && r.method === 'GET' && !configs.has(r.url.split('/').pop()!)).length
      ev.push(p)
    } })).analysis
    await svc.flush()
    const pv = ev.find((e) => e.preview)!.preview!
    const m = (await skopeoRawManifest(reg.host, 'g2/app:2')).json as { config: { size: number; digest: string }; layers: Array<{ size: number; digest: string }> }
    expect(fetchedAtPreview).toBe(0)
    expect(pv.id).toBe(m.config.digest)
    expect(pv.layers.map((l) => [l.claimedBytes, l.claimedKind])).toEqual(m.layers.map((l) => [l.size, 'manifest-blob']))
    expect(pv.size).toBe(m.layers.reduce((s, l) => s + l.size, m.config.size))
    expect(pv.sizeKind).toBe('download')
    expect(pv.size).toBe(a.image.downloadSize)
    expect(pv.history).toEqual(a.history)
    const read = ev.filter((e) => e.layerRead !== undefined).map((e) => e.layerRead!)
    expect([...read].sort((x, y) => x - y)).toEqual(a.layers.map((l) => l.index))
    expect(ev.findIndex((e) => e.layerRead !== undefined)).toBeGreaterThan(ev.findIndex((e) => e.preview))
  })

  it('a second open fetches no layer blob; layers the engine analysis cached are never fetched', async () => {
    const dir = join(tmp, 'c3')
    const first = registryService(dir)
    const before = blobFetches()
    await first.svc.open(reg1())
    await first.svc.flush()
    expect(blobFetches() - before).toBe(engine1.layers.length)
    const again = registryService(dir)
    const mid = blobFetches()
    const a = (await again.svc.open(reg1())).analysis
    expect(blobFetches() - mid).toBe(0)
    expect(figures(a)).toEqual(figures(engine1))
    // The engine's cache already holds every layer of the image: nothing to download.
    const shared = registryService(join(tmp, 'engine-cache'))
    const mid2 = blobFetches()
    const b = (await shared.svc.open(reg2())).analysis
    expect(blobFetches() - mid2).toBe(0)
    expect(figures(b)).toEqual(figures(engine2))
  })

  it('compares two tags fetching only the layers not known, and agrees with the engine comparison', async () => {
    const dir = join(tmp, 'c4')
    const { svc } = registryService(dir)
    await svc.open(reg1())
    await svc.flush()
    const compare = new CompareService(() => svc)
    const before = blobFetches()
    const c = await compare.open(reg1(), reg2())
    const onlyNew = engine2.layers.filter((l) => !engine1.layers.some((k) => k.diffId === l.diffId)).length
    expect(blobFetches() - before).toBe(onlyNew)
    const e = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'engine-cache') })
    const ce = await new CompareService(() => e).open({ kind: 'engine', ref: IMG1 }, { kind: 'engine', ref: IMG2 })
    expect(c.sharedLayers.map((l) => l.diffId)).toEqual(ce.sharedLayers.map((l) => l.diffId))
    expect(c.onlyB.map((l) => l.diffId)).toEqual(ce.onlyB.map((l) => l.diffId))
    expect(c.files).toEqual(ce.files)
    expect(c.delta.finalBytes).toBe(ce.delta.finalBytes)
    expect(c.delta.files).toBe(ce.delta.files)
    expect(c.delta.downloadBytes).toBe(c.b.image.downloadSize! - c.a.image.downloadSize!)
    expect(c.labels).toEqual({ a: '1', b: '2' })
    // A mix: engine A against registry B.
    const mixed = await compare.open({ kind: 'engine', ref: IMG1 }, reg2())
    expect(mixed.files).toEqual(ce.files)
  })

  it('measures a registry base and its slimmer sibling tags from their manifests', async () => {
    // The base lives in the registry; the app names it as OCI images do (base.name label).
    await pushImage(`docker-daemon:${BASE_IMAGE}`, reg.host, 'g2/base:1')
    buildImage(`${PREFIX}-slim:1`, 'FROM scratch\nCOPY files/blob.bin /blob.bin\n', FILES)
    await pushImage(`docker-daemon:${PREFIX}-slim:1`, reg.host, 'g2/base:1-slim')
    await pushImage(`docker-daemon:${IMG1}`, reg.host, 'g2/base:1-bookworm')
    buildImage(`${PREFIX}:based`, `FROM ${BASE_IMAGE}\nLABEL org.opencontainers.image.base.name=${reg.host}/g2/base:1\nRUN echo hi > /hi\n`)
    await pushImage(`docker-daemon:${PREFIX}:based`, reg.host, 'g2/based:1')
    const size = async (t: string): Promise<number> => {
      const m = (await skopeoRawManifest(reg.host, t)).json as { config: { size: number }; layers: Array<{ size: number }> }
      return m.layers.reduce((n, l) => n + l.size, 0) + m.config.size
    }
    const { svc } = registryService(join(tmp, 'c6'))
    const a = (await svc.open({ kind: 'registry', ref: `${reg.host}/g2/based:1` })).analysis
    const baseLayers = ((await skopeoRawManifest(reg.host, 'g2/base:1')).json as { layers: unknown[] }).layers.length
    expect(a.base).toEqual({ ref: `${reg.host}/g2/base:1`, layers: baseLayers })
    expect(a.layers.filter((l) => l.isBase).length).toBe(baseLayers)
    const alt = a.savings!.baseAlternatives!
    expect(alt.base).toBe(`${reg.host}/g2/base:1`)
    expect(alt.downloadSize).toBe(await size('g2/base:1'))
    // -bookworm is not a slimmer variant: only -slim is offered, at its manifest's size.
    expect(alt.siblings).toEqual([{ tag: '1-slim', ref: `${reg.host}/g2/base:1-slim`, downloadSize: await size('g2/base:1-slim'), savesBytes: alt.downloadSize - (await size('g2/base:1-slim')) }])
  })

  it('goes through the backend as every front does: analysis:open from a registry:// argument, registry:tags', async () => {
    const backend = createBackend({ cacheDir: join(tmp, 'c7'), resourcesDir: join(tmp, 'none'), front: 'cli', version: 'test' })
    const ctx = { signal: new AbortController().signal, front: 'cli' as const, emit: () => undefined, jobId: 't' }
    const a = await backend.dispatcher.invoke('analysis:open', { source: parseSource(`registry://${reg.host}/g2/app:1`) }, ctx)
    expect(figures(a)).toEqual(figures(engine1))
    const text = analyzeText(a)
    expect(text).toContain('Download ')
    expect(text).toContain('DOWNLOAD')
    const tags = await backend.dispatcher.invoke('registry:tags', { ref: `${reg.host}/g2/app` }, ctx)
    expect(tags.repository).toBe(`${reg.host}/g2/app`)
    expect([...tags.tags].sort()).toEqual(expect.arrayContaining(['1', '2']))
    await expect(backend.dispatcher.invoke('analysis:open', { source: { kind: 'registry', ref: `${reg.host}/g2/app:nope` } }, ctx)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })

  it('cancels mid-download with nothing cached', async () => {
    const { svc } = registryService(join(tmp, 'c8'))
    const ac = new AbortController()
    const p = svc.open(reg2(), { signal: ac.signal, onProgress: (e) => e.phase === 'download' && e.bytesDone > 0 && ac.abort() })
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
    await svc.flush()
    expect(engine2.layers.filter((l) => svc.cache.hasLayer(l.diffId))).toEqual([])
  })

  it('refuses a layer whose blob does not match its digest, and caches nothing of it', async () => {
    const dir = join(tmp, 'c5')
    const { svc } = registryService(dir)
    const m = (await skopeoRawManifest(reg.host, 'g2/app:2')).json as { layers: Array<{ digest: string }> }
    const last = m.layers[m.layers.length - 1]!.digest
    const file = reg.blobPath(last)
    const good = readFileSync(file)
    const bad = Buffer.from(good)
    const mid = bad.length >> 1
    bad[mid] = bad[mid]! ^ 0xff
    writeFileSync(file, bad)
    try {
      await expect(svc.open(reg2())).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' })
      await svc.flush()
      const top = engine2.layers[engine2.layers.length - 1]!.diffId
      expect(svc.cache.hasLayer(top)).toBe(false)
    } finally {
      writeFileSync(file, good)
    }
  })
})
