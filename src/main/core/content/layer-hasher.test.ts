import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { parseBlob } from '../archive/testdata/build'
import { makeTar } from '../archive/testdata/tar-writer'
import { EMPTY_SHA256, recordEntries } from './layer-hasher'
import { LayerEntries } from '../model/layer-entries'
import type { TarHeader } from '../model/tar-entry'

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

describe('digests while a layer streams', () => {
  const big = Buffer.alloc(300_000)
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff
  const tar = makeTar([
    { path: 'etc', type: 'dir' },
    { path: 'etc/app.conf', content: 'port=8080\n' },
    { path: 'etc/empty', content: '' },
    { path: 'usr/bin/tool', content: big },
    { path: 'usr/bin/tool-link', type: 'hardlink', linkName: 'usr/bin/tool' },
    { path: 'usr/bin/sym', type: 'symlink', linkName: 'tool' },
    { path: 'etc/.wh.gone' }
  ])

  for (const [name, blob] of [
    ['plain tar', tar],
    ['gzip', gzipSync(tar)]
  ] as const) {
    it(`hashes every regular file and the whole uncompressed tar (${name}, split in odd chunks)`, async () => {
      const { entries, result } = await parseBlob(new PathTable(), blob, 333)
      const byPath = new Map<string, string | undefined>()
      for (let i = 0; i < entries.count; i++) byPath.set(entries.paths.path(entries.pathId[i]!), entries.digestHex(i))
      expect(byPath.get('etc/app.conf')).toBe(sha('port=8080\n'))
      expect(byPath.get('etc/empty')).toBe(EMPTY_SHA256)
      expect(byPath.get('usr/bin/tool')).toBe(sha(big))
      // A hard link reads as the file it links to; dirs, symlinks and whiteouts have none.
      expect(byPath.get('usr/bin/tool-link')).toBe(sha(big))
      expect(byPath.get('usr/bin/sym')).toBeUndefined()
      expect(byPath.get('etc')).toBeUndefined()
      expect(byPath.get('etc/gone')).toBeUndefined()
      expect(entries.hashed).toBe(true)
      expect(entries.slots).toBe(3)
      expect(result.diffId).toBe(`sha256:${sha(tar)}`)
    })
  }
})

describe('the per-layer digest sink', () => {
  const header = (path: string, size: number): TarHeader => ({ path, rawPath: path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkName: '' })

  it('is reused file after file, and a file opened while another is open gets its own', () => {
    const entries = new LayerEntries(new PathTable())
    const record = recordEntries(entries)
    const chunk = Buffer.from('..hello world..abc')
    // One file after another: the same sink, each digest its own (writeAt, write and nothing at all).
    const a = record(header('a', 11))!
    a.writeAt!(chunk, 2, 13)
    a.end()
    const b = record(header('b', 3))!
    expect(b).toBe(a)
    b.write(Buffer.from('a'))
    b.write(Buffer.from('bc'))
    b.end()
    const e = record(header('e', 0))!
    e.end()
    // Two open at once (a caller that holds them): interleaved writes still hash apart.
    const c = record(header('c', 5))!
    const d = record(header('d', 5))!
    expect(d).not.toBe(c)
    c.write(Buffer.from('12'))
    d.write(Buffer.from('ab'))
    c.write(Buffer.from('345'))
    d.write(Buffer.from('cde'))
    d.end()
    c.end()
    const byPath = new Map<string, string | undefined>()
    for (let i = 0; i < entries.count; i++) byPath.set(entries.paths.path(entries.pathId[i]!), entries.digestHex(i))
    expect(byPath.get('a')).toBe(sha('hello world'))
    expect(byPath.get('b')).toBe(sha('abc'))
    expect(byPath.get('e')).toBe(EMPTY_SHA256)
    expect(byPath.get('c')).toBe(sha('12345'))
    expect(byPath.get('d')).toBe(sha('abcde'))
  })
})
