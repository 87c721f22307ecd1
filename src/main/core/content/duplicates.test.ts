import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { imageFromLayers } from '../archive/testdata/build'
import { findDuplicates } from './duplicates'

const sha = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`

describe('duplicates in the final filesystem', () => {
  it('groups regular files by content, counts what a dedup saves, leaves out hard links, empty files and hidden copies', async () => {
    const lib = 'x'.repeat(1000)
    const img = await imageFromLayers([
      [
        { path: 'app/node_modules/a/lib.js', content: lib },
        { path: 'app/node_modules/b/lib.js', content: lib },
        { path: 'usr/bin/tool', content: 'tool-binary' },
        { path: 'usr/bin/tool-hard', type: 'hardlink', linkName: 'usr/bin/tool' },
        { path: 'etc/empty1', content: '' },
        { path: 'etc/empty2', content: '' },
        { path: 'same-size', content: 'y'.repeat(1000) },
        { path: 'gone', content: lib }
      ],
      [
        { path: 'opt/tool-copy', content: 'tool-binary' },
        { path: 'app/vendor/lib.js', content: lib },
        { path: '.wh.gone' }
      ]
    ])
    const d = img.analysis.duplicates!
    expect(d).toEqual({
      bytes: 2000 + 11,
      groupCount: 2,
      files: 5,
      truncated: false,
      groups: [
        { digest: sha(lib), size: 1000, bytes: 2000, copies: 3, paths: ['/app/node_modules/a/lib.js', '/app/node_modules/b/lib.js', '/app/vendor/lib.js'] },
        { digest: sha('tool-binary'), size: 11, bytes: 11, copies: 2, paths: ['/opt/tool-copy', '/usr/bin/tool'] }
      ]
    })
    // Waste keeps its own definition: the deleted copy of lib is waste, not a duplicate.
    expect(img.analysis.waste.bytes).toBe(1000)
    const capped = findDuplicates(img.paths, img.layers, img.refs, img.stack.vis, { maxGroups: 1, maxPaths: 2 })
    expect(capped).toMatchObject({ bytes: 2011, groupCount: 2, truncated: true })
    expect(capped.groups).toHaveLength(1)
    expect(capped.groups[0]!.paths).toHaveLength(2)
  })

  it('ranks groups by bytes saved, then copies, then size, then digest, whatever order the files come in', async () => {
    // 12 contents of 4 sizes, 2 or 3 copies each, in a scrambled order: many ties in bytes saved.
    const files: Array<{ path: string; content: string }> = []
    for (let c = 0; c < 12; c++) {
      const content = String(c % 4).repeat(10 + (c % 4) * 10).slice(0, -2) + String(c).padStart(2, '0')
      for (let k = 0; k < 2 + (c % 2); k++) files.push({ path: `d${(c * 7 + k * 5) % 13}/f${c}-${k}`, content })
    }
    files.sort((a, b) => (a.path < b.path ? 1 : -1))
    const img = await imageFromLayers([files])
    const got = img.analysis.duplicates!.groups.map((g) => [g.bytes, g.copies, g.size, g.digest])
    const want = [...new Set(files.map((f) => f.content))]
      .map((c) => {
        const copies = files.filter((f) => f.content === c).length
        return [c.length * (copies - 1), copies, c.length, sha(c)] as [number, number, number, string]
      })
      .sort((x, y) => y[0] - x[0] || y[1] - x[1] || x[2] - y[2] || (x[3] < y[3] ? -1 : 1))
    expect(got).toEqual(want)
  })

  it('tells apart same-size files whose digests share their first 4 bytes (the hash key)', async () => {
    // A real prefix collision, searched for (about 2^16 digests by the birthday bound).
    const seen = new Map<number, string>()
    let pair: [string, string] | undefined
    for (let i = 0; !pair; i++) {
      const c = `content-${String(i).padStart(8, '0')}`
      const w = createHash('sha256').update(c).digest().readUInt32BE(0)
      const other = seen.get(w)
      if (other !== undefined) pair = [other, c]
      else seen.set(w, c)
    }
    const [a, b] = pair
    expect(sha(a).slice(0, 15)).toBe(sha(b).slice(0, 15))
    expect(a.length).toBe(b.length)
    const img = await imageFromLayers([[{ path: 'a1', content: a }, { path: 'b1', content: b }, { path: 'a2', content: a }, { path: 'c1', content: 'z'.repeat(a.length) }]])
    expect(img.analysis.duplicates!.groups).toEqual([{ digest: sha(a), size: a.length, bytes: a.length, copies: 2, paths: ['/a1', '/a2'] }])
  })
})
