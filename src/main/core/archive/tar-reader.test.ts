import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { sniff } from './blob-sink'
import { normalizePath } from '../model/paths'
import { checksumOk, TarReader, type TarHeader } from './tar-reader'
import { parseBlob } from './testdata/build'
import { makeTar } from './testdata/tar-writer'

async function headers(buf: Buffer, chunk = 333): Promise<TarHeader[]> {
  const out: TarHeader[] = []
  const t = new TarReader((h) => {
    out.push(h)
    return null
  }, { label: 'test.tar' })
  for (let i = 0; i < buf.length; i += chunk) await t.write(buf.subarray(i, i + chunk))
  await t.end()
  return out
}

describe('normalizePath', () => {
  it('treats ./a, /a, a/ and a//b forms alike and keeps .. as data', () => {
    expect(normalizePath('./usr/x')).toBe('usr/x')
    expect(normalizePath('/usr/x')).toBe('usr/x')
    expect(normalizePath('usr/x/')).toBe('usr/x')
    expect(normalizePath('usr//x')).toBe('usr/x')
    expect(normalizePath('./')).toBe('')
    expect(normalizePath('.profile')).toBe('.profile')
    expect(normalizePath('../../etc/passwd')).toBe('../../etc/passwd')
  })
})

describe('TarReader', () => {
  it('checks header checksums, unsigned and signed, exactly (random blocks, any alignment)', () => {
    let seed = 7
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff
    const backing = Buffer.alloc(512 + 3)
    for (let n = 0; n < 300; n++) {
      const b = backing.subarray(n % 4, (n % 4) + 512)
      for (let i = 0; i < 512; i++) b[i] = rnd()
      let unsigned = 0
      let signed = 0
      for (let i = 0; i < 512; i++) {
        const c = i >= 148 && i < 156 ? 32 : b[i]!
        unsigned += c
        signed += c > 127 ? c - 256 : c
      }
      const sum = n % 2 ? unsigned : signed
      const put = (v: number): void => void b.write(`${v.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
      if (sum < 0) continue
      // In place at an offset, and summed from a word view of the memory as the reader does (any alignment).
      const words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2)
      const at = backing.subarray(0, (n % 4) + 512)
      put(sum)
      expect(checksumOk(b), `block ${n}`).toBe(true)
      expect(checksumOk(at, n % 4), `block ${n} at ${n % 4}`).toBe(true)
      expect(checksumOk(b, 0, words), `block ${n} from words`).toBe(true)
      // The two sums differ by a multiple of 256, so one more than either matches neither.
      put(sum + 1)
      expect(checksumOk(b), `block ${n} + 1`).toBe(false)
      expect(checksumOk(at, n % 4), `block ${n} + 1 at ${n % 4}`).toBe(false)
      expect(checksumOk(b, 0, words), `block ${n} + 1 from words`).toBe(false)
    }
  })

  it('sums extreme headers exactly (every byte 0xff: the largest sum the word lanes must hold)', () => {
    const b = Buffer.alloc(512, 0xff)
    const words = new Uint32Array(b.buffer, b.byteOffset, 128)
    const sum = 504 * 255 + 8 * 32
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    // The field itself holds digits now: its own bytes never count.
    expect(checksumOk(b)).toBe(true)
    expect(checksumOk(b, 0, words)).toBe(true)
    // The same block at every alignment in a bigger buffer of 0xff.
    for (const shift of [1, 2, 3]) {
      const big = Buffer.alloc(520, 0xff)
      b.copy(big, shift)
      expect(checksumOk(big, shift, new Uint32Array(big.buffer, big.byteOffset, 130)), `shift ${shift}`).toBe(true)
    }
    b.write(`${(sum - 1).toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    expect(checksumOk(b, 0, words)).toBe(false)
  })

  it('hands each entry its bytes in order when sinks answer now, later or not at all, whatever the chunks', async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `d/f${i}`, content: Buffer.alloc(i * 97, i + 1) }))
    const tar = makeTar([{ path: 'd', type: 'dir' }, ...files, { path: 'd/empty', content: '' }])
    for (const chunk of [7, 333, 512, 4096, tar.length]) {
      const got = new Map<string, Buffer[]>()
      const log: string[] = []
      let n = 0
      const t = new TarReader((h) => {
        if (h.type !== 'file') return null
        const parts: Buffer[] = []
        got.set(h.path, parts)
        // Every third sink is slow (a decoder, a worker), every third synchronous, the rest skipped.
        const mode = n++ % 3
        if (mode === 2) return null
        const later = (f: () => void): Promise<void> => new Promise((r) => setImmediate(() => (f(), r())))
        return {
          write: (b: Buffer) => (mode === 0 ? later(() => parts.push(Buffer.from(b))) : void parts.push(Buffer.from(b))),
          end: () => (mode === 0 ? later(() => log.push(h.path)) : void log.push(h.path))
        }
      }, { label: 'test.tar' })
      for (let i = 0; i < tar.length; i += chunk) await t.write(tar.subarray(i, i + chunk))
      await t.end()
      const kept = files.filter((_, i) => i % 3 !== 2)
      expect(log, `chunks of ${chunk}`).toEqual([...kept.map((f) => f.path), 'd/empty'])
      for (const f of kept) expect(Buffer.concat(got.get(f.path)!).equals(f.content), `${f.path}, chunks of ${chunk}`).toBe(true)
    }
  })

  it('gives every name its normalised path, header in place or copied, at any alignment', async () => {
    const names = ['usr/bin/x', './usr/x', '/usr/x', 'usr/x/', 'usr//x', 'a/./b', 'a/../b', 'a/..', '.profile', 'etc/.hidden', 'x/.', '..', '../../etc/passwd', 'a/b..c/d.e', '.', 'caf\u00e9/\u00fc.txt', 'p'.repeat(120) + '/./q']
    const tar = makeTar(names.map((path) => ({ path, content: 'x' })))
    for (const shift of [0, 1, 2, 3]) {
      // The archive copied to an offset in a bigger buffer: headers read in place are then unaligned.
      const backing = Buffer.alloc(tar.length + shift)
      tar.copy(backing, shift)
      const buf = backing.subarray(shift)
      for (const chunk of [buf.length, 4096, 333]) {
        const hs = await headers(buf, chunk)
        expect(hs.map((h) => h.path), `shift ${shift}, chunk ${chunk}`).toEqual(hs.map((h) => normalizePath(h.rawPath)))
        expect(hs.map((h) => h.rawPath)).toEqual(names)
      }
    }
  })

  it('joins a ustar prefix and name before normalising them', async () => {
    const cases: [string, string, string][] = [
      ['usr/lib', 'x', 'usr/lib/x'],
      ['usr/lib/', 'x', 'usr/lib/x'],
      ['./a', 'b', 'a/b'],
      ['a', '.b', 'a/.b'],
      ['a', '/b', 'a/b'],
      ['a', '../b', 'b'],
      ['/a', 'b', 'a/b']
    ]
    for (const [prefix, name, path] of cases) {
      const tar = makeTar([{ path: name, content: '' }])
      tar.write(prefix, 345, 'latin1')
      tar.write('        ', 148, 'latin1')
      let sum = 0
      for (let i = 0; i < 512; i++) sum += tar[i]!
      tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
      const [h] = await headers(tar, tar.length)
      expect(h!.rawPath).toBe(`${prefix}/${name}`)
      expect(h!.path, `${prefix} + ${name}`).toBe(path)
    }
  })

  it('reads ustar headers, skips content, and splits across any chunk size', async () => {
    const tar = makeTar([
      { path: 'a', type: 'dir' },
      { path: 'a/f.txt', content: 'x'.repeat(1000), mode: 0o640, uid: 5, gid: 6, mtime: 1234 },
      { path: 'a/l', type: 'symlink', linkName: '/etc/passwd' },
      { path: 'a/h', type: 'hardlink', linkName: 'a/f.txt' }
    ])
    for (const chunk of [1, 7, 512, 100000]) {
      const hs = await headers(tar, chunk)
      expect(hs.map((h) => [h.path, h.type, h.size])).toEqual([
        ['a', 'dir', 0],
        ['a/f.txt', 'file', 1000],
        ['a/l', 'symlink', 0],
        ['a/h', 'hardlink', 0]
      ])
      expect(hs[1]).toMatchObject({ mode: 0o640, uid: 5, gid: 6, mtime: 1234 })
      expect(hs[2]!.linkName).toBe('/etc/passwd')
    }
  })

  it('reads PAX and GNU long names, unicode and spaces', async () => {
    const long = 'd/'.repeat(80) + 'file with spaces ü 日本.txt'
    const hs = await headers(
      makeTar([
        { path: long, content: 'abc' },
        { path: 'gnu/' + 'x'.repeat(150), content: 'abcd', gnuLongName: true },
        { path: 'ln', type: 'symlink', linkName: 't/'.repeat(70) }
      ])
    )
    expect(hs.map((h) => [h.path, h.size])).toEqual([
      [long, 3],
      ['gnu/' + 'x'.repeat(150), 4],
      ['ln', 0]
    ])
    expect(hs[2]!.linkName).toBe('t/'.repeat(70))
  })

  it('matches GNU tar output (PAX format, long names, big files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-tar-'))
    try {
      const names = ['plain.txt', 'space name.txt', 'ünï.txt', 'deep/' + 'n'.repeat(120) + '/f']
      for (const n of names) {
        execFileSync('mkdir', ['-p', join(dir, 'src', n, '..')])
        writeFileSync(join(dir, 'src', n), 'z'.repeat(n.length * 10))
      }
      for (const fmt of ['pax', 'gnu']) {
        execFileSync('tar', [`--format=${fmt}`, '-C', join(dir, 'src'), '-cf', join(dir, `o.${fmt}`), '.'])
        const hs = await headers(readFileSync(join(dir, `o.${fmt}`)), 4096)
        const files = hs.filter((h) => h.type === 'file').map((h) => [h.path, h.size]).sort()
        expect(files).toEqual(names.map((n) => [n, n.length * 10]).sort())
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reports truncation, garbage and missing end markers as ARCHIVE_INVALID', async () => {
    const tar = makeTar([{ path: 'a', content: 'x'.repeat(3000) }])
    await expect(headers(tar.subarray(0, 1500))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('truncated') })
    await expect(headers(tar.subarray(0, tar.length - 1024))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('truncated') })
    await expect(headers(Buffer.from('hello world, not a tar'.repeat(40)))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
    const bad = Buffer.from(tar)
    bad[10] = 0x41 // breaks the checksum
    await expect(headers(bad)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('not a tar header') })
  })

  it('push() answers undefined for a chunk consumed at once, a promise only while a sink waits, and throws what write() rejects', async () => {
    const tar = makeTar([{ path: 'a', content: 'x'.repeat(700) }, { path: 'b', content: 'y'.repeat(10) }])
    const seen: string[] = []
    const sync = new TarReader((h) => {
      seen.push(h.path)
      return null
    }, { label: 'sync.tar' })
    for (let i = 0; i < tar.length; i += 512) expect(sync.push(tar.subarray(i, i + 512))).toBeUndefined()
    await sync.end()
    expect(seen).toEqual(['a', 'b'])

    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const got: number[] = []
    const waiting = new TarReader(
      (h) => (h.path === 'a' ? { write: (c: Buffer) => void got.push(c.length), end: () => gate } : null),
      { label: 'wait.tar' }
    )
    const p = waiting.push(tar)
    expect(p).toBeInstanceOf(Promise)
    let settled = false
    void p!.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    release()
    await p
    expect(got.reduce((a, b) => a + b, 0)).toBe(700)
    await waiting.end()

    const bad = Buffer.from(tar)
    bad[10] = 0x41
    expect(() => new TarReader(() => null, { label: 'bad.tar' }).push(bad)).toThrow(/not a tar header/)
  })
})

