import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EntrySink } from '../model/tar-entry'
import * as zlib from 'node:zlib'
import { IN_PROCESS_MAX_WINDOW, ZstdFrameScanner, ZstdSink, frameDecoder, zstdBackend, zstdFrameWindow, type ZstdBackend, type ZstdPiece } from './zstd'

/** Real zstd output, from Debian's zstd. */
function zstd(input: Buffer, args: string[]): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 })
}

function collect(): EntrySink & { out: Buffer[]; ended: boolean } {
  const s = {
    out: [] as Buffer[],
    ended: false,
    write(c: Buffer) {
      s.out.push(Buffer.from(c))
    },
    end() {
      s.ended = true
    }
  }
  return s
}

async function decode(blob: Buffer, backend: ZstdBackend, chunk = 1000): Promise<Buffer> {
  const out = collect()
  const sink = new ZstdSink(out, 'layer x', backend)
  for (let i = 0; i < blob.length; i += chunk) {
    const r = sink.write(blob.subarray(i, i + chunk))
    if (r) await r
  }
  await sink.end()
  expect(out.ended).toBe(true)
  return Buffer.concat(out.out)
}

const content = Buffer.concat([Buffer.from('layerscope '.repeat(5000)), Buffer.alloc(300_000, 7), Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) & 255))])
const backends: ZstdBackend[] = ['cli', 'js']
if (zstdBackend() === 'zlib') backends.push('zlib')

describe('zstdFrameWindow', () => {
  it('reads the window zstd -lv reports, for windowed and single-segment frames', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-zwin-'))
    try {
      const cases: Array<[string, Buffer]> = [
        ['streamed --long=27', execFileSync('sh', ['-c', 'head -c 5000 /dev/zero | zstd -q -c --long=27'])],
        ['file, one segment', zstd(Buffer.from('small'), [])],
        ['file, 2 MiB window', zstd(content, [])],
        ['file, level 19', zstd(content, ['-19'])]
      ]
      for (const [name, z] of cases) {
        writeFileSync(join(dir, 'f.zst'), z)
        const lv = execFileSync('zstd', ['-lv', join(dir, 'f.zst')]).toString()
        const want = Number(/Window Size: .*\((\d+) B\)/.exec(lv)![1])
        expect(zstdFrameWindow(z)!.windowSize, name).toBe(want)
      }
      expect(zstdFrameWindow(cases[0]![1])!.windowSize).toBe(2 ** 27)
      expect(zstdFrameWindow(Buffer.from([0x28, 0xb5]))).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.each(backends)('ZstdSink (%s)', (backend) => {
  it('decodes real zstd output, several frames too, byte for byte', async () => {
    expect((await decode(zstd(content, ['-19']), backend)).equals(content)).toBe(true)
    const twoFrames = Buffer.concat([zstd(content, []), zstd(Buffer.from('tail'), [])])
    expect((await decode(twoFrames, backend, 333)).equals(Buffer.concat([content, Buffer.from('tail')]))).toBe(true)
  })

  it('refuses a window above the limit by name, before decoding', async () => {
    // From a pipe zstd does not know the size, so --long=N keeps its 2^N window.
    const long = (n: number, bytes = 4096): Buffer => execFileSync('sh', ['-c', `head -c ${bytes} /dev/zero | zstd -q -c --long=${n}`])
    const huge = long(31)
    expect(zstdFrameWindow(huge)!.windowSize).toBe(2 ** 31)
    await expect(decode(huge, backend)).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      detail: { limit: 'zstdWindow', value: 2 ** 31 },
      message: expect.stringContaining(backend === 'js' ? "2 GiB window, above the built-in decoder's limit of 128 MiB" : "2 GiB window, above Layerscope's limit of 512 MiB, which is also the limit of containerd")
    })
    // containerd's limit (klauspost/compress: 512 MiB): --long=30 is refused, --long=29 read.
    await expect(decode(long(30), backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'zstdWindow', max: backend === 'js' ? 2 ** 27 : 2 ** 29, value: 2 ** 30 } })
    const ok = long(29)
    // fzstd (whole window in the JS heap) stops at 2^27.
    if (backend === 'js') await expect(decode(ok, backend)).rejects.toMatchObject({ detail: { limit: 'zstdWindow', max: 2 ** 27 }, message: expect.stringContaining('install zstd') })
    else expect((await decode(ok, backend)).length).toBe(4096)
    // A later frame with a huge window is refused by the scanner too, naming its window.
    const second = Buffer.concat([long(27), huge])
    await expect(decode(second, backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'zstdWindow', value: 2 ** 31 } })
    expect((await decode(long(27), backend)).length).toBe(4096)
  }, 30_000)

  it('reads a --long frame whose matches reach a mebibyte back, byte for byte', async () => {
    // 1 MiB of random-looking bytes, twice: at level 1 (a 512 KiB window) only --long finds the copy.
    const block = Buffer.alloc(1 << 20)
    for (let i = 0, x = 1; i < block.length; i++) block[i] = (x = Math.imul(x ^ (x >>> 15), 2654435761) + i) >>> 24
    const data = Buffer.concat([block, block])
    const z = zstd(data, ['--long=27', '-1'])
    const plain = zstd(data, ['-1'])
    // The long window is really used: the copy costs almost nothing.
    expect(z.length).toBeLessThan(plain.length * 0.6)
    expect((await decode(z, backend, 65536)).equals(data)).toBe(true)
  }, 30_000)

  it('reads several frames, skippable frames and frame headers cut across chunks', async () => {
    const a = zstd(content, [])
    const b = zstd(Buffer.from('second frame'), [])
    const skip = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from('hello')])
    const stream = Buffer.concat([a, skip, b, zstd(Buffer.alloc(0), [])])
    const want = Buffer.concat([content, Buffer.from('second frame')])
    for (const chunk of [1, 7, 4096, stream.length]) expect((await decode(stream, backend, chunk)).equals(want), `chunk ${chunk}`).toBe(true)
  })
  it('names truncated and corrupt data', async () => {
    const z = zstd(content, [])
    await expect(decode(z.subarray(0, z.length - 10), backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('zstd data is corrupt or truncated') })
    const bad = Buffer.from(z)
    for (let i = 40; i < 80; i++) bad[i] = 0xff
    await expect(decode(bad, backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
    // A decoder child that exits on bad data while we still write: its own words, not EPIPE.
    // (fzstd does not check the frame's checksum: the layer's diff ID check catches that.)
    if (backend === 'js') return
    const big = zstd(Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * i) % 251)), ['-1'])
    const broken = Buffer.from(big)
    for (let i = 200; i < 260; i++) broken[i] = i & 0xff
    const err = (await decode(broken, backend, 4096).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('zstd data is corrupt or truncated') })
    expect(err.message).not.toMatch(/EPIPE|\/\*stdin\*/)
    // Cut inside the second frame, or inside its header: named, never a short read.
    const two = Buffer.concat([z, zstd(Buffer.from('tail'), [])])
    for (const cut of [z.length + 2, z.length + 6, two.length - 1]) {
      await expect(decode(two.subarray(0, cut), backend), `cut at ${cut}`).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringMatching(/the stream ends (inside|in the header of) frame 2/) })
    }
    await expect(decode(Buffer.concat([z, Buffer.from('junk!')]), backend)).rejects.toMatchObject({ message: expect.stringContaining("not a zstd frame's magic number") })
    await expect(decode(Buffer.alloc(0), backend)).rejects.toMatchObject({ message: expect.stringContaining('it is empty') })
  })
})

