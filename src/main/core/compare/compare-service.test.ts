import { describe, expect, it } from 'vitest'
import { CompareService, type ComparableImage, type ImageOpener } from './compare-service'
import { LayerscopeError } from '../errors'
import { entries, fakeImage, layer } from './testdata/fake-images'

const baseLayer = layer(0, 'sha256:base', 1030, 'ADD rootfs /')
const single = fakeImage({
  key: 'k-single',
  ref: 'app:single',
  size: 20000,
  layers: [baseLayer, layer(1, 'sha256:tool', 17500, 'COPY toolchain /usr/lib/gcc'), layer(2, 'sha256:build', 1200, 'RUN make')],
  entries: entries('bin/busybox:1000@0', 'etc/passwd:30@0', 'usr/lib/gcc/cc1:9000@1', 'usr/lib/gcc/lto:8500@1', 'src/main.c:500@2', 'app/app.bin:700@2'),
  wasteBytes: 100
})
const multi = fakeImage({
  key: 'k-multi',
  ref: 'app:multi',
  size: 1800,
  layers: [baseLayer, layer(1, 'sha256:artefact', 700, 'COPY --from=build /app/app.bin /app/')],
  entries: entries('bin/busybox:1000@0', 'etc/passwd:30@0', 'app/app.bin:700@1')
})

function opener(...imgs: ComparableImage[]): ImageOpener & { opened: string[] } {
  const opened: string[] = []
  return {
    opened,
    async flush() {
      opened.push('flush')
    },
    async open(source, opts) {
      const ref = source.kind === 'archive' ? source.path : source.ref
      opened.push(ref)
      opts?.onProgress?.({ phase: 'export', bytesDone: 10 })
      const img = imgs.find((i) => i.analysis.image.repoTags.includes(ref))
      if (!img) throw new LayerscopeError('IMAGE_NOT_FOUND', `No image ${ref} in the engine.`)
      return img
    },
    get(key) {
      const img = imgs.find((i) => i.analysis.key === key)
      if (!img) throw new LayerscopeError('NOT_FOUND', `No analysis ${key} is open; open the image again.`)
      return img
    }
  }
}

describe('CompareService', () => {
  it('compares single-stage against multi-stage', async () => {
    const o = opener(single, multi)
    const progress: string[] = []
    const c = await new CompareService(() => o).open(
      { kind: 'engine', ref: 'app:single' },
      { kind: 'engine', ref: 'app:multi' },
      { onProgress: (p) => progress.push(`${p.side}:${p.phase}`) }
    )
    expect(c.sharedLayers.map((l) => l.diffId)).toEqual(['sha256:base'])
    expect(c.onlyA.map((l) => [l.diffId, l.indexA])).toEqual([['sha256:tool', 1], ['sha256:build', 2]])
    expect(c.onlyB).toEqual([{ diffId: 'sha256:artefact', contentBytes: 700, createdBy: 'COPY --from=build /app/app.bin /app/', indexB: 1 }])
    expect(c.delta).toMatchObject({ bytes: -18200, layers: -1, files: -3, wastedBytes: -100, basis: 'engine' })
    expect(c.delta.ratio).toBeCloseTo(20000 / 1800)
    expect(c.files.removed).toMatchObject({ count: 3, bytes: 18000 })
    expect(c.files.added.count).toBe(0)
    expect(c.contributors[0]).toMatchObject({ path: '/usr/lib/gcc', delta: -17500 })
    expect(c.sentence).toBe('multi is 11x smaller than single: -18.2 kB; the biggest parts: /usr/lib/gcc -17.5 kB, /src/main.c -500 B')
    expect(c.notes).toEqual([])
    expect(progress).toEqual(['a:export', 'b:export', 'b:diff'])
    // The cache writes of A are awaited before B opens, so B finds the shared layers.
    expect(o.opened).toEqual(['app:single', 'flush', 'app:multi'])
  })

  it('drills down and draws the treemap from the kept diff', async () => {
    const o = opener(single, multi)
    const s = new CompareService(() => o)
    await s.open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:multi' })
    expect(s.contributors('k-single', 'k-multi', '/usr/lib/gcc').map((c) => c.path)).toEqual(['/usr/lib/gcc/cc1', '/usr/lib/gcc/lto'])
    expect(s.treemap('k-single', 'k-multi', '/').bytes).toBe(18000)
    // A pair never compared is rebuilt from the open analyses.
    expect(s.contributors('k-multi', 'k-single', '/')[0]).toMatchObject({ path: '/usr/lib/gcc', delta: 17500, status: 'onlyB' })
    expect(() => s.contributors('k-multi', 'gone', '/')).toThrow(/open the image again/)
  })

  it('says so when both sides are the same image', async () => {
    const c = await new CompareService(() => opener(single)).open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:single' })
    expect(c.delta.bytes).toBe(0)
    expect(c.delta.ratio).toBe(1)
    expect(c.onlyA).toEqual([])
    expect(c.sharedLayers).toHaveLength(3)
    expect(c.notes[0]).toMatch(/same image/)
    expect(c.sentence).toMatch(/same image .*no difference/)
  })

  it('names the missing side', async () => {
    const s = new CompareService(() => opener(single))
    const err = await s.open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'nope:1' }).catch((e: LayerscopeError) => e)
    expect(err).toBeInstanceOf(LayerscopeError)
    expect((err as LayerscopeError).code).toBe('IMAGE_NOT_FOUND')
    expect((err as LayerscopeError).message).toBe('Side B: No image nope:1 in the engine.')
    const quiet: ImageOpener = { get: () => single, open: async () => Promise.reject(new LayerscopeError('ARCHIVE_INVALID', 'Not an image archive.')) }
    await expect(new CompareService(() => quiet).open({ kind: 'archive', path: '/x.tar' }, { kind: 'engine', ref: 'y' })).rejects.toThrow('Side A (/x.tar): Not an image archive.')
  })

  it('notes different platforms and an archive against an engine image', async () => {
    const arm = fakeImage({ key: 'k-arm', ref: 'app:arm', arch: 'arm64', sizeKind: 'content', layers: [layer(0, 'sha256:armbase', 900)], entries: entries('bin/busybox:900') })
    const c = await new CompareService(() => opener(multi, arm)).open({ kind: 'engine', ref: 'app:multi' }, { kind: 'engine', ref: 'app:arm' })
    expect(c.notes.join(' ')).toMatch(/linux\/amd64 and B is linux\/arm64/)
    expect(c.notes.join(' ')).toMatch(/archive/)
    // Like for like: layer content bytes on both sides (1730 vs 900).
    expect(c.delta).toMatchObject({ basis: 'content', bytes: 900 - 1730 })
    expect(c.sharedLayers).toEqual([])
  })

  it('honours cancellation', async () => {
    const ac = new AbortController()
    const o = opener(single, multi)
    const slow: ImageOpener = {
      get: o.get,
      open: async (src, opts) => {
        ac.abort()
        return o.open(src, opts)
      }
    }
    await expect(new CompareService(() => slow).open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:multi' }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
