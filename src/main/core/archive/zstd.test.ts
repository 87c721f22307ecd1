import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EntrySink } from '../model/tar-entry'
import { ZstdSink, zstdBackend, zstdFrameWindow, type ZstdBackend } from './zstd'

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
    // From a pipe zstd does not know the size, so --long=31 keeps its 2 GiB window.
    const huge = execFileSync('sh', ['-c', 'head -c 4096 /dev/zero | zstd -q -c --long=31'])
    expect(zstdFrameWindow(huge)!.windowSize).toBe(2 ** 31)
    await expect(decode(huge, backend)).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      detail: { limit: 'zstdWindow' },
      message: expect.stringContaining(backend === 'js' ? '2 GiB window, above Layerscope\'s limit of 128 MiB' : '2 GiB window, above Layerscope\'s limit of 1 GiB')
    })
    // --long=30 is within the limit of the native decoders; fzstd (whole window in the JS heap) stops at 2^27.
    const ok = execFileSync('sh', ['-c', 'head -c 4096 /dev/zero | zstd -q -c --long=30'])
    if (backend === 'js') await expect(decode(ok, backend)).rejects.toMatchObject({ detail: { limit: 'zstdWindow', max: 2 ** 27 }, message: expect.stringContaining('install zstd') })
    else expect((await decode(ok, backend)).length).toBe(4096)
    // A second frame with a huge window: only the decoder sees it, and it is still named.
    if (backend !== 'js') {
      const second = Buffer.concat([ok, huge])
      await expect(decode(second, backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', detail: { limit: 'zstdWindow' } })
    }
    const ok27 = execFileSync('sh', ['-c', 'head -c 4096 /dev/zero | zstd -q -c --long=27'])
    expect((await decode(ok27, backend)).length).toBe(4096)
  })

  it('names truncated and corrupt data', async () => {
    const z = zstd(content, [])
    await expect(decode(z.subarray(0, z.length - 10), backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('zstd data is corrupt or truncated') })
    const bad = Buffer.from(z)
    for (let i = 40; i < 80; i++) bad[i] = 0xff
    await expect(decode(bad, backend)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
  })
})

describe('ZstdSink (cli) abort', () => {
  it('stops the decoder process when the input stops early', async () => {
    const zstdChildren = (): number =>
      readdirSync('/proc').filter((d) => {
        if (!/^\d+$/.test(d)) return false
        try {
          const st = readFileSync(`/proc/${d}/stat`, 'utf8')
          return st.includes('(zstd)') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid
        } catch {
          return false
        }
      }).length
    const z = zstd(content, [])
    const sink = new ZstdSink(collect(), 'layer x', 'cli')
    await sink.write(z.subarray(0, z.length >> 1))
    expect(zstdChildren()).toBe(1)
    sink.abort()
    for (let i = 0; i < 40 && zstdChildren() > 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(zstdChildren()).toBe(0)
  })
})
