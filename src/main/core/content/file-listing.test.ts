import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { imageFromLayers } from '../archive/testdata/build'
import { fileLine, fileRows } from './file-listing'

const sha = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`

describe('fileRows', async () => {
  const img = await imageFromLayers([
    [
      { path: 'etc', type: 'dir' },
      { path: 'etc/b.conf', content: 'bee', mode: 0o600, uid: 10, gid: 20 },
      { path: 'etc/a.conf', content: 'ay' },
      { path: 'usr/bin/sh', type: 'symlink', linkName: 'busybox' },
      { path: 'usr/bin/busybox', content: 'bb', mode: 0o4755 },
      // A tar's hard link points at an entry of the same tar.
      { path: 'usr/bin/hard', type: 'hardlink', linkName: 'usr/bin/busybox' }
    ],
    [{ path: 'etc/.wh.b.conf' }, { path: 'etc/a.conf', content: 'ay2' }]
  ])

  it('lists the final filesystem in tree order with the layer that last wrote each entry', () => {
    const rows = [...fileRows(img)]
    // Paths without a header of their own (usr, usr/bin) are not entries of the image.
    expect(rows.map((r) => `${r.path} ${r.type} L${r.layer}`)).toEqual([
      '/etc dir L0',
      '/etc/a.conf file L1',
      '/usr/bin/busybox file L0',
      '/usr/bin/hard hardlink L0',
      '/usr/bin/sh symlink L0'
    ])
    const a = rows.find((r) => r.path === '/etc/a.conf')!
    expect(a).toMatchObject({ size: 3, sha256: sha('ay2'), mode: 0o644 })
    expect(rows.find((r) => r.path === '/usr/bin/sh')).toMatchObject({ linkTarget: 'busybox' })
    expect(rows.find((r) => r.path === '/etc/b.conf')).toBeUndefined()
  })

  it("lists one layer's own entries, whiteouts and changes included, under a path", () => {
    const rows = [...fileRows(img, { layer: 1, path: '/etc' })]
    expect(rows.map((r) => [r.path, r.type, r.change])).toEqual([
      ['/etc/a.conf', 'file', 'changed'],
      ['/etc/b.conf', 'whiteout', 'deleted']
    ])
    const hard = [...fileRows(img, { layer: 0, path: '/usr/bin/hard' })][0]!
    // A hard link reads as its source's content.
    expect(hard).toMatchObject({ type: 'hardlink', linkTarget: 'usr/bin/busybox', sha256: sha('bb') })
    expect(fileLine([...fileRows(img, { path: '/usr/bin/busybox' })][0]!)).toBe(
      `-rwsr-xr-x 0/0                    2 L0   ${sha('bb').slice(7)} /usr/bin/busybox`
    )
  })

  it('names a missing path or layer', () => {
    expect(() => [...fileRows(img, { path: '/nope' })]).toThrow(/\/nope is not in the final filesystem/)
    expect(() => [...fileRows(img, { layer: 5 })]).toThrow(/Layer 5 does not exist: this image has 2 layers/)
  })
})
