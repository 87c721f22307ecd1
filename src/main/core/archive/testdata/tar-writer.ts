// A tiny tar writer for tests: ustar headers, PAX records for long names, GNU 'L' on request.
export interface TestEntry {
  path: string
  type?: 'file' | 'dir' | 'symlink' | 'hardlink'
  /** Content (files); or give `size` for zero-filled content. */
  content?: string | Buffer
  size?: number
  mode?: number
  uid?: number
  gid?: number
  mtime?: number
  linkName?: string
  /** Write the long name as a GNU 'L' record instead of PAX. */
  gnuLongName?: boolean
}

function header(name: string, typeflag: string, size: number, e: TestEntry, linkName = ''): Buffer {
  const b = Buffer.alloc(512)
  b.write(name.slice(0, 100), 0, 'utf8')
  b.write(((e.mode ?? (typeflag === '5' ? 0o755 : 0o644)) & 0o7777).toString(8).padStart(7, '0') + '\0', 100, 'latin1')
  b.write((e.uid ?? 0).toString(8).padStart(7, '0') + '\0', 108, 'latin1')
  b.write((e.gid ?? 0).toString(8).padStart(7, '0') + '\0', 116, 'latin1')
  b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
  b.write((e.mtime ?? 1700000000).toString(8).padStart(11, '0') + '\0', 136, 'latin1')
  b.write('        ', 148, 'latin1')
  b.write(typeflag, 156, 'latin1')
  b.write(linkName.slice(0, 100), 157, 'utf8')
  b.write('ustar\0', 257, 'latin1')
  b.write('00', 263, 'latin1')
  let sum = 0
  for (let i = 0; i < 512; i++) sum += b[i]!
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return b
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512)
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let len = Buffer.byteLength(body) + 1
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body)
  return `${len}${body}`
}

export function makeTar(entries: TestEntry[], opts: { noEnd?: boolean } = {}): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const type = e.type ?? 'file'
    const flag = { file: '0', dir: '5', symlink: '2', hardlink: '1' }[type]
    const content = type === 'file' ? (e.content !== undefined ? Buffer.from(e.content) : Buffer.alloc(e.size ?? 0)) : Buffer.alloc(0)
    const name = type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path
    const link = e.linkName ?? ''
    const long = Buffer.byteLength(name) > 100 || Buffer.byteLength(link) > 100 || /[^\x20-\x7e]/.test(name)
    if (long && e.gnuLongName) {
      const nb = Buffer.from(name + '\0')
      parts.push(header('././@LongLink', 'L', nb.length, { path: '' }), nb, pad(nb.length))
    } else if (long) {
      const rec = Buffer.from(paxRecord('path', name) + (link ? paxRecord('linkpath', link) : ''))
      parts.push(header('PaxHeader', 'x', rec.length, { path: '' }), rec, pad(rec.length))
    }
    parts.push(header(name, flag, content.length, e, link), content, pad(content.length))
  }
  if (!opts.noEnd) parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}