describe('BlobSink', () => {
  const tar = makeTar([{ path: 'etc/x', content: 'hello' }, { path: 'usr/y', size: 70000 }])

  it('sniffs by magic bytes, not names', () => {
    expect(sniff(tar)).toBe('tar')
    expect(sniff(gzipSync(tar))).toBe('gzip')
    expect(sniff(Buffer.from('{"a":1}'))).toBe('json')
    expect(sniff(Buffer.from([0x42, 0x5a, 0x68, 0x39]))).toBe('unknown')
  })

  it('parses plain, gzip and zstd layers alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-zst-'))
    try {
      writeFileSync(join(dir, 'l.tar'), tar)
      execFileSync('zstd', ['-q', '-f', join(dir, 'l.tar'), '-o', join(dir, 'l.tar.zst')])
      const zst = readFileSync(join(dir, 'l.tar.zst'))
      for (const [blob, kind] of [
        [tar, 'tar'],
        [gzipSync(tar), 'gzip'],
        [zst, 'zstd']
      ] as const) {
        const { entries, result } = await parseBlob(new PathTable(), blob)
        expect(result.kind).toBe(kind)
        expect(result.blobBytes).toBe(blob.length)
        expect(entries.contentBytes).toBe(70005)
        expect(entries.files).toBe(2)
      }
      // Truncated compressed data is an error, not a short layer.
      await expect(parseBlob(new PathTable(), gzipSync(tar).subarray(0, 100))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
      await expect(parseBlob(new PathTable(), zst.subarray(0, zst.length - 10))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
