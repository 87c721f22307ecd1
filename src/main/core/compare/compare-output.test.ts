import { describe, expect, it } from 'vitest'
import { CompareService } from './compare-service'
import { toCompareJson } from './compare-json'
import { compareText } from './compare-text'
import { entries, fakeImage, layer } from './testdata/fake-images'

const base = layer(0, 'sha256:base', 1030, 'ADD rootfs /')
const a = fakeImage({ key: 'ka', ref: 'app:single', size: 3000, layers: [base, layer(1, 'sha256:tool', 1970, 'COPY tool /usr/lib/gcc')], entries: entries('bin/busybox:1000@0', 'etc/passwd:30@0', 'usr/lib/gcc/cc1:1970@1') })
const b = fakeImage({ key: 'kb', ref: 'app:multi', size: 1100, layers: [base, layer(1, 'sha256:art', 70, 'COPY --from=build /app /app')], entries: entries('bin/busybox:1000@0', 'etc/passwd:30@0', 'app/bin:70@1') })
const service = new CompareService(() => ({
  open: async (s) => (s.kind === 'engine' && s.ref === 'app:single' ? a : b),
  get: (k) => (k === 'ka' ? a : b)
}))

describe('compare outputs', () => {
  it('JSON holds what the docs promise', async () => {
    const j = toCompareJson(await service.open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:multi' }))
    expect(j.a).toMatchObject({ id: a.analysis.image.id, tags: ['app:single'], size: 3000, layers: 2 })
    expect(j.b).toMatchObject({ tags: ['app:multi'], size: 1100 })
    expect(j.sharedLayers).toEqual([{ diffId: 'sha256:base', contentBytes: 1030, createdBy: 'ADD rootfs /', indexA: 0, indexB: 0 }])
    expect(j.onlyA.map((l) => l.diffId)).toEqual(['sha256:tool'])
    expect(j.onlyB.map((l) => l.diffId)).toEqual(['sha256:art'])
    expect(j.delta).toMatchObject({ bytes: -1900, basis: 'engine', layers: 0 })
    expect(j.files).toMatchObject({ added: { count: 1, bytes: 70 }, removed: { count: 1, bytes: 1970 }, changed: { count: 0, bytes: 0 } })
    expect(j.contributors).toEqual([
      { path: '/usr/lib/gcc/cc1', bytesA: 1970, bytesB: 0, delta: -1970, status: 'onlyA' },
      { path: '/app/bin', bytesA: 0, bytesB: 70, delta: 70, status: 'onlyB' }
    ])
    expect(JSON.parse(JSON.stringify(j))).toEqual(j)
  })

  it('text reads as a summary with the sentence, contributors and layers', async () => {
    const t = compareText(await service.open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:multi' }))
    expect(t).toContain('A  single = app:single')
    expect(t).toContain('3kB (docker images), 3,000 bytes, 2 layers')
    expect(t).toContain('multi is 2.7x smaller than single: -1.9 kB')
    expect(t).toMatch(/\/usr\/lib\/gcc\/cc1\s+1.97 kB\s+0 B\s+-1.97 kB/)
    expect(t).toMatch(/1 shared \(1.03 kB\), 1 only in A, 1 only in B/)
    expect(t).toMatch(/ 1 {2}A\s+1.97 kB\s+COPY tool \/usr\/lib\/gcc\s+B\s+70 B\s+COPY --from=build/)
  })

  it('text lines its columns up: paths padded to 48, figures right-aligned in 10, 10 and 11', async () => {
    const lines = compareText(await service.open({ kind: 'engine', ref: 'app:single' }, { kind: 'engine', ref: 'app:multi' })).split('\n')
    expect(lines).toContain('Where the difference comes from                          A         B      delta')
    expect(lines).toContain('/usr/lib/gcc/cc1                                   1.97 kB       0 B   -1.97 kB')
    expect(lines.find((l) => l.startsWith('/app/bin '))).toBe('/app/bin                                               0 B      70 B      +70 B')
  })
})
