// The context tar the engine receives, streamed file by file (never buffered whole). We make it
// ourselves because dockerode's own packing gets .dockerignore wrong.
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { ContextEntry } from './context-walk'

const BLOCK = 512

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: string, e: { size: number; mode: number; mtimeMs: number; typeflag: string; link?: string }): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(name.slice(0, 100), 0, 'utf8')
  b.write(octal(e.mode & 0o7777, 8), 100)
  b.write(octal(0, 8), 108)
  b.write(octal(0, 8), 116)
  b.write(octal(e.size, 12), 124)
  b.write(octal(Math.floor(e.mtimeMs / 1000), 12), 136)
  b.write('        ', 148)
  b.write(e.typeflag, 156)
  if (e.link) b.write(e.link.slice(0, 100), 157, 'utf8')
  b.write('ustar\0', 257)
  b.write('00', 263)
  let sum = 0
  for (const byte of b) sum += byte
  b.write(octal(sum, 7) + ' ', 148)
  return b
}

function pax(records: Record<string, string>, name: string): Buffer[] {
  let body = ''
  for (const [k, v] of Object.entries(records)) {
    const rec = ` ${k}=${v}\n`
    // the length prefix counts itself
    let len = Buffer.byteLength(rec) + 1
    while (String(len).length + Buffer.byteLength(rec) !== len) len = String(len).length + Buffer.byteLength(rec)
    body += `${len}${rec}`
  }
  const data = Buffer.from(body, 'utf8')
  return [header(`PaxHeaders/${name}`.slice(0, 99), { size: data.length, mode: 0o644, mtimeMs: 0, typeflag: 'x' }), pad(data)]
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)])
}

/** A tar stream of `entries` (paths relative to `root`), regular files streamed from disk. */
export function contextTar(root: string, entries: ContextEntry[]): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    for (const e of entries) {
      if (e.type === 'other') continue
      const name = e.type === 'dir' ? `${e.rel}/` : e.rel
      const typeflag = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0'
      const size = e.type === 'file' ? e.size : 0
      const records: Record<string, string> = {}
      if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) records.path = name
      if (e.link && (Buffer.byteLength(e.link) > 100 || /[^\x20-\x7e]/.test(e.link))) records.linkpath = e.link
      if (Object.keys(records).length > 0) yield* pax(records, name.slice(-80))
      yield header(name, { size, mode: e.mode, mtimeMs: e.mtimeMs, typeflag, link: e.link })
      if (e.type === 'file' && e.content) {
        yield e.content
        const rest = size % BLOCK
        if (rest !== 0) yield Buffer.alloc(BLOCK - rest)
      } else if (e.type === 'file' && size > 0) {
        let written = 0
        for await (const chunk of createReadStream(join(root, e.rel))) {
          const buf = chunk as Buffer
          // A file that grew while we read it must not break the tar: send what lstat said.
          const take = Math.min(buf.length, size - written)
          if (take > 0) yield take === buf.length ? buf : buf.subarray(0, take)
          written += take
          if (written >= size) break
        }
        if (written < size) yield Buffer.alloc(size - written)
        const rest = size % BLOCK
        if (rest !== 0) yield Buffer.alloc(BLOCK - rest)
      }
    }
    yield Buffer.alloc(BLOCK * 2)
  }
  return Readable.from(gen())
}
