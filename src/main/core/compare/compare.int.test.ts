// compare against the real engine, on images built here: numbers checked against inspect,
// RootFS.Layers, an independent `docker save` + `tar -t` listing, and the engine's own
// "save" events (a cached side must not be exported again).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../api'
import type { Comparison } from '../../../shared/models/compare'
import type { JobProgress } from '../../../shared/models/analysis'
import { APP_MULTI, APP_SINGLE, TAG_V1, TAG_V2, buildAppImages, buildTaggedImages, inspectImage } from './testdata/compare-fixtures'
import { expectedFileDelta, listFinalFilesystem, savedImageIds } from './testdata/independent-listing'

const cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-compare-int-'))
const backend = (): Backend => createBackend({ cacheDir, resourcesDir: join(process.cwd(), 'resources'), front: 'cli', version: 'test' })
const ctx = (events: JobProgress[] = []) => ({ front: 'cli' as const, emit: (_e: string, p: unknown) => void events.push(p as JobProgress) })
const engine = (ref: string) => ({ kind: 'engine' as const, ref })
const now = (): number => Math.floor(Date.now() / 1000)
/** docker events has whole-second resolution: start a watch window on a fresh second. */
async function freshSecond(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20))
  return now()
}

beforeAll(async () => {
  await buildAppImages()
  await buildTaggedImages()
})
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

function checkLayersAgainstEngine(c: Comparison, a: string, b: string): void {
  const la = inspectImage(a).layers
  const lb = inspectImage(b).layers
  let shared = 0
  while (shared < la.length && shared < lb.length && la[shared] === lb[shared]) shared++
  expect(c.sharedLayers.map((l) => l.diffId)).toEqual(la.slice(0, shared))
  expect(c.onlyA.map((l) => l.diffId)).toEqual(la.slice(shared))
  expect(c.onlyB.map((l) => l.diffId)).toEqual(lb.slice(shared))
}

