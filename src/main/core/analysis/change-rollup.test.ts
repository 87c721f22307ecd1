import { describe, expect, it } from 'vitest'
import type { ChangeBytes, TreemapNode } from '../../../shared/models/analysis'
import { imageFromLayers } from '../archive/testdata/build'

const base = [
  { path: 'usr', type: 'dir' as const },
  { path: 'usr/lib', type: 'dir' as const },
  { path: 'usr/lib/a.so', size: 1000 },
  { path: 'usr/lib/b.so', size: 500 },
  { path: 'root', type: 'dir' as const },
  { path: 'root/.npm', type: 'dir' as const },
  { path: 'root/.npm/cache', size: 300 },
  { path: 'app', type: 'dir' as const },
  { path: 'app/main.js', size: 40 },
  { path: 'app/old.js', size: 60 }
]
const top = [
  { path: 'app', type: 'dir' as const },
  { path: 'app/main.js', size: 45 }, // changed
  { path: 'app/new.js', size: 7 }, // added
  { path: 'app/.wh.old.js' }, // deleted: 60 hidden
  { path: 'root', type: 'dir' as const },
  { path: 'root/.wh..npm' } // deleted dir: 300 hidden
]

function find(n: TreemapNode, path: string): TreemapNode {
  if (n.path === path) return n
  for (const c of n.children ?? []) {
    if (path === c.path || path.startsWith(`${c.path}/`)) return find(c, path)
  }
  throw new Error(`${path} not in treemap`)
}
const split = (a: number, c: number, u: number, d: number, w: number): ChangeBytes => ({ added: a, changed: c, unchanged: u, deleted: d, wasted: w })

describe('bytes by change kind, per folder', () => {
  it('a base layer is all added at every depth, its later-hidden bytes marked wasted', async () => {
    const img = await imageFromLayers([base, top])
    const t = img.treemap(0, 'layer', '/', 3)
    expect(t.split).toEqual(split(1900, 0, 0, 0, 40 + 60 + 300))
    expect(find(t, '/usr').split).toEqual(split(1500, 0, 0, 0, 0))
    expect(find(t, '/usr/lib/a.so').split).toEqual(split(1000, 0, 0, 0, 0))
    // /root is not grey while what is inside it is new: the folder says what it holds.
    expect(find(t, '/root').split).toEqual(split(300, 0, 0, 0, 300))
    expect(find(t, '/app').split).toEqual(split(100, 0, 0, 0, 100))
  })

  it('a mixed folder carries its proportions; deletions count what they hid', async () => {
    const img = await imageFromLayers([base, top])
    const t = img.treemap(1, 'layer', '/', 3)
    expect(find(t, '/app').split).toEqual(split(7, 45, 0, 60, 0))
    expect(find(t, '/root').split).toEqual(split(0, 0, 0, 300, 0))
    expect(t.split).toEqual(split(7, 45, 0, 360, 0))
    // The root's deleted bytes are the layer summary's.
    expect(t.split!.deleted).toBe(img.analysis.layers[1]!.deletedBytes)
    expect(t.split!.added).toBe(img.analysis.layers[1]!.addedBytes)
    expect(t.split!.changed).toBe(img.analysis.layers[1]!.changedBytes)
  })

  it('stacked: what the top layer wrote is added or changed, what lower layers wrote is unchanged', async () => {
    const img = await imageFromLayers([base, top])
    const t = img.treemap(null, 'stacked', '/', 3)
    expect(t.bytes).toBe(1000 + 500 + 45 + 7)
    expect(t.split).toEqual(split(7, 45, 1500, 360, 0))
    expect(find(t, '/usr').split).toEqual(split(0, 0, 1500, 0, 0))
    // Up to layer 0, the shipped copies layer 1 hides are wasted.
    const t0 = img.treemap(0, 'stacked', '/', 3)
    expect(t0.split).toEqual(split(1900, 0, 0, 0, 400))
  })

  it('aggregates carry the sum of the entries they stand for', async () => {
    const many = [{ path: 'd', type: 'dir' as const }, { path: 'd/big', size: 100000 }, ...Array.from({ length: 40 }, (_, i) => ({ path: `d/s${i}`, size: 10 }))]
    const img = await imageFromLayers([many])
    const t = img.treemap(0, 'layer', '/d', 1, 5)
    const agg = t.children!.find((c) => c.kind === 'aggregate')!
    expect(agg.bytes).toBeGreaterThan(0)
    expect(agg.split).toEqual(split(agg.bytes, 0, 0, 0, 0))
    const sum = t.children!.reduce((s, c) => s + c.split!.added, 0)
    expect(sum).toBe(t.split!.added)
  })
})

describe('a folder of many equal small children', () => {
  it('shows its biggest few as blocks instead of one "small entries" block', async () => {
    const dirs = Array.from({ length: 100 }, (_, i) => [{ path: `d${i}`, type: 'dir' as const }, { path: `d${i}/f`, size: 10 }]).flat()
    const inner = Array.from({ length: 50 }, (_, i) => ({ path: `big/s${i}`, size: 10 }))
    const img = await imageFromLayers([[...dirs, { path: 'big', type: 'dir' as const }, { path: 'big/huge', size: 1_000_000 }, ...inner]])
    const t = img.treemap(null, 'stacked', '/', 2, 400)
    // The blocks level: 24 blocks (big and 23 of the tiny folders), the other 77 grouped.
    expect(t.children!.filter((c) => c.kind !== 'aggregate')).toHaveLength(24)
    expect(t.children!.find((c) => c.kind === 'aggregate')!.count).toBe(77)
    // Inside a block: 6 tiles at least (huge and 5 of the small files), the rest grouped.
    const big = t.children!.find((c) => c.name === 'big')!
    expect(big.children!.filter((c) => c.kind !== 'aggregate')).toHaveLength(6)
    expect(big.children!.find((c) => c.kind === 'aggregate')!.count).toBe(45)
    expect(t.children!.reduce((s, c) => s + c.bytes, 0)).toBe(t.bytes)
  })
})
