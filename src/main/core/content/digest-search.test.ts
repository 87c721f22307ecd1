import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { imageFromLayers } from '../archive/testdata/build'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')

describe('tree nodes and search carry content digests', () => {
  it('shows mode, owner and sha256 on a file node, and finds files by digest prefix', async () => {
    const img = await imageFromLayers([[{ path: 'etc/app.conf', content: 'port=1\n', mode: 0o640, uid: 1000, gid: 50 }, { path: 'etc/other', content: 'x' }]])
    const t = img.tree(null, 'stacked', '/etc')
    const conf = t.children.find((c) => c.name === 'app.conf')!
    expect(conf).toMatchObject({ mode: 0o640, uid: 1000, gid: 50, sha256: `sha256:${hex('port=1\n')}` })
    for (const q of [hex('port=1\n').slice(0, 8), `sha256:${hex('port=1\n').slice(0, 12)}`]) {
      expect(img.search(null, 'stacked', q).matches.map((m) => m.path)).toEqual(['/etc/app.conf'])
    }
    // Too short to be a digest prefix: a name search only.
    expect(img.search(null, 'stacked', hex('port=1\n').slice(0, 4)).total).toBe(0)
  })
})