describe('compare on the real engine', () => {
  let single: Comparison

  it('single-stage against multi-stage: layers, sizes, files and contributors', async () => {
    const events: JobProgress[] = []
    const since = await freshSecond()
    const be = backend()
    single = await be.dispatcher.invoke('compare:open', { jobId: 'j1', a: engine(APP_SINGLE), b: engine(APP_MULTI) }, ctx(events))
    await be.services.analysis().flush() // the layer cache is written after the answer
    checkLayersAgainstEngine(single, APP_SINGLE, APP_MULTI)
    expect(single.sharedLayers).toHaveLength(1)
    const ia = inspectImage(APP_SINGLE)
    const ib = inspectImage(APP_MULTI)
    expect(single.a.image.size).toBe(ia.size)
    expect(single.b.image.size).toBe(ib.size)
    expect(single.delta.bytes).toBe(ib.size - ia.size)
    expect(single.delta.ratio).toBeCloseTo(ia.size / ib.size, 10)
    expect(single.delta.basis).toBe('engine')
    // B's layers may all come from the cache (shared with A): its platform still comes from inspect.
    expect(single.b.image.os).toBe('linux')
    expect(single.b.image.arch).toBe(single.a.image.arch)
    // A was exported once (the cache was empty). B's layers are the base plus a COPY --from
    // layer that has A's last layer's diff ID when both builds fell in the same second (tar
    // mtimes); then all of B was analysed already and B is not exported at all, else once.
    // Checked before the independent listing below, which exports both.
    await new Promise((r) => setTimeout(r, 1100))
    const saved = savedImageIds(since, now())
    expect(saved.filter((id) => id === ia.id)).toHaveLength(1)
    const bKnown = ib.layers.every((d) => ia.layers.includes(d))
    expect(saved.filter((id) => id === ib.id)).toHaveLength(bKnown ? 0 : 1)

    const expected = expectedFileDelta(listFinalFilesystem(APP_SINGLE), listFinalFilesystem(APP_MULTI))
    expect({
      added: { count: single.files.added.count, bytes: single.files.added.bytes },
      removed: { count: single.files.removed.count, bytes: single.files.removed.bytes },
      changed: { count: single.files.changed.count, bytes: single.files.changed.bytes }
    }).toEqual(expected)
    expect(expected.removed.count).toBeGreaterThan(5)

    // The toolchain dominates: the top row is the gcc directory, not just /usr.
    expect(single.contributors[0]).toMatchObject({ path: '/usr/lib/gcc/x86_64-linux-gnu/12', bytesB: 0, status: 'onlyA' })
    expect(single.contributors[0]!.bytesA).toBeGreaterThan(5_000_000)
    expect(single.sentence).toMatch(/^multi is \d+(\.\d)?x smaller than single: -\d/)
    expect(single.sentence).toContain('/usr/lib/gcc/x86_64-linux-gnu/12')
    // Progress for both sides, tagged with the job.
    expect(new Set(events.map((e) => e.side))).toEqual(new Set(['a', 'b']))
    expect(events.every((e) => e.jobId === 'j1')).toBe(true)
  })

  it('drills into contributors and draws the diff treemap', async () => {
    const b = backend()
    const c = await b.dispatcher.invoke('compare:open', { a: engine(APP_SINGLE), b: engine(APP_MULTI) }, ctx())
    const rows = await b.dispatcher.invoke('compare:contributors', { aKey: c.a.key, bKey: c.b.key, path: '/usr/lib/gcc/x86_64-linux-gnu/12' }, ctx())
    expect(rows[0]).toMatchObject({ path: '/usr/lib/gcc/x86_64-linux-gnu/12/cc1', bytesA: 3072 * 1024, bytesB: 0 })
    const tm = await b.dispatcher.invoke('compare:treemap', { aKey: c.a.key, bKey: c.b.key, path: '/' }, ctx())
    expect(tm.bytes).toBe(single.files.removed.bytes + single.files.added.bytes + Math.max(single.files.changed.bytesA ?? 0, single.files.changed.bytesB ?? 0))
    // /usr exists in both (the base has /usr/bin); everything that differs below it is A's toolchain.
    const usr = tm.children!.find((n) => n.name === 'usr')!
    expect(usr).toMatchObject({ status: 'changed', bytesB: 0 })
    expect(usr.bytesA).toBeGreaterThan(5_000_000)
  })

  it('two tags sharing a base; the cached side is not exported again', async () => {
    const ia = inspectImage(APP_SINGLE)
    const i1 = inspectImage(TAG_V1)
    const since = await freshSecond()
    // A fresh backend (nothing in memory) on the same cache: single is on disk from the first test.
    const c = await backend().dispatcher.invoke('compare:open', { a: engine(APP_SINGLE), b: engine(TAG_V1) }, ctx())
    await new Promise((r) => setTimeout(r, 1100))
    const saved = savedImageIds(since, now())
    expect(saved).not.toContain(ia.id)
    expect(saved.filter((id) => id === i1.id)).toHaveLength(1)
    expect(c.delta.bytes).toBe(i1.size - ia.size)

    const t = await backend().dispatcher.invoke('compare:open', { a: engine(TAG_V1), b: engine(TAG_V2) }, ctx())
    checkLayersAgainstEngine(t, TAG_V1, TAG_V2)
    expect(t.sharedLayers).toHaveLength(2)
    const expected = expectedFileDelta(listFinalFilesystem(TAG_V1), listFinalFilesystem(TAG_V2))
    expect(t.files.added.count).toBe(expected.added.count)
    expect(t.files.removed.count).toBe(expected.removed.count)
    expect(t.files.changed.count).toBe(expected.changed.count)
    expect(t.files.changed.bytes).toBe(expected.changed.bytes)
    // v2: app-v2 and plugins/list added; app-v1, only-v1.txt and the plugins file removed; common.txt, data.bin and the link changed.
    expect(expected).toMatchObject({ added: { count: 2 }, removed: { count: 3 }, changed: { count: 3 } })
    expect(t.delta.bytes).toBe(inspectImage(TAG_V2).size - i1.size)
  })

  it('CLI: layerscope compare --json and the text summary', async () => {
    const { execFileSync, spawnSync } = await import('node:child_process')
    const cli = (...args: string[]) => ['--import', 'tsx', join(process.cwd(), 'src/main/cli/index.ts'), '--cache-dir', cacheDir, ...args]
    const j = JSON.parse(execFileSync(process.execPath, cli('compare', APP_SINGLE, APP_MULTI, '--json'), { encoding: 'utf8' }))
    const ia = inspectImage(APP_SINGLE)
    const ib = inspectImage(APP_MULTI)
    expect(j.a).toMatchObject({ id: ia.id, tags: [APP_SINGLE], size: ia.size })
    expect(j.b).toMatchObject({ id: ib.id, tags: [APP_MULTI], size: ib.size })
    expect(j.sharedLayers.map((l: { diffId: string }) => l.diffId)).toEqual([ia.layers[0]])
    expect(j.onlyA.map((l: { diffId: string }) => l.diffId)).toEqual(ia.layers.slice(1))
    expect(j.onlyB.map((l: { diffId: string }) => l.diffId)).toEqual(ib.layers.slice(1))
    expect(j.delta.bytes).toBe(ib.size - ia.size)
    expect(j.files.removed.count).toBe(single.files.removed.count)
    expect(j.contributors[0]).toMatchObject({ path: '/usr/lib/gcc/x86_64-linux-gnu/12', bytesB: 0 })
    const text = execFileSync(process.execPath, cli('compare', APP_SINGLE, APP_MULTI), { encoding: 'utf8' })
    expect(text).toContain(single.sentence)
    expect(text).toMatch(/Layers\s+1 shared/)
    const bad = spawnSync(process.execPath, cli('compare', APP_SINGLE, 'layerscope-test/compare-nope:1'), { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/Side B.*compare-nope:1.*\[IMAGE_NOT_FOUND\]/)
  })

  it('bad input: the same image twice, a missing side, an archive against an engine image', async () => {
    const b = backend()
    const same = await b.dispatcher.invoke('compare:open', { a: engine(TAG_V1), b: engine(TAG_V1) }, ctx())
    expect(same.delta.bytes).toBe(0)
    expect(same.notes.join(' ')).toMatch(/same image/)
    expect(same.files.added.count + same.files.removed.count + same.files.changed.count).toBe(0)

    const missing = await b.dispatcher.call('compare:open', { a: engine(TAG_V1), b: engine('layerscope-test/compare-nope:1') }, ctx())
    expect(missing.error?.code).toBe('IMAGE_NOT_FOUND')
    expect(missing.error?.message).toMatch(/^Side B\b.*layerscope-test\/compare-nope:1/)

    const dir = mkdtempSync(join(tmpdir(), 'layerscope-compare-archive-'))
    try {
      const { execFileSync } = await import('node:child_process')
      execFileSync('docker', ['save', '-o', join(dir, 'v2.tar'), TAG_V2])
      const mixed = await b.dispatcher.invoke('compare:open', { a: engine(TAG_V1), b: { kind: 'archive', path: join(dir, 'v2.tar') } }, ctx())
      expect(mixed.sharedLayers).toHaveLength(2)
      expect(mixed.delta.basis).toBe('content')
      expect(mixed.notes.join(' ')).toMatch(/archive/)
      const fromEngine = await b.dispatcher.invoke('compare:open', { a: engine(TAG_V1), b: engine(TAG_V2) }, ctx())
      expect(mixed.files).toEqual(fromEngine.files)
      // An OCI layout archive (skopeo) on side A: the same layers line up by diff ID.
      execFileSync('skopeo', ['copy', '--quiet', `docker-daemon:${TAG_V1}`, `oci-archive:${join(dir, 'v1-oci.tar')}`])
      const oci = await b.dispatcher.invoke('compare:open', { a: { kind: 'archive', path: join(dir, 'v1-oci.tar') }, b: engine(TAG_V2) }, ctx())
      expect(oci.sharedLayers.map((l) => l.diffId)).toEqual(fromEngine.sharedLayers.map((l) => l.diffId))
      expect(oci.files).toEqual(fromEngine.files)
      expect(oci.contributors).toEqual(fromEngine.contributors)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
