// The early preview against the real engine: it arrives before any layer is marked read and
// before the export ends, its figures are the engine's own (inspect's diff IDs and size,
// /history's step sizes), and every layer of the engine's (legacy, name-ordered) save stream
// is marked read before the stacking starts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import type { JobProgress } from '../../../shared/models/analysis'
import { EngineClient } from '../engine/engine-client'
import { AnalysisService } from './analysis-service'

const IMG = 'layerscope-test/early-preview:1'
// Layers big enough (about 24 MB in all) that the export streams for a while.
const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN dd if=/dev/urandom of=/a.bin bs=1M count=8
ENV STEP=2
RUN dd if=/dev/urandom of=/b.bin bs=1M count=8 && mkdir /d
COPY files/ /d/
RUN dd if=/dev/urandom of=/c.bin bs=1M count=8
`

let tmp: string
let engine: EngineClient

beforeAll(async () => {
  await ensureBaseImage()
  buildImage(IMG, DOCKERFILE, { 'files/x.txt': 'x'.repeat(5000) })
  tmp = mkdtempSync(join(tmpdir(), 'ls-preview-int-'))
  engine = EngineClient.fromEnvironment()
})

afterAll(() => {
  removeTestImages('layerscope-test/early-preview')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

type Ev = Omit<JobProgress, 'jobId'>

describe('early preview of an engine image', () => {
  it('comes before the first layer is read, with inspect and history figures', async () => {
    const svc = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'cache') })
    const ev: Ev[] = []
    const img = await svc.open({ kind: 'engine', ref: IMG }, { onProgress: (p) => ev.push({ ...p }) })
    await svc.flush()
    const at = ev.findIndex((e) => e.preview)
    expect(at).toBeGreaterThanOrEqual(0)
    const firstRead = ev.findIndex((e) => e.layerRead !== undefined)
    expect(firstRead).toBeGreaterThan(at)
    const pv = ev[at]!.preview!
    // The export was still going when the preview went out.
    const total = Number(docker(['image', 'inspect', '--format', '{{.Size}}', IMG]).trim())
    expect(ev[at]!.bytesDone).toBeLessThan(total)
    expect(ev.slice(at + 1).some((e) => e.phase === 'export' && e.bytesDone > ev[at]!.bytesDone)).toBe(true)

    // Figures: inspect's diff IDs, ID, tags and size; /history's step sizes, oldest first.
    const inspect = JSON.parse(docker(['image', 'inspect', IMG]))[0] as { Id: string; RepoTags: string[]; Size: number; RootFS: { Layers: string[] } }
    expect(pv.id).toBe(inspect.Id)
    expect(pv.repoTags).toEqual(inspect.RepoTags)
    expect(pv.size).toBe(inspect.Size)
    expect(pv.sizeKind).toBe('engine')
    expect(pv.layers.map((l) => l.diffId)).toEqual(inspect.RootFS.Layers)
    const history = (await engine.imageHistory(IMG)).reverse()
    expect(pv.history.map((h) => h.engineSize)).toEqual(history.map((h) => h.Size))
    expect(pv.history.map((h) => h.createdByRaw)).toEqual(history.map((h) => h.CreatedBy))
    for (const l of pv.layers) {
      expect(l.claimedKind).toBe('engine-history')
      expect(l.claimedBytes).toBe(history[l.historyIndex]!.Size)
    }
    // The answer agrees with what was shown early.
    expect(img.analysis.layers.map((l) => [l.diffId, l.createdBy])).toEqual(pv.layers.map((l) => [l.diffId, l.createdBy]))
    // (the config's timestamps have nanoseconds, /history's whole seconds: the same steps).
    const noTime = (h: { created?: string }): unknown => ({ ...h, created: undefined })
    expect(img.analysis.history.map(noTime)).toEqual(pv.history.map(noTime))

    // Every layer of the legacy save stream is placed (v1 parent chain) and read before stacking.
    const analyse = ev.findIndex((e) => e.phase === 'analyse')
    const read = ev.slice(0, analyse).filter((e) => e.layerRead !== undefined).map((e) => e.layerRead!)
    expect([...read].sort((a, b) => a - b)).toEqual(inspect.RootFS.Layers.map((_, i) => i))
    expect(new Set(read).size).toBe(read.length)
  })

  it('marks cached layers read in the preview, and a cached image opens without one', async () => {
    const svc = new AnalysisService({ engine: () => engine, cacheDir: join(tmp, 'cache') })
    const ev: Ev[] = []
    // Same cache: the summary is cached, so nothing is read and no preview is needed.
    await svc.open({ kind: 'engine', ref: IMG }, { onProgress: (p) => ev.push(p) })
    expect(ev.some((e) => e.preview)).toBe(false)
    expect(svc.exports).toBe(0)
  })
})
