// Structure-aware mutations of an image archive (a tar of blobs): header fields, sizes,
// checksums, truncation, duplicated / zeroed / dropped blocks, injected PAX and long-name
// headers, and the same inside the nested layer tars (decompressed, mutated, recompressed)
// and the JSON documents. Deterministic from the case number.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'

export type Rng = () => number

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const int = (r: Rng, n: number): number => Math.floor(r() * n)
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!

interface Ent {
  hdr: number
  data: number
  size: number
  type: string
}

/** Outer entries as laid out (no PAX interpretation: mutations target raw blocks). */
export function entries(buf: Buffer): Ent[] {
  const out: Ent[] = []
  let off = 0
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512)
    if (h.every((b) => b === 0)) break
    const size = parseInt(h.toString('latin1', 124, 136).replace(/[\0 ]+$/, '').trim() || '0', 8)
    if (!Number.isFinite(size) || size < 0) break
    out.push({ hdr: off, data: off + 512, size, type: String.fromCharCode(h[156]!) })
    off += 512 + Math.ceil(size / 512) * 512
  }
  return out
}

function checksum(h: Buffer): void {
  h.fill(32, 148, 156)
  let s = 0
  for (let i = 0; i < 512; i++) s += h[i]!
  h.write(s.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
}

function header(name: string, type: string, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(name.slice(0, 99), 0, 'latin1')
  h.write('0000644\0', 100, 'latin1')
  h.write('0000000\0', 108, 'latin1')
  h.write('0000000\0', 116, 'latin1')
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
  h.write('14531234567\0', 136, 'latin1')
  h.write(type, 156, 'latin1')
  h.write('ustar\0' + '00', 257, 'latin1')
  checksum(h)
  return h
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512)

/** The archive with entry `e`'s content replaced (size field and checksum fixed). */
function replaceData(buf: Buffer, e: Ent, data: Buffer): Buffer {
  const h = Buffer.from(buf.subarray(e.hdr, e.hdr + 512))
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
  checksum(h)
  const end = e.data + Math.ceil(e.size / 512) * 512
  return Buffer.concat([buf.subarray(0, e.hdr), h, data, pad(data.length), buf.subarray(end)])
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')])
  let len = body.length + 1
  while (String(len).length + body.length !== len) len = String(len).length + body.length
  return Buffer.concat([Buffer.from(String(len)), body])
}

const FIELDS: Array<[string, number, number]> = [
  ['name', 0, 100],
  ['mode', 100, 8],
  ['uid', 108, 8],
  ['gid', 116, 8],
  ['size', 124, 12],
  ['mtime', 136, 12],
  ['typeflag', 156, 1],
  ['linkname', 157, 100],
  ['magic', 257, 8],
  ['prefix', 345, 155],
  ['sparse', 386, 120]
]

function fieldValue(r: Rng, len: number, name: string): Buffer {
  const v = pick(r, [
    () => Buffer.alloc(len, 0xff),
    () => Buffer.alloc(len, 0),
    () => Buffer.alloc(len, 0x37),
    () => Buffer.from(Array.from({ length: len }, () => int(r, 256))),
    () => Buffer.concat([Buffer.from([0x80]), Buffer.alloc(Math.max(0, len - 1), 0xff)]),
    () => Buffer.concat([Buffer.from([0x80]), Buffer.alloc(Math.max(0, len - 2), 0), Buffer.from([int(r, 256)])]),
    () => Buffer.from('../../../../etc/passwd\0'),
    () => Buffer.from('a\0b/.wh..wh..opq\0'),
    () => Buffer.from([0x61, 0xff, 0xfe, 0x2f, 0xc0, 0xaf]),
    () => Buffer.from(pick(r, ['0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', 'S', 'D', 'M', 'V', 'Z'])),
    () => Buffer.from(' 17 \0'),
    () => Buffer.from('9'.repeat(len))
  ])()
  void name
  return v.subarray(0, len)
}

/** `applied` collects the names of nested mutations too (the report lists them). */
type Mutator = (buf: Buffer, r: Rng, ctx: Ctx, applied: string[]) => Buffer

export interface Ctx {
  /** A zstd frame declaring a 2 GiB window (refused by name). */
  bigWindowZstd: Buffer
  depth: number
}

const mutators: Record<string, Mutator> = {
  field(buf, r) {
    const es = entries(buf)
    if (!es.length) return buf
    const e = pick(r, es)
    const [name, off, len] = pick(r, FIELDS)
    const out = Buffer.from(buf)
    const v = fieldValue(r, len, name)
    out.fill(0, e.hdr + off, e.hdr + off + len)
    v.copy(out, e.hdr + off)
    if (r() < 0.85) checksum(out.subarray(e.hdr, e.hdr + 512))
    return out
  },
  size(buf, r) {
    const es = entries(buf)
    if (!es.length) return buf
    const e = pick(r, es)
    const out = Buffer.from(buf)
    const n = pick(r, [0, 1, e.size - 1, e.size + 1, e.size + 512, e.size * 2, 0o77777777777, int(r, 1 << 20)])
    out.write(Math.max(0, n).toString(8).padStart(11, '0') + '\0', e.hdr + 124, 'latin1')
    checksum(out.subarray(e.hdr, e.hdr + 512))
    return out
  },
  checksum(buf, r) {
    const es = entries(buf)
    if (!es.length) return buf
    const out = Buffer.from(buf)
    out.write(pick(r, ['0000000\0', '7777777\0', 'garbage!']), pick(r, es).hdr + 148, 'latin1')
    return out
  },
  truncate(buf, r) {
    const at = r() < 0.5 ? int(r, Math.ceil(buf.length / 512)) * 512 : int(r, buf.length)
    return buf.subarray(0, at)
  },
  dupBlock(buf, r) {
    const b = int(r, Math.max(1, Math.floor(buf.length / 512))) * 512
    return Buffer.concat([buf.subarray(0, b + 512), buf.subarray(b, b + 512), buf.subarray(b + 512)])
  },
  zeroBlock(buf, r) {
    const out = Buffer.from(buf)
    const b = int(r, Math.max(1, Math.floor(buf.length / 512))) * 512
    out.fill(0, Math.min(b, out.length), Math.min(b + 512, out.length))
    return out
  },
  dropBlock(buf, r) {
    const b = int(r, Math.max(1, Math.floor(buf.length / 512))) * 512
    return Buffer.concat([buf.subarray(0, b), buf.subarray(b + 512)])
  },
  flip(buf, r) {
    const out = Buffer.from(buf)
    for (let i = 0, n = 1 + int(r, 8); i < n && out.length; i++) {
      const at = int(r, out.length)
      out[at] = out[at]! ^ (1 << int(r, 8))
    }
    return out
  },
  swap(buf, r) {
    const es = entries(buf)
    if (es.length < 2) return buf
    const i = int(r, es.length - 1)
    const a = es[i]!
    const b = es[i + 1]!
    const endB = b.data + Math.ceil(b.size / 512) * 512
    return Buffer.concat([buf.subarray(0, a.hdr), buf.subarray(b.hdr, endB), buf.subarray(a.hdr, b.hdr), buf.subarray(endB)])
  },
  pax(buf, r) {
    const es = entries(buf)
    if (!es.length) return buf
    const e = pick(r, es)
    const recs = pick(r, [
      () => paxRecord('path', Buffer.from('a\0b')),
      () => paxRecord('path', 'd/'.repeat(20_000 + int(r, 10_000)) + 'f'),
      () => paxRecord('path', 'd/'.repeat(5_000) + 'f'),
      () => paxRecord('size', pick(r, ['-1', '1e9', '99999999999999999999', '12x', ''])),
      () => paxRecord('GNU.sparse.realsize', String(int(r, 2 ** 40))),
      () => Buffer.from(pick(r, ['99 path=x\n', '5 ab\n', 'x path=a\n', '7 =abc\n'])),
      () => paxRecord('linkpath', '../'.repeat(50) + 'etc/shadow'),
      () => paxRecord('path', Buffer.from([0x2e, 0x77, 0x68, 0x2e, 0xff]))
    ])()
    const type = r() < 0.8 ? 'x' : pick(r, ['g', 'L', 'K'])
    const body = type === 'L' || type === 'K' ? Buffer.from('n'.repeat(int(r, 3000)) + '\0') : recs
    return Buffer.concat([buf.subarray(0, e.hdr), header('PaxHeader', type, body.length), body, pad(body.length), buf.subarray(e.hdr)])
  },
  json(buf, r) {
    const es = entries(buf).filter((e) => e.size > 0 && e.size < 1 << 20 && (buf[e.data] === 0x7b || buf[e.data] === 0x5b))
    if (!es.length) return buf
    const e = pick(r, es)
    let doc: unknown
    try {
      doc = JSON.parse(buf.toString('utf8', e.data, e.data + e.size))
    } catch {
      return buf
    }
    // Walk to a random node and give it another type.
    const nodes: Array<[Record<string, unknown> | unknown[], string | number]> = []
    const walk = (v: unknown, depth: number): void => {
      if (depth > 6 || v === null || typeof v !== 'object') return
      for (const [k, c] of Object.entries(v)) {
        nodes.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k])
        walk(c, depth + 1)
      }
    }
    walk(doc, 0)
    const replacement = pick(r, [null, 0, -1, 1e308, 'x', '', [], {}, true, 'sha256:' + 'z'.repeat(64), '../../x', JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown])
    if (nodes.length && r() < 0.9) {
      const [parent, key] = pick(r, nodes)
      ;(parent as Record<string | number, unknown>)[key] = replacement
    } else doc = replacement
    return replaceData(buf, e, Buffer.from(JSON.stringify(doc) ?? 'null'))
  },
  /** A zstd layer's frame structure: the window, flags, block headers, extra frames. */
  zstd(buf, r) {
    const es = entries(buf).filter((e) => e.size >= 12 && e.data + e.size <= buf.length && buf.readUInt32LE(e.data) === 0xfd2fb528)
    if (!es.length) return buf
    const e = pick(r, es)
    const z = Buffer.from(buf.subarray(e.data, e.data + e.size))
    const fhd = z[4]!
    const single = (fhd >> 5) & 1
    const fcsFlag = fhd >> 6
    const hdr = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + (fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!)
    const skippable = (n: number, claimed = n): Buffer => {
      const f = Buffer.alloc(8 + n, 0x5a)
      f.writeUInt32LE(0x184d2a50 + int(r, 16), 0)
      f.writeUInt32LE(claimed >>> 0, 4)
      return f
    }
    let out: Buffer = z
    switch (pick(r, ['window', 'single', 'fcs', 'reserved', 'blockType', 'blockSize', 'skippable', 'lyingSkippable', 'twice', 'garbage', 'cut'])) {
      case 'window':
        if (!single) z[5] = int(r, 256)
        break
      case 'single':
        z[4] = fhd ^ 0x20
        break
      case 'fcs':
        z[4] = (fhd & 0x3f) | (int(r, 4) << 6)
        break
      case 'reserved':
        z[4] = fhd | 0x08
        break
      case 'blockType':
        if (z.length > hdr + 3) z[hdr] = (z[hdr]! & ~6) | (int(r, 4) << 1)
        break
      case 'blockSize':
        if (z.length > hdr + 3) {
          const v = (z[hdr]! & 7) | (int(r, 1 << 21) << 3)
          z[hdr] = v & 255
          z[hdr + 1] = (v >> 8) & 255
          z[hdr + 2] = (v >> 16) & 255
        }
        break
      case 'skippable':
        out = r() < 0.5 ? Buffer.concat([skippable(int(r, 600)), z]) : Buffer.concat([z, skippable(int(r, 600))])
        break
      case 'lyingSkippable':
        out = Buffer.concat([z, skippable(int(r, 64), pick(r, [0xffffffff, 1 << 30, int(r, 1 << 20)]))])
        break
      case 'twice':
        out = Buffer.concat([z, z])
        break
      case 'garbage':
        out = Buffer.concat([z, Buffer.from(Array.from({ length: 1 + int(r, 64) }, () => int(r, 256)))])
        break
      case 'cut':
        out = z.subarray(0, r() < 0.5 ? int(r, hdr + 4) : int(r, z.length))
        break
    }
    return replaceData(buf, e, out)
  },
  nested(buf, r, ctx, applied) {
    if (ctx.depth > 0) return buf
    const es = entries(buf).filter((e) => e.size >= 4)
    const layers = es.filter((e) => {
      const h = buf.subarray(e.data, e.data + 4)
      return (h[0] === 0x1f && h[1] === 0x8b) || (h[0] === 0x28 && h[1] === 0xb5) || buf.toString('latin1', e.data + 257, e.data + 262) === 'ustar'
    })
    if (!layers.length) return buf
    const e = pick(r, layers)
    const blob = buf.subarray(e.data, e.data + e.size)
    const kind = blob[0] === 0x1f ? 'gzip' : blob[0] === 0x28 ? 'zstd' : 'tar'
    if (kind === 'zstd' && r() < 0.2) return replaceData(buf, e, ctx.bigWindowZstd)
    const inner = unpack(kind, blob)
    if (!inner) return buf
    const mutated = mutate(inner, r, { ...ctx, depth: 1 }, applied)
    const packed = kind === 'gzip' ? gzipSync(mutated, { level: 1 }) : kind === 'zstd' ? zstdFrames(mutated, r) : mutated
    // Sometimes truncate the compressed stream itself.
    return replaceData(buf, e, r() < 0.15 ? packed.subarray(0, int(r, packed.length)) : packed)
  }
}