describe('ZstdFrameScanner', () => {
  const frames = Buffer.concat([zstd(content, ['--long=24']), zstd(Buffer.from('b'), []), zstd(Buffer.alloc(200_000, 1), ['--no-check'])])
  it('cuts the stream into frames without changing a byte, whatever the chunking', () => {
    for (const chunk of [1, 3, 17, 1000, 131072, frames.length]) {
      const sc = new ZstdFrameScanner('x', 2 ** 29)
      const pieces: ZstdPiece[] = []
      for (let i = 0; i < frames.length; i += chunk) pieces.push(...sc.scan(frames.subarray(i, i + chunk)))
      sc.end()
      expect(Buffer.concat(pieces.map((p) => p.data)).equals(frames)).toBe(true)
      const windows = [zstd(content, ['--long=24']), zstd(Buffer.from('b'), []), zstd(Buffer.alloc(200_000, 1), ['--no-check'])].map((f) => zstdFrameWindow(f)!.windowSize)
      expect(windows[0]).toBe(2 ** 24)
      expect(pieces.filter((p) => p.first).map((p) => p.frame.windowSize)).toEqual(windows)
      expect(pieces.filter((p) => p.last).length).toBe(3)
      expect(sc.frameCount).toBe(3)
    }
  })

  it('ends only between frames: every cut inside one is named', () => {
    const small = Buffer.concat([zstd(Buffer.from('one'), []), zstd(Buffer.from('two'), [])])
    const first = zstd(Buffer.from('one'), []).length
    for (let cut = 1; cut < small.length; cut++) {
      const sc = new ZstdFrameScanner('x', 2 ** 29)
      sc.scan(small.subarray(0, cut))
      if (cut === first) expect(() => sc.end()).not.toThrow()
      else expect(() => sc.end(), `cut ${cut}`).toThrow(/corrupt or truncated/)
    }
  })

  it('refuses reserved bits, the reserved block type and oversized blocks by name', () => {
    const z = zstd(Buffer.from('x'.repeat(1000)), [])
    const reserved = Buffer.from(z)
    reserved[4] = reserved[4]! | 0x08
    expect(() => new ZstdFrameScanner('x', 2 ** 29).scan(reserved)).toThrow(/reserved bit/)
    // A hand-made frame: windowed (1 MiB), then a block header of type 3, then one of 200 KiB.
    const head = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (10 << 3) | 0])
    const blk = (type: number, size: number): Buffer => {
      const v = (size << 3) | (type << 1) | 1
      return Buffer.from([v & 255, (v >> 8) & 255, (v >> 16) & 255])
    }
    expect(() => new ZstdFrameScanner('x', 2 ** 29).scan(Buffer.concat([head, blk(3, 10)]))).toThrow(/reserved type/)
    expect(() => new ZstdFrameScanner('x', 2 ** 29).scan(Buffer.concat([head, blk(0, 200 * 1024)]))).toThrow(/over zstd's 128 KiB/)
    // A single-segment frame declares no window: the decoder keeps its whole content, which
    // the limit bounds too (FCS of 8 bytes: 2^29 + 1 bytes).
    const single = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00])
    expect(zstdFrameWindow(single)!.windowSize).toBe(2 ** 29 + 1)
    expect(() => new ZstdFrameScanner('x', 2 ** 29).scan(single)).toThrow(expect.objectContaining({ detail: { limit: 'zstdWindow', max: 2 ** 29, value: 2 ** 29 + 1 } }))
    // Raw and RLE blocks carry their sizes as the scanner expects: a valid hand-made frame.
    const sc = new ZstdFrameScanner('x', 2 ** 29)
    const raw = Buffer.concat([head, blk(1, 5000).map((b, i) => (i === 0 ? b & ~1 : b)), Buffer.from([7]), blk(0, 3), Buffer.from('abc')])
    expect(sc.scan(raw).at(-1)!.last).toBe(true)
    sc.end()
  })
})

