// Sparse files against GNU tar: real sparse files (holes made by dd seek= and truncate), archived
// with `tar --sparse` in every sparse format GNU tar writes, put in a docker-archive and opened
// like any archive. Each digest must equal `sha256sum` of the file GNU tar extracts (holes are
// zeros), through the archive reader, the layer pipeline at odd chunk sizes, and the cache.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnalysisService } from '../analysis/analysis-service'
import { EngineClient } from '../engine/engine-client'
import { fileRows } from '../content/file-listing'
import { PathTable } from '../model/path-table'
import { SPARSE_TOO_LARGE } from '../model/layer-entries'
import { LayerCache } from '../cache/layer-cache'
import { parseBlob } from './testdata/build'

let tmp: string
const sh = (cmd: string, cwd = tmp): string => execFileSync('sh', ['-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

const FORMATS = [
  ['gnu', '--format=gnu'],
  ['pax-0.0', '--format=posix --sparse-version=0.0'],
  ['pax-0.1', '--format=posix --sparse-version=0.1'],
  ['pax-1.0', '--format=posix --sparse-version=1.0']
] as const

/**
 * Sparse files with data blocks: `many` has 30 fragments 1 MiB apart (more than a GNU header's
 * 4 map entries: extension headers) and ends in a hole; `tail` ends in data; `holes` is all hole.
 */
function makeFiles(dir: string): void {
  mkdirSync(dir)
  sh(
    [
      'i=0; while [ $i -lt 30 ]; do printf "fragment-$i-" | dd of=many bs=4096 seek=$((i*256)) conv=notrunc status=none; i=$((i+1)); done; truncate -s 40M many',
      'head -c 70000 /dev/urandom | dd of=tail bs=1024 seek=8192 conv=notrunc status=none',
      'truncate -s 3M holes',
      'printf plain > plain'
    ].join(' && '),
    dir
  )
}

/** sha256sum of every regular file GNU tar extracts from `layerTar`, by path. */
function extractedDigests(layerTar: string): Map<string, string> {
  const out = mkdtempSync(join(tmp, 'x-'))
  sh(`tar -xf ${layerTar} -C ${out}`)
  const m = new Map<string, string>()
  for (const line of sh('find . -type f -print0 | xargs -0 sha256sum', out).split('\n').filter(Boolean)) {
    m.set(line.slice(66).replace(/^\.\//, ''), line.slice(0, 64))
  }
  rmSync(out, { recursive: true, force: true })
  return m
}

/** A docker-archive holding one layer, its config claiming the layer's real diff ID. */
function dockerArchive(layerTar: string, name: string): string {
  const d = join(tmp, `${name}-img`)
  mkdirSync(join(d, 'l1'), { recursive: true })
  const layer = readFileSync(layerTar)
  writeFileSync(join(d, 'l1', 'layer.tar'), layer)
  const config = { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] }, history: [{ created_by: `tar --sparse ${name}` }] }
  const configText = JSON.stringify(config)
  const configName = `${sha(Buffer.from(configText))}.json`
  writeFileSync(join(d, configName), configText)
  writeFileSync(join(d, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [`sparse/${name}:1`], Layers: ['l1/layer.tar'] }]))
  const out = join(tmp, `${name}.tar`)
  sh(`tar -cf ${out} -C ${d} manifest.json ${configName} l1`)
  return out
}

