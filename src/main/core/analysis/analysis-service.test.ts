// The event flow of one open, on a fake LayerSource (pure unit: no engine, a temp cache folder):
// the preview comes once, before any layer is read and while the read is still going; each
// layer is marked read exactly once; nothing follows the answer.
import { describe, expect, it } from 'vitest'
import type { JobProgress } from '../../../shared/models/analysis'
import type { DescribedImage, EngineHistoryEntry, PeekedImage } from '../sources/layer-source'
import type { AnalysisService } from './analysis-service'
import { D, FakeSource, deferred, hex, serviceEachTest, tick } from './testdata/fake-source'

type Ev = Omit<JobProgress, 'jobId'>
/** Described by "inspect" (or, with `describes` false, only by reading), its history answered later. */
class EngineLikeSource extends FakeSource {
  historyGate = deferred()
  constructor(private readonly describes = true) {
    super()
    Object.assign(this.described, { engineSize: 6000, created: '2026-01-01T00:00:00Z' })
  }
  readonly engineHistory: EngineHistoryEntry[] = [
    { Id: 'x', Created: 3, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Size: 0 },
    { Id: 'x', Created: 3, CreatedBy: '/bin/sh -c make', Size: 3000 },
    { Id: 'x', Created: 2, CreatedBy: '/bin/sh -c #(nop) COPY file:abc in /app ', Size: 2000 },
    { Id: 'x', Created: 1, CreatedBy: '', Comment: 'Imported from -', Size: 1000 }
  ] as EngineHistoryEntry[]
  override async describe(): Promise<DescribedImage | null> {
    return this.describes ? this.described : null
  }
  async peek(): Promise<PeekedImage | null> {
    return { image: this.described, skipsCached: false }
  }
  async history(): Promise<EngineHistoryEntry[]> {
    await this.historyGate.promise
    return this.engineHistory
  }
}

let svc: AnalysisService
serviceEachTest('ls-as-', (s) => (svc = s))

