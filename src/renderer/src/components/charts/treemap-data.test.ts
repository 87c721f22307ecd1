import { describe, expect, it } from 'vitest'
import { toTreemapData, type ByteTreemapNode } from './treemap-data'

const n = (path: string, bytes: number, children?: ByteTreemapNode[]): ByteTreemapNode => ({ name: path.split('/').pop()!, path, bytes, ...(children ? { children } : {}) })

describe('toTreemapData', () => {
  it('makes blocks and tiles two levels deep, without zero-byte entries', () => {
    const root = n('/', 30, [n('/usr', 20, [n('/usr/lib', 15), n('/usr/empty', 0), n('/usr/bin', 5)]), n('/etc', 0), n('/a', 10)])
    const data = toTreemapData(root)
    expect(data.map((d) => d.name)).toEqual(['usr', 'a'])
    expect(data[0]!.children!.map((c) => [c.name, c.size, c.top.path, c.topIndex])).toEqual([
      ['lib', 15, '/usr', 0],
      ['bin', 5, '/usr', 0]
    ])
    expect(data[1]!.children).toBeUndefined()
    expect(data[1]!.topIndex).toBe(1)
  })
  it('is empty for a root without bytes', () => {
    expect(toTreemapData(n('/', 0, [n('/x', 0)]))).toEqual([])
    expect(toTreemapData(n('/', 0))).toEqual([])
  })
})
