import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { parseBlob } from '../archive/testdata/build'
import { makeTar } from '../archive/testdata/tar-writer'
import { EMPTY_SHA256 } from './layer-hasher'

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