describe('AnalysisService events', () => {
  it('sends the preview before the first layer is read, then each layer once, in the order read', async () => {
    const src = new EngineLikeSource()
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    await src.readStarted.promise
    // The read starts without waiting for the history; the preview waits for it.
    expect(ev.some((e) => e.preview)).toBe(false)
    src.historyGate.resolve()
    await tick()
    const pv = ev.find((e) => e.preview)!.preview!
    expect(ev.some((e) => e.layerRead !== undefined)).toBe(false)
    expect(pv.id).toBe(hex('f'))
    expect(pv.size).toBe(6000)
    expect(pv.sizeKind).toBe('engine')
    expect(pv.layers.map((l) => [l.diffId, l.createdBy, l.claimedBytes, l.claimedKind, l.cached])).toEqual([
      [D[0], 'Imported from a tar stream (docker import)', 1000, 'engine-history', false],
      [D[1], 'COPY file:abc in /app', 2000, 'engine-history', false],
      [D[2], 'RUN make', 3000, 'engine-history', false]
    ])
    expect(pv.history.map((h) => h.emptyLayer)).toEqual([false, false, false, true])
    // Layers read out of order are marked in that order.
    src.gates[0]!.resolve()
    await tick()
    expect(ev.filter((e) => e.layerRead !== undefined).map((e) => e.layerRead)).toEqual([0])
    src.gates[1]!.resolve()
    src.gates[2]!.resolve()
    const img = await done
    expect(ev.filter((e) => e.layerRead !== undefined).map((e) => e.layerRead)).toEqual([0, 1, 2])
    // The preview's figures are what the analysis reports for the history.
    expect(img.analysis.history.map((h) => h.engineSize)).toEqual(pv.history.map((h) => h.engineSize))
    expect(img.analysis.layers.map((l) => l.createdBy)).toEqual(pv.layers.map((l) => l.createdBy))
    // A layer-read event carries the latest progress, so a bar never goes back.
    const lr = ev.find((e) => e.layerRead === 0)!
    expect(lr.phase).toBe('export')
    expect(lr.bytesDone).toBe(2000)
    expect(ev.filter((e) => e.preview).length).toBe(1)
  })

  it('every export event says how many layers the image has, also before the stream reaches its first layer', async () => {
    // The fake never says which layer its bytes belong to: the count comes from the description.
    const src = new EngineLikeSource()
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    src.historyGate.resolve()
    for (const g of src.gates) g.resolve()
    await done
    const exp = ev.filter((e) => e.phase === 'export')
    expect(exp.length).toBeGreaterThan(0)
    expect(exp.every((e) => e.layerCount === D.length && e.layerIndex === undefined)).toBe(true)
  })

  it('holds layers read before the history answered until the preview is out', async () => {
    const src = new EngineLikeSource()
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    src.gates[0]!.resolve()
    src.gates[1]!.resolve()
    await tick()
    await tick()
    expect(ev.some((e) => e.layerRead !== undefined || e.preview)).toBe(false)
    src.historyGate.resolve()
    await tick()
    const kinds = ev.filter((e) => e.preview || e.layerRead !== undefined).map((e) => (e.preview ? 'preview' : e.layerRead))
    expect(kinds).toEqual(['preview', 0, 1])
    src.gates[2]!.resolve()
    await done
  })

  it('marks cached layers read at once, and sends nothing after the answer', async () => {
    const first = new EngineLikeSource()
    first.historyGate.resolve()
    for (const g of first.gates) g.resolve()
    await svc.openFrom(first)
    await svc.flush()
    // Another image sharing the two bottom layers: they come from the cache.
    const src = new EngineLikeSource()
    Object.assign(src.described, { id: hex('e'), layers: [{ diffId: D[0] }, { diffId: D[1] }, { diffId: hex('d') }] })
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p) })
    await src.readStarted.promise
    src.historyGate.resolve()
    await tick()
    const pv = ev.find((e) => e.preview)!.preview!
    expect(pv.layers.map((l) => l.cached)).toEqual([true, true, false])
    expect(ev.filter((e) => e.layerRead !== undefined).map((e) => e.layerRead)).toEqual([0, 1])
    for (const g of src.gates) g.resolve()
    await done
    await svc.flush()
    const n = ev.length
    await tick()
    expect(ev.length).toBe(n)
  })

  it('an open right after another waits for its cache writes, and skips the layers they share', async () => {
    // A compare opens B the moment A answered, before A's layers are on disk.
    const gate = deferred()
    const save = svc.cache.saveLayer.bind(svc.cache)
    svc.cache.saveLayer = async (d, e) => (await gate.promise, save(d, e))
    const first = new EngineLikeSource()
    first.historyGate.resolve()
    for (const g of first.gates) g.resolve()
    await svc.openFrom(first)
    const src = new EngineLikeSource()
    Object.assign(src.described, { id: hex('e'), layers: [{ diffId: D[0] }, { diffId: D[1] }, { diffId: hex('d') }] })
    let skips: boolean[] = []
    const read = src.read.bind(src)
    src.read = (image, opts) => ((skips = image!.layers.map((l) => opts.skip(l.diffId))), read(image, opts))
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p) })
    await tick()
    let started = false
    void src.readStarted.promise.then(() => (started = true))
    await tick()
    expect(started).toBe(false)
    gate.resolve()
    await src.readStarted.promise
    expect(skips).toEqual([true, true, false])
    src.historyGate.resolve()
    for (const g of src.gates) g.resolve()
    await done
    expect(ev.find((e) => e.preview)!.preview!.layers.map((l) => l.cached)).toEqual([true, true, false])
    await svc.flush()
  })

  it('a failing read ends the open with its error and no event after it', async () => {
    const src = new EngineLikeSource()
    src.failAt = 1
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    src.gates[0]!.resolve()
    src.gates[1]!.resolve()
    await expect(done).rejects.toThrow('the stream broke')
    const n = ev.length
    src.historyGate.resolve()
    await tick()
    expect(ev.length).toBe(n)
    expect(ev.some((e) => e.preview)).toBe(false)
  })

  it('a peek that never answers holds the read only briefly, and sends nothing', async () => {
    const src = new EngineLikeSource(false)
    src.peek = () => new Promise(() => undefined)
    for (const g of src.gates) g.resolve()
    const ev: Ev[] = []
    const t = performance.now()
    await svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    expect(performance.now() - t).toBeLessThan(5000)
    expect(ev.some((e) => e.preview || e.layerRead !== undefined)).toBe(false)
  })

  it('peeks a source that is only known by reading it, before the read starts', async () => {
    const src = new EngineLikeSource(false)
    const ev: Ev[] = []
    const done = svc.openFrom(src, { onProgress: (p) => ev.push(p), noCache: true })
    await src.readStarted.promise
    await tick()
    const pv = ev.find((e) => e.preview)?.preview
    expect(pv?.layers.length).toBe(3)
    // No engine history for a peeked archive: its config has none either here.
    expect(pv?.layers.every((l) => !l.cached && l.claimedBytes === undefined)).toBe(true)
    for (const g of src.gates) g.resolve()
    await done
    expect(ev.filter((e) => e.layerRead !== undefined).map((e) => e.layerRead)).toEqual([0, 1, 2])
  })
})
