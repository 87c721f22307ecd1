import { describe, expect, it } from 'vitest'
import { breadcrumbs, deltaShare, layerBars, layerPairs, shortDiffId, sourceFromKey, sourceKey, zoomTreemap, clipMiddle } from './view-model'

const ref = (diffId: string, contentBytes: number, extra: object = {}) => ({ diffId, contentBytes, createdBy: `RUN ${diffId}`, ...extra })

describe('layerPairs', () => {
  it('puts shared layers first, then pairs the rest by position', () => {
    const rows = layerPairs({
      sharedLayers: [ref('s0', 10, { indexA: 0, indexB: 0 })],
      onlyA: [ref('a1', 20, { indexA: 1 }), ref('a2', 30, { indexA: 2 })],
      onlyB: [ref('b1', 5, { indexB: 1 })]
    })
    expect(rows.map((r) => [r.index, r.shared, r.a?.diffId, r.b?.diffId])).toEqual([
      [0, true, 's0', 's0'],
      [1, false, 'a1', 'b1'],
      [2, false, 'a2', undefined]
    ])
    expect(layerBars(rows)).toMatchObject([
      { label: '#0', a: 10, b: 10, shared: true },
      { label: '#1', a: 20, b: 5, shared: false },
      { label: '#2', a: 30, b: 0, shared: false }
    ])
    expect(shortDiffId('sha256:0123456789abcdef')).toBe('01234567')
  })
})

describe('helpers', () => {
  it('breadcrumbs of a path', () => {
    expect(breadcrumbs('/')).toEqual([{ name: '/', path: '/' }])
    expect(breadcrumbs('/usr/lib/gcc').map((c) => c.path)).toEqual(['/', '/usr', '/usr/lib', '/usr/lib/gcc'])
  })
  it('source keys round-trip', () => {
    for (const s of [{ kind: 'engine' as const, ref: 'a:1' }, { kind: 'archive' as const, path: '/x y.tar' }]) expect(sourceFromKey(sourceKey(s))).toEqual(s)
    expect(sourceKey(null)).toBe('')
    expect(sourceFromKey('')).toBeNull()
  })
  it('delta share', () => {
    expect(deltaShare(-50, 100)).toBe(0.5)
    expect(deltaShare(5, 0)).toBe(0)
  })
})

describe('zoomTreemap', () => {
  const leaf = (path: string, bytes: number) => ({ path, bytes, status: 'onlyA' })
  it('descends while one directory holds nearly everything', () => {
    const gcc = { path: '/usr/lib/gcc', bytes: 95, status: 'onlyA', children: [leaf('/usr/lib/gcc/cc1', 60), leaf('/usr/lib/gcc/lto', 35)] }
    const lib = { path: '/usr/lib', bytes: 97, status: 'changed', children: [gcc, leaf('/usr/lib/x', 2)] }
    const usr = { path: '/usr', bytes: 98, status: 'changed', children: [lib, leaf('/usr/y', 1)] }
    const root = { path: '/', bytes: 100, status: 'changed', children: [usr, leaf('/src', 2)] }
    expect(zoomTreemap(root).path).toBe('/usr/lib/gcc')
    // No dominant child: stays.
    const flat = { path: '/', bytes: 10, status: 'changed', children: [leaf('/a', 5), leaf('/b', 5)] }
    expect(zoomTreemap(flat)).toBe(flat)
  })
})

describe('clipMiddle', () => {
  it('keeps the end of a long path', () => {
    expect(clipMiddle('/short', 20)).toBe('/short')
    const c = clipMiddle('/usr/lib/gcc/x86_64-linux-gnu/12/plugin/include', 30)
    expect(c).toHaveLength(30)
    expect(c.endsWith('12/plugin/include')).toBe(true)
  })
})
