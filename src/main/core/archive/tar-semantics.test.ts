// Tar as Docker reads it: Go's archive/tar rules plus the whiteout rules, on real GNU tar
// output and on hand-built hostile headers.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { F_WHITEOUT } from '../model/layer-entries'
import { PathTable } from '../model/path-table'
import { TarReader, type TarHeader } from './tar-reader'
import { imageFromLayers, parseBlob } from './testdata/build'
import { END, octal, paxEntry, paxRecord, rawEntry } from './testdata/raw-tar'
import { makeTar } from './testdata/tar-writer'

async function headers(buf: Buffer, chunk = 333, maxEntries?: number): Promise<TarHeader[]> {
  const out: TarHeader[] = []
  const t = new TarReader(
    (h) => {
      out.push(h)
      return null
    },
    { label: 'test.tar', maxEntries }
  )
  for (let i = 0; i < buf.length; i += chunk) await t.write(buf.subarray(i, i + chunk))
  await t.end()
  return out
}

const dir = mkdtempSync(join(tmpdir(), 'ls-tarsem-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { cwd: dir }).toString()

describe('paths as Docker cleans them', () => {
  it('normalises .. before whiteouts apply: x/../.wh.b deletes b', async () => {
    const paths = new PathTable()
    const { entries } = await parseBlob(paths, makeTar([{ path: 'x', type: 'dir' }, { path: 'x/../.wh.b' }, { path: 'usr/./lib/../bin/sh', content: 'y' }]))
    const seen = Array.from({ length: entries.count }, (_, i) => [paths.path(entries.pathId[i]!), (entries.flags[i]! & F_WHITEOUT) !== 0])
    expect(seen).toEqual([
      ['x', false],
      ['b', true],
      ['usr/bin/sh', false]
    ])
  })

  it('refuses a NUL in a PAX path (it would shift later names) and keeps GNU tar NUL-terminated names', async () => {
    const tar = Buffer.concat([paxEntry([paxRecord('path', Buffer.from('a\0b'))]), rawEntry({ name: 'placeholder' }), END])
    await expect(headers(tar)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('path holds a NUL byte') })
  })

  it('keeps non-UTF-8 names distinct and shows their bytes escaped (real GNU tar)', async () => {
    mkdirSync(join(dir, 'nonutf8'))
    // Two names that U+FFFD replacement would merge, and a valid one beside them.
    writeFileSync(join(dir, 'nonutf8', Buffer.from([0x61, 0xff]).toString('latin1')), 'x')
    sh(`printf x > "$(printf 'nonutf8/a\\376')"; printf yy > nonutf8/ok-ü; tar --format=gnu -cf nonutf8.tar nonutf8; tar --format=posix -cf nonutf8-pax.tar nonutf8`)
    for (const t of ['nonutf8.tar', 'nonutf8-pax.tar']) {
      const files = (await headers(readFileSync(join(dir, t)))).filter((h) => h.type === 'file').map((h) => h.path).sort()
      expect(files.length, t).toBe(3)
      expect(new Set(files).size, t).toBe(3)
      expect(files.some((f) => f === 'nonutf8/ok-ü'), t).toBe(true)
    }
    const gnu = (await headers(readFileSync(join(dir, 'nonutf8.tar')))).map((h) => h.path)
    expect(gnu).toContain('nonutf8/a\\xfe')
  })
})

describe('sparse files count at their real size (real GNU tar)', () => {
  // 30 data fragments 1 MiB apart in a 40 MiB file: more holes than a GNU header holds (4),
  // so old GNU format needs extension headers.
  const REAL = 40 * 1024 * 1024
  it.each([
    ['gnu', '--format=gnu'],
    ['pax 1.0', '--format=posix --sparse-version=1.0'],
    ['pax 0.1', '--format=posix --sparse-version=0.1'],
    ['pax 0.0', '--format=posix --sparse-version=0.0']
  ])('%s', async (name, flags) => {
    const d = join(dir, `sparse-${name.replace(/\W/g, '')}`)
    mkdirSync(d)
    sh(`cd ${d} && i=0; while [ $i -lt 30 ]; do printf fragment | dd of=s bs=4096 seek=$((i*256)) conv=notrunc status=none; i=$((i+1)); done; truncate -s ${REAL} s; printf after > after; tar ${flags} --sparse -cf ../${name.replace(/\W/g, '')}.tar s after`)
    const file = join(dir, `${name.replace(/\W/g, '')}.tar`)
    const buf = readFileSync(file)
    expect(buf.length).toBeLessThan(2 * 1024 * 1024) // really stored sparse
    const listing = sh(`tar -tvf ${file}`)
    expect(listing).toMatch(new RegExp(`\\s${REAL}\\s.*\\ss\\n`))
    for (const chunk of [333, 65536]) {
      const files = (await headers(buf, chunk)).filter((h) => h.type === 'file').map((h) => [h.path, h.size])
      expect(files).toEqual([
        ['s', REAL],
        ['after', 5]
      ])
    }
  })
})

describe('entries and numbers as Go reads them', () => {
  it('gives devices and FIFOs no data whatever their size field says', async () => {
    const tar = Buffer.concat([rawEntry({ name: 'dev/fifo', typeflag: '6', size: octal(1024, 12) }), rawEntry({ name: 'dev/null', typeflag: '3', size: octal(512, 12) }), rawEntry({ name: 'next' }, Buffer.from('abc')), END])
    const hs = await headers(tar)
    expect(hs.map((h) => [h.path, h.type, h.size])).toEqual([
      ['dev/fifo', 'other', 0],
      ['dev/null', 'other', 0],
      ['next', 'file', 3]
    ])
    // Real GNU tar: a FIFO and the file after it.
    sh('mkdir fifo && mkfifo fifo/p && printf 1234 > fifo/z && tar -cf fifo.tar fifo')
    const real = (await headers(readFileSync(join(dir, 'fifo.tar')))).map((h) => [h.path, h.type, h.size])
    expect(real).toContainEqual(['fifo/p', 'other', 0])
    expect(real).toContainEqual(['fifo/z', 'file', 4])
  })

  it('reads octal padded with spaces or NULs and base-256, refuses anything else', async () => {
    const ok = Buffer.concat([
      rawEntry({ name: 'spaced', size: ' 3 \0' }, Buffer.from('abc')),
      rawEntry({ name: 'b256', size: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]) }, Buffer.from('abcd')),
      END
    ])
    expect((await headers(ok)).map((h) => [h.path, h.size])).toEqual([
      ['spaced', 3],
      ['b256', 4]
    ])
    for (const size of ['12x\0', '0o17\0', '-1\0', '1 2\0']) {
      const bad = Buffer.concat([rawEntry({ name: 'f', size }, Buffer.alloc(10)), END])
      await expect(headers(bad), size).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('malformed size') })
    }
    const negative = Buffer.concat([rawEntry({ name: 'f', size: Buffer.alloc(12, 0xff) }), END])
    await expect(headers(negative)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('impossible size') })
    const badMode = Buffer.concat([rawEntry({ name: 'f', mode: '06z4\0' }), END])
    await expect(headers(badMode)).rejects.toMatchObject({ message: expect.stringContaining('malformed mode') })
  })

  it('validates PAX records', async () => {
    const cases: Array<[string, Buffer]> = [
      ['length past the header', Buffer.from('99 path=x\n')],
      ['no newline', Buffer.from('9 path=xy')],
      ['no key', Buffer.from('7 =abc\n')],
      ['not a number', Buffer.from('x7 path=a\n')]
    ]
    for (const [why, rec] of cases) {
      const tar = Buffer.concat([paxEntry([rec]), rawEntry({ name: 'f' }), END])
      await expect(headers(tar), why).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('PAX header is malformed') })
    }
    const g = Buffer.concat([paxEntry([Buffer.from('5 ab\n')], 'g'), rawEntry({ name: 'f' }), END])
    await expect(headers(g)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
    const size = Buffer.concat([paxEntry([paxRecord('size', '12e3')]), rawEntry({ name: 'f' }), END])
    await expect(headers(size)).rejects.toMatchObject({ message: expect.stringContaining('PAX size "12e3" is not a number') })
  })
})

