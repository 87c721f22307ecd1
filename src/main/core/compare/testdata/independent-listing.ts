// An independent view of an image's final filesystem for checking compare's numbers: the
// engine's own `docker save`, listed by GNU tar, stacked with whiteouts. Shares no code with
// the analysis core on purpose.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listTar } from '../../../../../scripts/fixtures/tar-listing'

export interface ListedEntry {
  kind: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'
  size: number
  link?: string
}

function kindOf(c: string): ListedEntry['kind'] {
  return c === '-' ? 'file' : c === 'd' ? 'dir' : c === 'l' ? 'symlink' : c === 'h' ? 'hardlink' : 'other'
}

/** `docker save` + `tar -tv` of every layer, stacked: path ("usr/lib/x") -> entry. */
export function listFinalFilesystem(ref: string): Map<string, ListedEntry> {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-listing-'))
  try {
    const archive = join(dir, 'image.tar')
    execFileSync('docker', ['save', '-o', archive, ref])
    execFileSync('tar', ['-xf', archive, '-C', dir, 'manifest.json'])
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
    const final = new Map<string, ListedEntry>()
    for (const layer of manifest[0]!.Layers) {
      execFileSync('tar', ['-xf', archive, '-C', dir, layer])
      for (const { type, size, name, link } of listTar(join(dir, layer))) {
        const kind = kindOf(type)
        const path = name.replace(/^\.?\//, '').replace(/\/$/, '')
        if (path === '' || path === '.') continue
        const base = path.split('/').pop()!
        const parent = path.slice(0, path.length - base.length).replace(/\/$/, '')
        if (base === '.wh..wh..opq') {
          for (const k of [...final.keys()]) if (k.startsWith(`${parent}/`)) final.delete(k)
          continue
        }
        if (base.startsWith('.wh.')) {
          const gone = (parent ? `${parent}/` : '') + base.slice(4)
          final.delete(gone)
          for (const k of [...final.keys()]) if (k.startsWith(`${gone}/`)) final.delete(k)
          continue
        }
        // A non-directory replacing a directory hides what was below it.
        if (kind !== 'dir') for (const k of [...final.keys()]) if (k.startsWith(`${path}/`)) final.delete(k)
        final.set(path, { kind, size: kind === 'file' ? size : 0, link })
      }
      rmSync(join(dir, layer), { force: true })
    }
    return final
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Counts the same way compare does (non-directories; bytes of regular files), from two listings. */
export function expectedFileDelta(a: Map<string, ListedEntry>, b: Map<string, ListedEntry>) {
  const r = { added: { count: 0, bytes: 0 }, removed: { count: 0, bytes: 0 }, changed: { count: 0, bytes: 0 } }
  for (const [p, eb] of b) {
    if (eb.kind === 'dir') continue
    const ea = a.get(p)
    if (!ea || ea.kind === 'dir') {
      r.added.count++
      r.added.bytes += eb.size
    } else if (ea.kind !== eb.kind || ea.size !== eb.size || (ea.link ?? '') !== (eb.link ?? '')) {
      r.changed.count++
      r.changed.bytes += eb.size - ea.size
    }
  }
  for (const [p, ea] of a) {
    if (ea.kind === 'dir') continue
    const eb = b.get(p)
    if (!eb || eb.kind === 'dir') {
      r.removed.count++
      r.removed.bytes += ea.size
    }
  }
  return r
}

/** Image IDs the engine exported (docker events "save") between two times (unix seconds). */
export function savedImageIds(since: number, until: number): string[] {
  const out = execFileSync(
    'docker',
    ['events', '--since', String(since), '--until', String(until), '--filter', 'type=image', '--filter', 'event=save', '--format', '{{.Actor.ID}}'],
    { encoding: 'utf8' }
  )
  return out.split('\n').filter(Boolean)
}