describe('zstdBackend', () => {
  it("uses Node's zlib zstd where the runtime has it (Node >= 22.15), else the zstd CLI", () => {
    const z = zlib as unknown as { createZstdDecompress?: unknown }
    expect(zstdBackend()).toBe(typeof z.createZstdDecompress === 'function' ? 'zlib' : 'cli')
  })
})

/** pids of the zstd processes that are children of this test process. */
const zstdChildPids = (): number[] =>
  readdirSync('/proc')
    .filter((d) => {
      if (!/^\d+$/.test(d)) return false
      try {
        const st = readFileSync(`/proc/${d}/stat`, 'utf8')
        return st.includes('(zstd)') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid
      } catch {
        return false
      }
    })
    .map(Number)
const zstdChildren = (): number => zstdChildPids().length

describe('ZstdSink (cli) abort', () => {
  it('refuses a write after the decoder child died, by name, instead of waiting forever', async () => {
    // Found by the fuzzer: a child that exits (on bad data) has its stdin destroyed by Node
    // without an error event, and the next write waited for a 'drain' that never came.
    for (let i = 0; i < 200 && zstdChildren() > 0; i++) await new Promise((r) => setTimeout(r, 10))
    const z = zstd(content, [])
    const sink = new ZstdSink(collect(), 'layer x', 'cli')
    await sink.write(z.subarray(0, 100))
    const pids = zstdChildPids()
    expect(pids).toHaveLength(1)
    process.kill(pids[0]!, 'SIGKILL')
    for (let i = 0; i < 200 && zstdChildren() > 0; i++) await new Promise((r) => setTimeout(r, 10))
    expect(zstdChildren()).toBe(0)
    const late = Promise.resolve(sink.write(z.subarray(100)))
    const verdict = await Promise.race([late.then(() => 'resolved', (e: unknown) => e), new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000))])
    expect(verdict).toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('zstd data is corrupt or truncated') })
  }, 15_000)

  it('stops the decoder process when the input stops early', async () => {
    // The decoders the tests above stopped (refused windows, cut streams) are gone too.
    for (let i = 0; i < 80 && zstdChildren() > 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(zstdChildren()).toBe(0)
    const z = zstd(content, [])
    const sink = new ZstdSink(collect(), 'layer x', 'cli')
    await sink.write(z.subarray(0, z.length >> 1))
    expect(zstdChildren()).toBe(1)
    sink.abort()
    for (let i = 0; i < 40 && zstdChildren() > 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(zstdChildren()).toBe(0)
  })
})

describe('frameDecoder', () => {
  it("keeps windows up to zstd -d's 128 MiB in zlib and sends bigger ones to the CLI where there is one", () => {
    expect(frameDecoder(IN_PROCESS_MAX_WINDOW, true)).toBe('zlib')
    expect(frameDecoder(IN_PROCESS_MAX_WINDOW + 1, true)).toBe('cli')
    expect(frameDecoder(2 ** 29, false)).toBe('zlib')
  })

  it.skipIf(zstdBackend() !== 'zlib')('zlib: a frame with a 256 MiB window goes to a zstd child and decodes to the same bytes', async () => {
    // From stdin zstd cannot see the input's size, so the frame declares --long's window.
    const z = zstd(content, ['--long=28'])
    const out = collect()
    const sink = new ZstdSink(out, 'layer x', 'zlib')
    let sawChild = false
    for (let i = 0; i < z.length; i += 1000) {
      const r = sink.write(z.subarray(i, i + 1000))
      if (zstdChildren() > 0) sawChild = true
      if (r) await r
    }
    await sink.end()
    expect(Buffer.concat(out.out).equals(content)).toBe(true)
    expect(sawChild).toBe(true)
  })
})
