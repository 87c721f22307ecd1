// Size over time against the real engine and a real registry (Debian's docker-registry, images
// pushed by skopeo from the engine): the series and the jumps exact against the engine's own
// figures and the registry's manifests, and what each costs counted (requests, exports).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../api'
import { formatDelta } from '../../../shared/format'
import type { TagSeries } from '../../../shared/models/history'
import { pushImage, putManifest, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'
import { savedImageIds } from '../compare/testdata/independent-listing'
import { AnalysisService } from '../analysis/analysis-service'
import { CompareService } from '../compare/compare-service'
import { RegistryClient, type RequestRecord } from '../registry'
import { HistoryService } from './history-service'
import { sharedPrefix } from './series-order'
import { HISTORY_REPO, HISTORY_TAGS, TOOLCHAIN_DIR, buildHistoryImages, engineFigures } from './testdata/history-fixtures'

const cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-history-int-'))
const backend = (): Backend => createBackend({ cacheDir, resourcesDir: join(process.cwd(), 'resources'), front: 'cli', version: 'test' })
const ctx = { front: 'cli' as const, emit: () => undefined }
const now = (): number => Math.floor(Date.now() / 1000)

let refs: string[]
beforeAll(async () => {
  refs = await buildHistoryImages()
}, 300_000)
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

describe('history of a local repository (engine)', () => {
  const be = backend()
  let series: TagSeries

  it('lists every tag in created order with the engine’s own size and layers', async () => {
    series = await be.dispatcher.invoke('history:series', { repository: HISTORY_REPO }, ctx)
    const figures = refs.map(engineFigures)
    expect(series.kind).toBe('engine')
    expect(series.tags.map((t) => t.tag)).toEqual([...HISTORY_TAGS])
    expect(series.tags.map((t) => t.unpackedBytes)).toEqual(figures.map((f) => f.size))
    expect(series.tags.map((t) => t.layers)).toEqual(figures.map((f) => f.layers.length))
    expect(series.tags.map((t) => t.digest)).toEqual(figures.map((f) => f.id))
    expect(series.tags.map((t) => t.sharedWithPrevious)).toEqual(figures.map((f, i) => (i === 0 ? 0 : sharedPrefix(figures[i - 1]!.layers, f.layers))))
    // busybox is the one layer every tag starts with; the two bases differ above it.
    expect(series.baseLayers).toBe(1)
    expect(series.tags.map((t) => t.baseBytes)).toEqual(figures.map(() => engineFigures('layerscope-fixture/busybox:1').size))
    // An inspect and a history per tag; nothing exported.
    expect(series.requests).toEqual({ tags: 1, manifests: 0, blobs: 0, inspects: 2 * HISTORY_TAGS.length })
    expect(series.skipped).toEqual([])
  })

  it('explains the biggest jumps from the compare’s contributors, each tag exported at most once', async () => {
    const figures = refs.map(engineFigures)
    const deltas = figures.slice(1).map((f, i) => ({ to: HISTORY_TAGS[i + 1]!, i: i + 1, bytes: f.size - figures[i]!.size }))
    const biggest = [...deltas].sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes) || x.i - y.i).slice(0, 3)
    const since = now()
    const r = await be.dispatcher.invoke('history:jumps', { repository: HISTORY_REPO, limit: 3 }, ctx)
    await be.services.analysis().flush()
    expect(r.steps.map((s) => s.to)).toEqual([...deltas].sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes) || x.i - y.i).map((d) => d.to))
    expect(r.jumps.map((j) => [j.to, j.bytes, j.compareBytes])).toEqual(biggest.map((d) => [d.to, d.bytes, d.bytes]))
    // Engine tags have their unpacked size from inspect already: nothing to fill in.
    expect(r.unpacked).toEqual({})
    const line = (to: string): string => r.jumps.find((j) => j.to === to)!.line
    const d = (to: string): number => deltas.find((x) => x.to === to)!.bytes
    expect(line('1.4.0')).toBe(`1.4.0: ${formatDelta(d('1.4.0'))}, ${TOOLCHAIN_DIR}/cc1: the build toolchain reached the final stage`)
    expect(line('1.1.0')).toBe(`1.1.0: ${formatDelta(d('1.1.0'))}, /opt/dep/libdep.so: added`)
    expect(line('1.2.0')).toBe(`1.2.0: ${formatDelta(d('1.2.0'))}, /opt/dep/libdep.so: removed`)
    // The base change is marked (it replaced the layer 1.1.0 and 1.2.0 shared), the toolchain step is not.
    expect(r.steps.filter((s) => s.baseChanged).map((s) => s.to)).toEqual(['1.3.0'])
    // Layers read only for the steps explained: each opened tag exported at most once (the
    // analysis and the layer cache are shared), the tags of unexplained steps never.
    await new Promise((res) => setTimeout(res, 1100))
    const saved = savedImageIds(since, now())
    const opened = new Set(biggest.flatMap((b) => [HISTORY_TAGS[b.i - 1]!, HISTORY_TAGS[b.i]!]))
    for (const [i, tag] of HISTORY_TAGS.entries()) {
      expect(saved.filter((id) => id === figures[i]!.id).length, tag).toBeLessThanOrEqual(opened.has(tag) ? 1 : 0)
    }
    const layers = new Set([...opened].flatMap((t) => figures[HISTORY_TAGS.indexOf(t as (typeof HISTORY_TAGS)[number])]!.layers))
    expect((await be.services.analysis().cacheInfo()).entries).toBe(layers.size)
  }, 300_000)

  it('reports progress per tag and stops when cancelled', async () => {
    const events: Array<{ message?: string }> = []
    await be.services.history().series({ repository: HISTORY_REPO }, { onProgress: (p) => events.push(p) })
    expect(events.map((e) => e.message)).toEqual(HISTORY_TAGS.map((_, i) => `Inspected ${i + 1} of ${HISTORY_TAGS.length} tags`))
    const ac = new AbortController()
    ac.abort()
    await expect(be.services.history().series({ repository: HISTORY_REPO }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    await expect(be.services.history().jumps({ repository: 'layerscope-test/history-app', limit: 1 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('refuses a tag or an unknown repository by name', async () => {
    await expect(be.services.history().series({ repository: `${HISTORY_REPO}:1.0.0` })).rejects.toThrow(/names an image; history reads a repository/)
    await expect(be.services.history().series({ repository: 'layerscope-test/history-none' })).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })
})

const SKIP = registrySkipReason()
describe.skipIf(SKIP)('history of a registry repository', () => {
  let reg: TestRegistry
  const records: RequestRecord[] = []
  const be = backend()
  const historyClient = new RegistryClient({ onRequest: (r) => records.push(r) })
  const history = new HistoryService({ engine: () => be.services.engine(), compare: () => be.services.compare(), registry: () => historyClient })
  const manifests = new Map<string, { body: Buffer; digest: string; json: Record<string, unknown> }>()

  beforeAll(async () => {
    reg = await startRegistry()
    for (const [i, tag] of HISTORY_TAGS.entries()) {
      for (const repo of ['history/app', 'history/many']) await pushImage(`docker-daemon:${refs[i]}`, reg.host, `${repo}:${tag}`)
      manifests.set(tag, await skopeoRawManifest(reg.host, `history/app:${tag}`))
    }
  }, 300_000)
  afterAll(async () => {
    history.close()
    await reg?.stop()
  })

  it('measures every tag from its manifest and config only: download sizes as the manifest lists them', async () => {
    records.length = 0
    const s = await history.series({ repository: `registry://${reg.host}/history/app` })
    expect(s.kind).toBe('registry')
    expect(s.tags.map((t) => t.tag)).toEqual([...HISTORY_TAGS])
    type M = { config: { size: number; digest: string }; layers: Array<{ size: number; digest: string }> }
    const m = (tag: string): M => manifests.get(tag)!.json as unknown as M
    expect(s.tags.map((t) => t.downloadBytes)).toEqual(HISTORY_TAGS.map((t) => m(t).config.size + m(t).layers.reduce((a, l) => a + l.size, 0)))
    expect(s.tags.map((t) => t.digest)).toEqual(HISTORY_TAGS.map((t) => manifests.get(t)!.digest))
    const figures = refs.map(engineFigures)
    expect(s.tags.map((t) => t.layers)).toEqual(figures.map((f) => f.layers.length))
    expect(s.tags.map((t) => t.sharedWithPrevious)).toEqual(figures.map((f, i) => (i === 0 ? 0 : sharedPrefix(figures[i - 1]!.layers, f.layers))))
    expect(s.tags.map((t) => t.created)).toEqual(figures.map((f) => f.created))
    expect(s.tags[0]!.baseBytes).toBe(m('1.0.0').layers[0]!.size)
    expect(s.tags[0]!.source).toEqual({ kind: 'registry', ref: `${reg.host}/history/app:1.0.0` })
    // Cost: one tags page, a manifest and a config per tag; no layer blob.
    const layerDigests = new Set(HISTORY_TAGS.flatMap((t) => m(t).layers.map((l) => l.digest)))
    const blobs = records.filter((r) => r.kind === 'blob')
    expect(blobs.filter((r) => layerDigests.has(r.url.slice(r.url.lastIndexOf('/') + 1)))).toEqual([])
    expect(s.requests).toEqual({ tags: 1, manifests: HISTORY_TAGS.length, blobs: HISTORY_TAGS.length, inspects: 0 })
    expect(records.filter((r) => r.kind === 'manifest')).toHaveLength(HISTORY_TAGS.length)
  })

  it('50 tags sharing their layers: 50 manifests and 50 configs, not one layer', async () => {
    const body = manifests.get('1.4.0')!
    const mediaType = String(body.json.mediaType)
    for (let i = 0; i < 45; i++) await putManifest(reg.url, 'history/many', `r${String(i).padStart(2, '0')}`, mediaType, body.body)
    records.length = 0
    const s = await history.series({ repository: `registry://${reg.host}/history/many` })
    expect(s.tags).toHaveLength(50)
    expect(s.requests).toEqual({ tags: 1, manifests: 50, blobs: 50, inspects: 0 })
    const configs = new Set(HISTORY_TAGS.map((t) => (manifests.get(t)!.json as { config: { digest: string } }).config.digest))
    expect(records.filter((r) => r.kind === 'blob').every((r) => configs.has(r.url.slice(r.url.lastIndexOf('/') + 1)))).toBe(true)
  })

  it('stops when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(history.series({ repository: `registry://${reg.host}/history/many` }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('semver order with --last reads only the tags it keeps', async () => {
    records.length = 0
    const s = await history.series({ repository: `registry://${reg.host}/history/app`, order: 'semver', last: 2 })
    expect(s.tags.map((t) => t.tag)).toEqual(['1.3.0', '1.4.0'])
    expect(s.requests.manifests).toBe(2)
    expect(s.skipped.map((x) => x.tag)).toEqual(['1.0.0', '1.1.0', '1.2.0'])
  })

  it('explains every registry step by content, fetching each layer once (the layer cache is shared)', async () => {
    // The real stack, its registry client counted: analysis (registry source) -> compare -> history.
    const layerCache = mkdtempSync(join(tmpdir(), 'layerscope-history-reg-'))
    const client = new RegistryClient({ onRequest: (r) => records.push(r) })
    const analysis = new AnalysisService({ engine: () => be.services.engine(), registry: () => client, cacheDir: layerCache })
    const compare = new CompareService(() => analysis)
    // One client for analysis and history, as Services wires them.
    const h = new HistoryService({ engine: () => be.services.engine(), compare: () => compare, registry: () => client })
    try {
      records.length = 0
      const repo = `registry://${reg.host}/history/app`
      const r = await h.jumps({ repository: repo, limit: HISTORY_TAGS.length - 1 })
      await analysis.flush()
      type M = { config: { size: number; digest: string }; layers: Array<{ size: number; digest: string }> }
      const m = (tag: string): M => manifests.get(tag)!.json as unknown as M
      const download = (tag: string): number => m(tag).config.size + m(tag).layers.reduce((a, l) => a + l.size, 0)
      const j = r.jumps.find((x) => x.to === '1.4.0')!
      expect(j.bytes).toBe(download('1.4.0') - download('1.3.0'))
      expect(j.basis).toBe('download')
      expect(j.line).toBe(`1.4.0: ${formatDelta(j.bytes)}, ${TOOLCHAIN_DIR}/cc1: the build toolchain reached the final stage`)
      expect(r.jumps.find((x) => x.to === '1.1.0')!.line).toMatch(/^1\.1\.0: \S+ \S+, \/opt\/dep\/libdep\.so: added$/)
      expect(r.jumps.find((x) => x.to === '1.2.0')!.line).toMatch(/^1\.2\.0: \S+ \S+, \/opt\/dep\/libdep\.so: removed$/)
      // Each layer blob fetched exactly once over all the compares; configs are the only other blobs.
      const layerDigests = new Set(HISTORY_TAGS.flatMap((t) => m(t).layers.map((l) => l.digest)))
      const layerGets = records.filter((x) => x.kind === 'blob' && x.method === 'GET' && layerDigests.has(x.url.slice(x.url.lastIndexOf('/') + 1)))
      const perDigest = new Map<string, number>()
      for (const g of layerGets) perDigest.set(g.url, (perDigest.get(g.url) ?? 0) + 1)
      expect([...perDigest.values()].every((n) => n === 1)).toBe(true)
      expect(perDigest.size).toBe(layerDigests.size)
      // The tags analysed now have their unpacked (content) size.
      expect(Object.keys(r.unpacked).sort()).toEqual([...HISTORY_TAGS])
    } finally {
      client.close()
      h.close()
      rmSync(layerCache, { recursive: true, force: true })
    }
  }, 300_000)
})
