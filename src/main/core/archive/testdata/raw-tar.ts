// Hand-built tar blocks for hostile cases the tar-writer refuses to make: any bytes in any
// field, then a correct checksum (so the reader judges the field, not the checksum).
export interface RawFields {
  name?: Buffer | string
  mode?: string
  size?: Buffer | string
  mtime?: string
  typeflag?: string
  linkName?: string
}

export function rawHeader(f: RawFields): Buffer {
  const b = Buffer.alloc(512)
  const put = (v: Buffer | string, off: number, len: number): void => {
    const src = typeof v === 'string' ? Buffer.from(v, 'latin1') : v
    src.copy(b, off, 0, Math.min(len, src.length))
  }
  put(f.name ?? 'f', 0, 100)
  put(f.mode ?? '0000644\0', 100, 8)
  put('0000000\0', 108, 8)
  put('0000000\0', 116, 8)
  put(f.size ?? '00000000000\0', 124, 12)
  put(f.mtime ?? '14531234567\0', 136, 12)
  put(f.typeflag ?? '0', 156, 1)
  put(f.linkName ?? '', 157, 100)
  put('ustar\0' + '00', 257, 8)
  return withChecksum(b)
}

export function withChecksum(b: Buffer): Buffer {
  b.fill(32, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += b[i]!
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return b
}

/** "<len> key=value\n" with the length right. */
export function paxRecord(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')])
  let len = body.length + 1
  while (String(len).length + body.length !== len) len = String(len).length + body.length
  return Buffer.concat([Buffer.from(String(len)), body])
}

export function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

/** One entry: header + data padded to 512. */
export function rawEntry(f: RawFields, data: Buffer = Buffer.alloc(0)): Buffer {
  const size = f.size ?? octal(data.length, 12)
  return Buffer.concat([rawHeader({ ...f, size }), data, Buffer.alloc((512 - (data.length % 512)) % 512)])
}

export function paxEntry(records: Buffer[], typeflag = 'x'): Buffer {
  return rawEntry({ name: 'PaxHeader', typeflag }, Buffer.concat(records))
}

export const END = Buffer.alloc(1024)
