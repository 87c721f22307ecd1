// Sparse maps as Go's archive/tar checks them, on hand-built PAX sparse entries (GNU tar's own
// output is checked against sha256sum in sparse.int.test.ts), and the hashing bound.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { LayerEntries, SPARSE_TOO_LARGE } from '../model/layer-entries'
import { recordEntries } from '../content/layer-hasher'
import type { TarHeader } from '../model/tar-entry'
import { parseBlob } from './testdata/build'
import { END, paxEntry, paxRecord, rawEntry } from './testdata/raw-tar'
import { checkSparseMap } from './sparse'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** A PAX 0.1 sparse entry: `map` as "off,len,..." over `stored` bytes, real size `real`. */
function pax01(map: number[], real: number, stored: Buffer): Buffer {
  return Buffer.concat([
    paxEntry([paxRecord('GNU.sparse.size', String(real)), paxRecord('GNU.sparse.numblocks', String(map.length / 2)), paxRecord('GNU.sparse.map', map.join(','))]),
    rawEntry({ name: 'GNUSparseFile.0/s' }, stored),
    rawEntry({ name: 'next' }, Buffer.from('n')),
    END
  ])
}

/** A PAX 1.0 sparse entry: the map is text at the start of the data, padded to a block. */
function pax10(mapText: string, real: number, fragments: Buffer): Buffer {
  const text = Buffer.from(mapText)
  const data = Buffer.concat([text, Buffer.alloc((512 - (text.length % 512)) % 512), fragments])
  return Buffer.concat([
    paxEntry([paxRecord('GNU.sparse.major', '1'), paxRecord('GNU.sparse.minor', '0'), paxRecord('GNU.sparse.name', 's'), paxRecord('GNU.sparse.realsize', String(real))]),
    rawEntry({ name: 'GNUSparseFile.0/s' }, data),
    END
  ])
}

async function digestOf(tar: Buffer, chunk = 100): Promise<string | undefined> {
  const paths = new PathTable()
  const { entries } = await parseBlob(paths, tar, chunk)
  return entries.digestHex(0)
}

describe('sparse files', () => {
  it('expands fragments and holes in order (PAX 0.1 and 1.0), whatever the chunk size', async () => {
    const want = Buffer.alloc(5000)
    want.write('abc', 1000)
    want.write('defgh', 4000)
    for (const chunk of [1, 7, 100, 4096]) {
      expect(await digestOf(pax01([1000, 3, 4000, 5], 5000, Buffer.from('abcdefgh')), chunk)).toBe(sha(want))
      expect(await digestOf(pax10('2\n1000\n3\n4000\n5\n', 5000, Buffer.from('abcdefgh')), chunk)).toBe(sha(want))
    }
    // All hole: GNU tar writes one empty fragment at the end (an empty 0.x map is no sparse file, for Go too).
    expect(await digestOf(pax01([3000, 0], 3000, Buffer.alloc(0)))).toBe(sha(Buffer.alloc(3000)))
    expect(await digestOf(pax10('1\n3000\n0\n', 3000, Buffer.alloc(0)))).toBe(sha(Buffer.alloc(3000)))
  })

  it.each([
    ['overlapping entries', [0, 10, 5, 3], 100, 13, 'overlap or are out of order'],
    ['an entry past the real size', [90, 20], 100, 20, 'runs past the real size'],
    ['fewer stored bytes than referenced', [0, 10], 100, 5, 'references 10 bytes but 5 are stored'],
    ['more stored bytes than referenced', [0, 10], 100, 15, 'references 10 bytes but 15 are stored']
  ])('refuses a map with %s', async (_, map, real, stored, why) => {
    await expect(parseBlob(new PathTable(), pax01(map, real, Buffer.alloc(stored, 1)))).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining(why)
    })
  })

  it('refuses a PAX 1.0 map that is not numbers, or a 0.x map whose count is wrong', async () => {
    await expect(parseBlob(new PathTable(), pax10('1\n10x\n3\n', 100, Buffer.from('abc')))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('not a digit') })
    const wrongCount = Buffer.concat([
      paxEntry([paxRecord('GNU.sparse.size', '100'), paxRecord('GNU.sparse.numblocks', '2'), paxRecord('GNU.sparse.map', '0,3')]),
      rawEntry({ name: 's' }, Buffer.from('abc')),
      END
    ])
    await expect(parseBlob(new PathTable(), wrongCount)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('2 numbers for 2 entries') })
  })

  it('checks maps as Go does', () => {
    expect(checkSparseMap([0, 0, 10, 5, 15, 0], 15)).toBeNull()
    expect(checkSparseMap([-1, 2], 15)).not.toBeNull()
    expect(checkSparseMap([10, 5, 0, 2], 15)).not.toBeNull()
  })

  it('hashes at most 16 GiB of sparse real size per layer; past it a file keeps no digest, with the reason', () => {
    const entries = new LayerEntries(new PathTable())
    const record = recordEntries(entries)
    const h = (path: string, size: number, sparse: boolean): TarHeader => ({ path, rawPath: path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkName: '', ...(sparse ? { sparse } : {}) })
    const GiB = 1024 ** 3
    expect(record(h('a', 10 * GiB, true))).not.toBeNull()
    expect(record(h('b', 10 * GiB, true))).toBeNull() // 20 GiB in all: over the bound
    expect(record(h('c', 6 * GiB, true))).not.toBeNull() // 16 GiB in all: at the bound
    expect(record(h('d', 20 * GiB, false))).not.toBeNull() // not sparse: its bytes are stored, always hashed
    expect([0, 1, 2, 3].map((i) => entries.digestNote(i))).toEqual([undefined, SPARSE_TOO_LARGE, undefined, undefined])
    expect(entries.digestSlot[1]).toBeLessThan(0)
    expect(entries.hashed).toBe(true)
  })
})