/**
 * A layer blob decompressed, remembered by its digest: most cases unpack one of the seeds' few
 * layers, and the zstd CLI costs a process start each time (null: it does not decompress).
 */
const unpacked = new Map<string, Buffer | null>()
function unpack(kind: 'gzip' | 'zstd' | 'tar', blob: Buffer): Buffer | null {
  if (kind === 'tar') return Buffer.from(blob)
  const key = `${kind}:${createHash('sha1').update(blob).digest('hex')}`
  let inner = unpacked.get(key)
  if (inner === undefined) {
    try {
      inner = kind === 'gzip' ? gunzipSync(blob) : execFileSync('zstd', ['-d', '-q', '-c'], { input: blob, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'ignore'] })
    } catch {
      inner = null
    }
    if (unpacked.size >= 64) unpacked.clear()
    unpacked.set(key, inner)
  }
  // Mutators copy before they write, but a caller must never see a shared buffer change.
  return inner
}

/** zstd by the real CLI: one frame, or (one case in five) the data cut into two frames. */
function zstdFrames(data: Buffer, r: Rng): Buffer {
  const z = (b: Buffer): Buffer => execFileSync('zstd', ['-q', '-c', '-1'], { input: b, maxBuffer: 1 << 28 })
  if (r() >= 0.2 || data.length < 2) return z(data)
  const at = 1 + int(r, data.length - 1)
  return Buffer.concat([z(data.subarray(0, at)), z(data.subarray(at))])
}

const NAMES = Object.keys(mutators)
/** Weights: nested and header-level mutations most often. */
const WEIGHTED = [...NAMES, 'nested', 'nested', 'nested', 'field', 'field', 'json', 'json', 'pax', 'zstd']

/** 1-3 mutations; the names applied are returned for the report. */
export function mutate(buf: Buffer, r: Rng, ctx: Ctx, applied: string[] = []): Buffer {
  let out = buf
  for (let i = 0, n = 1 + int(r, 3); i < n; i++) {
    const name = pick(r, WEIGHTED)
    applied.push(ctx.depth ? `layer:${name}` : name)
    out = mutators[name]!(out, r, ctx, applied)
  }
  return out
}
