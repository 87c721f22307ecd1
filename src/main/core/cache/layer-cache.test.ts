import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { parseBlob } from '../archive/testdata/build'
import { makeTar } from '../archive/testdata/tar-writer'
import { CACHE_FORMAT, LayerCache } from './layer-cache'

const D1 = `sha256:${'a'.repeat(64)}`
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-cache-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function sample(): Promise<Awaited<ReturnType<typeof parseBlob>>['entries']> {
  const tar = makeTar([
    { path: 'usr', type: 'dir' },
    { path: 'usr/bin/tool', size: 1234, mode: 0o755, uid: 1000, gid: 50, mtime: 99 },
    { path: 'usr/bin/.wh.old' },
    { path: 'usr/lib/.wh..wh..opq' },
    { path: 'usr/link', type: 'symlink', linkName: '/abs/target' },
    { path: 'top ü', size: 5 }
  ])
  return (await parseBlob(new PathTable(), tar)).entries
}

describe('LayerCache', () => {
  it('round-trips a layer exactly, into another path table', async () => {
    const c = new LayerCache(dir)
    const e = await sample()
    await c.saveLayer(D1, e)
    expect(c.hasLayer(D1)).toBe(true)
    const paths = new PathTable()
    paths.intern('something/else')
    const back = c.loadLayer(D1, paths)!
    expect(back.count).toBe(e.count)
    expect([back.contentBytes, back.files, back.entries]).toEqual([e.contentBytes, e.files, e.entries])
    for (let i = 0; i < e.count; i++) {
      expect(paths.path(back.pathId[i]!)).toBe(e.paths.path(e.pathId[i]!))
      expect([back.kind[i], back.flags[i], back.size[i], back.mode[i], back.uid[i], back.gid[i], back.mtime[i]]).toEqual([
        e.kind[i],
        e.flags[i],
        e.size[i],
        e.mode[i],
        e.uid[i],
        e.gid[i],
        e.mtime[i]
      ])
    }
    expect([...back.links]).toEqual([...e.links])
    for (let i = 0; i < e.count; i++) expect(back.digestHex(i)).toBe(e.digestHex(i))
    expect(back.digestHex(1)).toBe(createHash('sha256').update(Buffer.alloc(1234)).digest('hex'))
    // Only the final file exists: temp files were renamed away.
    expect(readdirSync(join(dir, `v${CACHE_FORMAT}`, 'layers'))).toEqual([`${'a'.repeat(64)}.lsl`])
  })

  it('reads a record without a digest for every regular file as missing (layers cached before digests are read again)', async () => {
    const c = new LayerCache(dir)
    const e = await sample()
    e.slots = 0
    e.digestSlot.fill(-1)
    await c.saveLayer(D1, e)
    expect(c.hasLayer(D1)).toBe(true)
    expect(c.loadLayer(D1, new PathTable())).toBeNull()
  })

  it('treats a damaged entry as missing and removes it', async () => {
    const c = new LayerCache(dir)
    await c.saveLayer(D1, await sample())
    const f = join(dir, `v${CACHE_FORMAT}`, 'layers', `${'a'.repeat(64)}.lsl`)
    const buf = readFileSync(f)
    buf[buf.length - 1] = buf[buf.length - 1]! ^ 1
    writeFileSync(f, buf)
    expect(c.loadLayer(D1, new PathTable())).toBeNull()
    await new Promise((r) => setTimeout(r, 20))
    expect(existsSync(f)).toBe(false)
    writeFileSync(f, 'garbage')
    expect(c.loadLayer(D1, new PathTable())).toBeNull()
  })

  it('never turns a hostile digest into a path outside its folder', async () => {
    const c = new LayerCache(dir)
    const e = await sample()
    for (const bad of ['../../../tmp/evil', 'sha256:../../x', `sha256:${'a'.repeat(63)}/`, 'sha512:abc']) {
      await c.saveLayer(bad, e)
      await c.saveImage({ id: bad, config: {}, format: 'oci' })
      expect(c.hasLayer(bad)).toBe(false)
    }
    expect(existsSync(join(dir, `v${CACHE_FORMAT}`))).toBe(false)
  })

  it('reports and clears only its own files', async () => {
    const c = new LayerCache(dir)
    await c.saveLayer(D1, await sample())
    await c.saveImage({ id: D1, config: { os: 'linux' }, format: 'oci' })
    expect(c.loadImage(D1)?.config.os).toBe('linux')
    writeFileSync(join(dir, 'not-ours.txt'), 'keep me')
    const info = await c.info()
    expect(info.entries).toBe(1)
    expect(info.bytes).toBeGreaterThan(0)
    expect(await c.clear()).toEqual({ removedEntries: 1, removedBytes: info.bytes })
    expect(existsSync(join(dir, 'not-ours.txt'))).toBe(true)
    expect((await c.info()).entries).toBe(0)
  })
})

describe('LayerCache temp files', () => {
  it('removes temp files a killed writer left over an hour ago, and keeps a live writer\'s', async () => {
    const c = new LayerCache(dir)
    const layers = join(dir, `v${CACHE_FORMAT}`, 'layers')
    mkdirSync(layers, { recursive: true })
    const stale = join(layers, `.${'b'.repeat(64)}.lsl.4242.deadbeef.tmp`)
    const live = join(layers, `.${'b'.repeat(64)}.lsl.4243.cafebabe.tmp`)
    const old = join(layers, '.tmp-999-abcdef') // the earlier naming
    for (const f of [stale, live, old]) writeFileSync(f, 'partial')
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    utimesSync(stale, twoHoursAgo, twoHoursAgo)
    utimesSync(old, twoHoursAgo, twoHoursAgo)
    expect(await c.saveLayer(D1, await sample())).toBe(true)
    expect(readdirSync(layers).sort()).toEqual([`${'a'.repeat(64)}.lsl`, `.${'b'.repeat(64)}.lsl.4243.cafebabe.tmp`].sort())
  })
})
