import { describe, expect, it } from 'vitest'
import { imageFromLayers } from '../archive/testdata/build'
import { kindAt } from './analyzed-image'
import { Refs } from './stack'
import { LayerEntries } from '../model/layer-entries'
import { PathTable } from '../model/path-table'

const base = [
  { path: 'etc', type: 'dir' as const },
  { path: 'etc/passwd', content: 'root\n' },
  { path: 'app', type: 'dir' as const },
  { path: 'app/big.bin', size: 1000 },
  { path: 'app/keep.txt', size: 10 },
  { path: 'app/sub', type: 'dir' as const },
  { path: 'app/sub/a', size: 100 },
  { path: 'app/sub/b', size: 200 },
  { path: 'opq', type: 'dir' as const },
  { path: 'opq/old1', size: 30 },
  { path: 'opq/old2', size: 40 }
]

function finalMap(img: Awaited<ReturnType<typeof imageFromLayers>>): Map<string, number> {
  return new Map([...img.finalEntries()].map((e) => [e.path, e.size]))
}

describe('stacking and waste', () => {
  it('handles file delete, dir delete, opaque dir and re-create after delete', async () => {
    const img = await imageFromLayers([
      base,
      [
        { path: 'app', type: 'dir' },
        { path: 'app/.wh.big.bin' }, // file deleted
        { path: 'app/.wh.sub' }, // dir deleted
        { path: 'opq', type: 'dir' },
        { path: 'opq/.wh..wh..opq' }, // opaque
        { path: 'opq/new', size: 5 }
      ],
      [
        { path: 'app', type: 'dir' },
        { path: 'app/sub', type: 'dir' }, // re-created after delete
        { path: 'app/sub/c', size: 7 }
      ]
    ])
    const a = img.analysis
    const f = finalMap(img)
    expect([...f.keys()].sort()).toEqual(['app', 'app/keep.txt', 'app/sub', 'app/sub/c', 'etc', 'etc/passwd', 'opq', 'opq/new'])
    expect(a.layers.map((l) => l.contentBytes)).toEqual([5 + 1000 + 10 + 300 + 70, 5, 7])
    expect(a.final.bytes).toBe(5 + 10 + 5 + 7)
    expect(a.final.files).toBe(4)
    expect(a.waste.bytes).toBe(1000 + 300 + 70)
    expect(a.waste.efficiency).toBeCloseTo(27 / 1397, 10)
    const wp = img.wastePaths(0, 100).paths
    expect(wp.reduce((s, p) => s + p.bytes, 0)).toBe(a.waste.bytes)
    expect(wp.map((p) => [p.path, p.bytes, p.reason, p.layerIndex, p.byLayerIndex]).sort()).toEqual(
      [
        ['/app/big.bin', 1000, 'deleted', 0, 1],
        ['/app/sub/a', 100, 'deleted', 0, 1],
        ['/app/sub/b', 200, 'deleted', 0, 1],
        ['/opq/old1', 30, 'deleted', 0, 1],
        ['/opq/old2', 40, 'deleted', 0, 1]
      ].sort()
    )
    // Layer 1: deleted big.bin, sub (+a, +b), old1, old2 = 6 paths; added opq/new.
    expect(a.layers[1]).toMatchObject({ added: 1, changed: 0, deleted: 6, deletedBytes: 1370, addedBytes: 5 })
    expect(a.layers[2]).toMatchObject({ added: 2, changed: 0, deleted: 0, addedBytes: 7 })
    // Layer tree shows whiteouts and the opaque dir as data.
    const t1 = img.tree(1, 'layer', '/app', 'name')
    expect(t1.children.map((c) => [c.name, c.whiteout ?? false, c.change])).toEqual([
      ['big.bin', true, 'deleted'],
      ['sub', true, 'deleted']
    ])
    expect(img.tree(1, 'layer', '/', 'name').children.find((c) => c.name === 'opq')!.opaque).toBe(true)
    // Stacked up to layer 1: sub is gone; whole stack: it is back.
    expect(img.tree(1, 'stacked', '/app', 'name').children.map((c) => c.name)).toEqual(['keep.txt'])
    expect(img.tree(null, 'stacked', '/app', 'name').children.map((c) => c.name)).toEqual(['keep.txt', 'sub'])
    // Base layer entries carry the waste marker of who hid them.
    const big = img.tree(0, 'layer', '/app', 'size').children[0]!
    expect(big).toMatchObject({ name: 'big.bin', bytes: 1000, waste: { reason: 'deleted', bytes: 1000, byLayerIndex: 1 } })
  })

  it('classifies overwritten and chmod-only copies, and computes dive figures', async () => {
    const img = await imageFromLayers([
      [
        { path: 'bin', type: 'dir' },
        { path: 'bin/tool', size: 500, mtime: 100, mode: 0o644 },
        { path: 'bin/conf', size: 50, mtime: 100 },
        { path: 'bin/gone', size: 20 }
      ],
      [
        { path: 'bin', type: 'dir' },
        { path: 'bin/tool', size: 500, mtime: 100, mode: 0o755 }, // chmod: same size + mtime
        { path: 'bin/conf', size: 60, mtime: 200 } // overwritten
      ],
      [{ path: 'bin/.wh.gone' }]
    ])
    const a = img.analysis
    const wp = img.wastePaths().paths.map((p) => [p.path, p.bytes, p.reason, p.layerIndex, p.byLayerIndex])
    expect(wp).toEqual([
      ['/bin/tool', 500, 'metadata-only', 0, 1],
      ['/bin/conf', 50, 'overwritten', 0, 1],
      ['/bin/gone', 20, 'deleted', 0, 2]
    ])
    expect(a.waste.bytes).toBe(570)
    expect(a.layers[1]).toMatchObject({ added: 0, changed: 2, changedBytes: 560, deleted: 0 })
    expect(a.layers[2]).toMatchObject({ deleted: 1, deletedBytes: 20 })
    // dive: per path min/cumulative over leaves; a file whiteout counts as 0.
    // tool: min 500 cum 1000; conf: min 50 cum 110; gone: min 0 cum 20.
    expect(a.waste.dive.score).toBeCloseTo((500 + 50 + 0) / (1000 + 110 + 20), 10)
    expect(a.waste.dive.wastedBytes).toBe(1000 + 110 + 20)
    expect(a.waste.dive.userWastedPercent).toBeCloseTo(1130 / 560, 10)
  })

  it('keeps hard links, symlinks, hostile names and absolute targets as data', async () => {
    const img = await imageFromLayers([
      [
        { path: 'data', type: 'dir' },
        { path: 'data/file', size: 64 },
        { path: 'data/hard', type: 'hardlink', linkName: 'data/file' },
        { path: 'data/sym', type: 'symlink', linkName: '/etc/shadow' },
        { path: '../../etc/passwd', size: 3 },
        { path: '/abs/x y ü.txt', size: 4 },
        { path: './dot/z', size: 5 }
      ]
    ])
    const a = img.analysis
    expect(a.layers[0]).toMatchObject({ files: 4, entries: 7, contentBytes: 76 })
    expect(kindAt(img, 'data/hard')).toBe('hardlink')
    const f = [...img.finalEntries()]
    expect(f.find((e) => e.path === 'data/sym')).toMatchObject({ kind: 'symlink', linkTarget: '/etc/shadow', size: 0 })
    expect(f.find((e) => e.path === 'data/hard')).toMatchObject({ kind: 'hardlink', linkTarget: 'data/file' })
    expect(f.map((e) => e.path)).toEqual(expect.arrayContaining(['../../etc/passwd', 'abs/x y ü.txt', 'dot/z']))
    expect(img.search(null, 'stacked', 'ü').matches.map((m) => m.path)).toEqual(['/abs/x y ü.txt'])
    expect(img.search(null, 'stacked', 'etc/pass').matches.map((m) => m.path)).toEqual(['/../../etc/passwd'])
  })

  it('joins history: empty steps listed, non-empty steps get layers, created_by cleaned', async () => {
    const img = await imageFromLayers(
      [[{ path: 'a', size: 1 }], [{ path: 'b', size: 2 }]],
      [
        { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
        { created_by: '|2 X=1 Y=two /bin/sh -c make all' }
      ]
    )
    const a = img.analysis
    expect(a.history.map((h) => [h.createdBy, h.emptyLayer, h.layerIndex])).toEqual([
      ['ADD file:abc in /', false, 0],
      ['ENV A=1', true, undefined],
      ['RUN make all', false, 1]
    ])
    expect(a.layers[1]!.createdByRaw).toBe('|2 X=1 Y=two /bin/sh -c make all')
  })

  it('answers treemap queries within maxNodes, aggregating small entries', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ path: `d/f${i}`, size: i === 0 ? 100000 : 10 }))
    const img = await imageFromLayers([[{ path: 'd', type: 'dir' as const }, ...many, { path: 'e/x', size: 5000 }]])
    const t = img.treemap(null, 'stacked', '/', 3, 20)
    let n = 0
    const walk = (x: typeof t): void => {
      n++
      x.children?.forEach(walk)
    }
    walk(t)
    expect(n).toBeLessThanOrEqual(20)
    expect(t.bytes).toBe(100000 + 2990 + 5000)
    const d = t.children!.find((c) => c.name === 'd')!
    const agg = d.children!.find((c) => c.kind === 'aggregate')!
    expect(agg.count).toBeGreaterThan(250)
    expect(d.children!.reduce((s, c) => s + c.bytes, 0)).toBe(d.bytes)
    const page = img.tree(null, 'stacked', '/d', 'size', 1, 5)
    expect(page.total).toBe(300)
    expect(page.children).toHaveLength(5)
    expect(page.children[0]!.bytes).toBe(10)
  })
})

describe('Refs', () => {
  it('gives each global ref its layer, past empty layers, as the offsets say', () => {
    const paths = new PathTable()
    const layer = (n: number): LayerEntries => {
      const e = new LayerEntries(paths)
      for (let i = 0; i < n; i++) e.push(paths.intern(`f${n}-${i}`), 0, 0, 1, 0o644, 0, 0, 0)
      return e
    }
    const refs = new Refs([layer(0), layer(3), layer(0), layer(0), layer(2), layer(0)])
    expect(refs.offsets).toEqual([0, 0, 3, 3, 3, 5])
    expect(refs.total).toBe(5)
    expect([0, 1, 2, 3, 4].map((r) => refs.layerOf(r))).toEqual([1, 1, 1, 4, 4])
    // Outside every layer: the last layer starting at or before it.
    expect(refs.layerOf(5)).toBe(5)
    expect(refs.layerOf(-1)).toBe(0)
  })
})