function digestsOf(svcImg: Parameters<typeof fileRows>[0]): Map<string, { sha256?: string; size: number; note?: string }> {
  const m = new Map<string, { sha256?: string; size: number; note?: string }>()
  for (const r of fileRows(svcImg, { layer: 0 })) if (r.type === 'file') m.set(r.path.slice(1), { sha256: r.sha256?.slice(7), size: r.size, note: r.sha256Note })
  return m
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ls-sparse-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('sparse files are hashed as GNU tar extracts them (holes as zeros)', () => {
  it.each(FORMATS)('%s', async (name, flags) => {
    const src = join(tmp, `src-${name}`)
    makeFiles(src)
    const layerTar = join(tmp, `${name}-layer.tar`)
    sh(`tar ${flags} --sparse -cf ${layerTar} -C ${src} many tail holes plain`)
    // Really stored sparse: 40 MiB + 8 MiB + 3 MiB of real size in far less.
    expect(statSync(layerTar).size).toBeLessThan(1024 * 1024)
    const truth = extractedDigests(layerTar)
    expect([...truth.keys()].sort()).toEqual(['holes', 'many', 'plain', 'tail'])
    expect(truth.get('holes')).toBe(sha(Buffer.alloc(3 * 1024 * 1024)))

    // The layer pipeline alone, at chunk sizes that split headers, maps and fragments.
    const layer = readFileSync(layerTar)
    for (const chunk of [333, 4096, 65536]) {
      const { entries } = await parseBlob(new PathTable(), layer, chunk)
      const ours = new Map<string, string | undefined>()
      for (let i = 0; i < entries.count; i++) ours.set(entries.paths.path(entries.pathId[i]!), entries.digestHex(i))
      expect(Object.fromEntries(ours), `${name}, chunks of ${chunk}`).toEqual(Object.fromEntries(truth))
      expect(entries.hashed).toBe(true)
    }

    // A whole archive: diff ID verified, sizes real, digests equal; then again from the cache.
    const archive = dockerArchive(layerTar, name)
    const cacheDir = join(tmp, `cache-${name}`)
    const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), cacheDir })
    const img = await svc.open({ kind: 'archive', path: archive })
    await svc.flush()
    const rows = digestsOf(img)
    expect(rows.get('many')?.size).toBe(40 * 1024 * 1024)
    expect(rows.get('tail')?.size).toBe(8192 * 1024 + 70000)
    for (const [path, hex] of truth) expect(rows.get(path)?.sha256, `${name}: ${path}`).toBe(hex)
    // The cache entry written for the layer keeps the same digests (an archive tar is re-read, so load it directly).
    const paths = new PathTable()
    const cached = new LayerCache(cacheDir).loadLayer(img.analysis.layers[0]!.diffId, paths)!
    expect(cached.hashed).toBe(true)
    const fromCache = new Map<string, string | undefined>()
    for (let i = 0; i < cached.count; i++) fromCache.set(paths.path(cached.pathId[i]!), cached.digestHex(i))
    expect(Object.fromEntries(fromCache), `cached ${name}`).toEqual(Object.fromEntries(truth))
  })

  it('keeps no digest, with the reason, for a sparse file whose real size is over the bound; the files after it are still hashed', async () => {
    const src = join(tmp, 'src-big')
    mkdirSync(src)
    // 17 GiB of real size in a few KiB: hashing its holes would take many seconds of CPU.
    sh('printf data | dd of=huge bs=1M seek=1024 conv=notrunc status=none && truncate -s 17G huge && printf after > after', src)
    for (const [name, flags] of [FORMATS[0], FORMATS[3]]) {
      const layerTar = join(tmp, `big-${name}.tar`)
      sh(`tar ${flags} --sparse -cf ${layerTar} -C ${src} huge after`)
      expect(statSync(layerTar).size).toBeLessThan(64 * 1024)
      const t = performance.now()
      const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), cacheDir: join(tmp, `cache-big-${name}`) })
      const img = await svc.open({ kind: 'archive', path: dockerArchive(layerTar, `big-${name}`) })
      // Not hashed: 17 GiB of zeros would take well over 5 s here.
      expect(performance.now() - t).toBeLessThan(5000)
      await svc.flush()
      // The reason survives the cache.
      const paths = new PathTable()
      const cached = new LayerCache(join(tmp, `cache-big-${name}`)).loadLayer(img.analysis.layers[0]!.diffId, paths)!
      const i = Array.from({ length: cached.count }, (_, k) => k).find((k) => paths.path(cached.pathId[k]!) === 'huge')!
      expect([cached.digestHex(i), cached.digestNote(i), cached.hashed]).toEqual([undefined, SPARSE_TOO_LARGE, true])
      const rows = digestsOf(img)
      expect(rows.get('huge')).toEqual({ sha256: undefined, size: 17 * 1024 ** 3, note: SPARSE_TOO_LARGE })
      expect(rows.get('after')?.sha256).toBe(sha(Buffer.from('after')))
      expect(img.layers[0]!.hashed).toBe(true)
      // The app's details say the same.
      const node = img.tree(0, 'layer', '', 'size', 0, 10).children.find((c) => c.name === 'huge')
      expect(node?.sha256).toBeUndefined()
      expect(node?.sha256Note).toBe(SPARSE_TOO_LARGE)
    }
  })
})