describe('limits', () => {
  it('refuses a 25,000-level path by name instead of overflowing the stack', async () => {
    const deep = 'd/'.repeat(25_000) + 'f'
    const tar = Buffer.concat([paxEntry([paxRecord('path', deep)]), rawEntry({ name: 'f' }), END])
    await expect(parseBlob(new PathTable(), tar)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'pathBytes' } })
    const deepShort = '/'.repeat(0) + 'd/'.repeat(5000) + 'f'
    const tar2 = Buffer.concat([paxEntry([paxRecord('path', deepShort)]), rawEntry({ name: 'f' }), END])
    await expect(parseBlob(new PathTable(), tar2)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'pathDepth', max: 4096 } })
  })

  it('reads a path at the depth limit and prints it back', async () => {
    const deep = 'd/'.repeat(4095) + 'f'
    const paths = new PathTable()
    const { entries } = await parseBlob(paths, Buffer.concat([paxEntry([paxRecord('path', deep)]), rawEntry({ name: 'f' }), END]))
    expect(paths.path(entries.pathId[0]!)).toBe(deep)
    // And the analysis above the reader stacks it without recursing per segment.
    const img = await imageFromLayers([[{ path: deep, content: 'abc' }], [{ path: 'd/'.repeat(4000) + '.wh.d' }]])
    expect(img.layers.length).toBe(2)
  })

  it('refuses more entries than a layer may hold', async () => {
    const tar = makeTar(Array.from({ length: 11 }, (_, i) => ({ path: `f${i}` })))
    expect((await headers(tar, 512, 11)).length).toBe(11)
    await expect(headers(tar, 512, 10)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'entriesPerLayer', max: 10 } })
  })
})
