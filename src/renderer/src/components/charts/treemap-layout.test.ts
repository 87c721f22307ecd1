import { describe, expect, it } from 'vitest'
import { toTreemapData, type ByteTreemapNode } from './treemap-data'
import { layoutTreemap, type Placed } from './treemap-layout'

const n = (path: string, bytes: number, children?: ByteTreemapNode[]): ByteTreemapNode => ({ name: path.split('/').pop()!, path, bytes, ...(children ? { children } : {}) })
const area = (p: Placed): number => p.width * p.height
const inside = (a: Placed, b: Placed): boolean => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height
const overlap = (a: Placed, b: Placed): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

describe('layoutTreemap', () => {
  const root = n('/', 1000, [
    n('/usr', 600, [n('/usr/lib', 450), n('/usr/bin', 150)]),
    n('/opt', 300, [n('/opt/a', 100), n('/opt/b', 100), n('/opt/c', 100)]),
    n('/big.bin', 100)
  ])
  const { blocks, tiles } = layoutTreemap(toTreemapData(root), 500, 200)

  it('places every block in data order, tiling the whole area without overlaps, each sized by its bytes', () => {
    expect(blocks.map((b) => b.datum.node.path)).toEqual(['/usr', '/opt', '/big.bin'])
    expect(blocks.reduce((a, b) => a + area(b), 0)).toBe(500 * 200)
    for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) expect(overlap(blocks[i]!, blocks[j]!)).toBe(false)
    // Whole pixels: each block within a pixel's rounding of its share on each side.
    for (const b of blocks) {
      expect(Number.isInteger(b.x) && Number.isInteger(b.width)).toBe(true)
      const want = (b.datum.node.bytes / 1000) * 500 * 200
      expect(Math.abs(area(b) - want)).toBeLessThan(b.width + b.height + 1)
    }
  })

  it('puts tiles inside their block, and a block without children is itself a tile', () => {
    expect(tiles.map((t) => t.datum.node.path).sort()).toEqual(['/big.bin', '/opt/a', '/opt/b', '/opt/c', '/usr/bin', '/usr/lib'])
    for (const t of tiles) {
      const block = blocks.find((b) => b.datum.node === t.datum.top)!
      expect(inside(t, block)).toBe(true)
      expect(t.depth).toBe(t.datum.node === t.datum.top ? 1 : 2)
    }
    const usr = tiles.filter((t) => t.datum.top.path === '/usr')
    expect(usr.reduce((a, t) => a + area(t), 0)).toBe(area(blocks[0]!))
  })

  it('is empty without data or room', () => {
    expect(layoutTreemap([], 500, 200)).toEqual({ blocks: [], tiles: [] })
    expect(layoutTreemap(toTreemapData(root), 0, 200)).toEqual({ blocks: [], tiles: [] })
  })
})

describe('layoutTreemap with entries too small for a pixel', () => {
  it('leaves out what rounds to no area, keeping block-then-tiles order', () => {
    const root = n('/', 1_000_001, [n('/big', 1_000_000, [n('/big/a', 600_000), n('/big/b', 400_000)]), n('/speck', 1)])
    const { blocks, tiles } = layoutTreemap(toTreemapData(root), 300, 100)
    expect(blocks.map((b) => b.datum.node.path)).toEqual(['/big'])
    expect(tiles.map((t) => t.datum.node.path)).toEqual(['/big/a', '/big/b'])
    for (const t of [...blocks, ...tiles]) expect(t.width > 0 && t.height > 0).toBe(true)
  })
})
