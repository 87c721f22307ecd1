// Content digests against the real engine and real archives: every file's sha256 checked
// against sha256sum of what GNU tar extracts from the same layer, the layer tars against their
// diff IDs; compare by digest (same-size edit, mode-only change, move); duplicates; and a
// tampered archive refused by name with nothing cached. Images are built from files carried here.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from '../engine/engine-client'
import { AnalysisService } from '../analysis/analysis-service'
import { CompareService } from '../compare/compare-service'
import { CACHE_FORMAT } from '../cache/layer-cache'
import { fileRows, type FileRow } from './file-listing'
import type { AnalyzedImage } from '../analysis/analyzed-image'

const V1 = 'layerscope-test/content:v1'
const V2 = 'layerscope-test/content:v2'
const CLI = resolve(__dirname, '../../cli/index.ts')
const LIB = 'module.exports = 42\n'.repeat(500)

// v1 and v2 share the base; v2 edits app.conf at the same size, chmods tool, moves data.bin.
const common = `FROM ${BASE_IMAGE}
COPY lib.js /app/node_modules/a/lib.js
COPY lib.js /app/node_modules/b/lib.js
RUN mkdir -p /opt && dd if=/dev/urandom of=/opt/data.bin bs=1k count=64 2>/dev/null && ln /opt/data.bin /opt/data.hard && ln -s data.bin /opt/data.link
`
const DOCKERFILE_V1 = `${common}COPY app.conf /etc/app.conf
COPY tool.sh /usr/bin/tool.sh
RUN chmod 644 /usr/bin/tool.sh && echo gone > /tmp/gone && rm /tmp/gone
`
const DOCKERFILE_V2 = `${common}COPY app.conf /etc/app.conf
COPY tool.sh /usr/bin/tool.sh
RUN chmod 755 /usr/bin/tool.sh && mkdir -p /srv && mv /opt/data.bin /srv/data.bin && rm /opt/data.hard /opt/data.link
`

let tmp: string
let cacheDir: string
let svc: AnalysisService
let engine: EngineClient

/** sha256sum of every regular file GNU tar extracts from one layer tar, by "/path". */
function sha256sumOfLayer(layerTar: string): Map<string, string> {
  const dir = mkdtempSync(join(tmp, 'x-'))
  execFileSync('tar', ['-xf', layerTar, '-C', dir, '--no-same-owner'])
  const out = execFileSync('sh', ['-c', 'find . -type f -print0 | xargs -0 -r sha256sum'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const m = new Map<string, string>()
  for (const line of out.split('\n').filter(Boolean)) {
    const hex = line.slice(0, 64)
    const path = line.slice(66).replace(/^\.\//, '/')
    // Whiteout markers are empty files on disk, not files of the image.
    if (!/(^|\/)\.wh\./.test(path)) m.set(path, hex)
  }
  rmSync(dir, { recursive: true, force: true })
  return m
}

/** docker save to a file, unpacked: the layer tars in manifest order and the config's diff IDs. */
function saveAndUnpack(ref: string, name: string): { tar: string; dir: string; layers: string[]; diffIds: string[] } {
  const tar = join(tmp, `${name}.tar`)
  execFileSync('docker', ['save', '-o', tar, ref])
  const dir = join(tmp, name)
  mkdirSync(dir)
  execFileSync('tar', ['-xf', tar, '-C', dir])
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>
  const config = JSON.parse(readFileSync(join(dir, manifest[0]!.Config), 'utf8')) as { rootfs: { diff_ids: string[] } }
  return { tar, dir, layers: manifest[0]!.Layers.map((l) => join(dir, l)), diffIds: config.rootfs.diff_ids }
}

function expectDigestsMatch(img: AnalyzedImage, layers: string[]): void {
  expect(img.layers.length).toBe(layers.length)
  let checked = 0
  layers.forEach((layerTar, L) => {
    const truth = sha256sumOfLayer(layerTar)
    const ours = new Map<string, FileRow>()
    for (const r of fileRows(img, { layer: L })) if (r.type === 'file' || r.type === 'hardlink') ours.set(r.path, r)
    // Same set of paths (hard links extract as regular files), same digest for each.
    expect([...ours.keys()].sort()).toEqual([...truth.keys()].sort())
    for (const [path, hex] of truth) {
      expect(ours.get(path)?.sha256, path).toBe(`sha256:${hex}`)
      checked++
    }
  })
  expect(checked).toBeGreaterThanOrEqual(9)
}

beforeAll(async () => {
  await ensureBaseImage()
  const files = { 'lib.js': LIB, 'tool.sh': '#!/bin/sh\necho tool\n' }
  buildImage(V1, DOCKERFILE_V1, { ...files, 'app.conf': 'port=8080\nmode=blue\n' })
  buildImage(V2, DOCKERFILE_V2, { ...files, 'app.conf': 'port=9090\nmode=gold\n' })
  tmp = mkdtempSync(join(tmpdir(), 'ls-content-'))
  cacheDir = join(tmp, 'cache')
  engine = EngineClient.fromEnvironment()
  svc = new AnalysisService({ engine: () => engine, cacheDir })
}, 180_000)

afterAll(() => {
  removeTestImages('layerscope-test/content')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('content digests', () => {
  it('match sha256sum of the files GNU tar extracts, for the engine export and for an archive; layer tars hash to their diff IDs', async () => {
    const saved = saveAndUnpack(V1, 'v1')
    for (const [i, l] of saved.layers.entries()) {
      expect(`sha256:${execFileSync('sha256sum', [l], { encoding: 'utf8' }).slice(0, 64)}`).toBe(saved.diffIds[i])
    }
    const fromEngine = await svc.open({ kind: 'engine', ref: V1 }, { noCache: true })
    expectDigestsMatch(fromEngine, saved.layers)
    const fromArchive = await svc.open({ kind: 'archive', path: saved.tar }, { noCache: true })
    expectDigestsMatch(fromArchive, saved.layers)
    // And once more from the layer cache (format 2 keeps every digest).
    const writer = new AnalysisService({ engine: () => engine, cacheDir })
    await writer.open({ kind: 'engine', ref: V1 })
    await writer.flush()
    const svc2 = new AnalysisService({ engine: () => engine, cacheDir })
    const cached = await svc2.open({ kind: 'engine', ref: V1 })
    expect(cached.analysis.cachedLayers).toBe(saved.layers.length)
    expectDigestsMatch(cached, saved.layers)
  }, 180_000)

  it('finds duplicate files in the final filesystem, apart from waste', async () => {
    const img = await svc.open({ kind: 'engine', ref: V1 })
    const d = img.analysis.duplicates!
    const lib = d.groups.find((g) => g.paths.includes('/app/node_modules/a/lib.js'))!
    expect(lib).toMatchObject({ size: LIB.length, bytes: LIB.length, copies: 2, paths: ['/app/node_modules/a/lib.js', '/app/node_modules/b/lib.js'] })
    // The hard link /opt/data.hard is the same inode as /opt/data.bin: not a copy.
    expect(d.groups.some((g) => g.paths.includes('/opt/data.hard'))).toBe(false)
    expect(d.bytes).toBe(d.groups.reduce((s, g) => s + g.bytes, 0))
  }, 120_000)

  it('compare sees a same-size edit, a mode-only change and a move', async () => {
    const cmp = new CompareService(() => svc)
    const c = await cmp.open({ kind: 'engine', ref: V1 }, { kind: 'engine', ref: V2 })
    expect(c.files.changed).toMatchObject({ count: 1, sameSize: 1, bytes: 0 })
    expect(c.files.metadata).toMatchObject({ count: 1 })
    expect(c.files.moved!.paths).toEqual([expect.objectContaining({ from: '/opt/data.bin', to: '/srv/data.bin', bytes: 65536 })])
    // The hard link and the symlink were removed, nothing was added but the move.
    expect(c.files.added.count).toBe(0)
    expect(c.files.removed.count).toBe(2)
    expect(c.sentence).toContain('1 file changed content at the same size (/etc/app.conf)')
    expect(c.sentence).toContain('1 file moved (/opt/data.bin -> /srv/data.bin)')
    expect(c.sentence).toContain('1 file changed only mode or owner (/usr/bin/tool.sh)')
  }, 180_000)

  it('refuses an archive whose layer does not hash to its diff ID, by name, and caches nothing', async () => {
    const saved = saveAndUnpack(V1, 'tampered')
    // Same tar format, one more file: a layer that claims to be what it is not.
    const victim = saved.layers[saved.layers.length - 1]!
    execFileSync('sh', ['-c', `echo evil > ${join(tmp, 'evil')} && tar -rf ${victim} -C ${tmp} evil`])
    const bad = join(tmp, 'tampered-repacked.tar')
    execFileSync('tar', ['-cf', bad, '-C', saved.dir, '.'])
    const fresh = join(tmp, 'fresh-cache')
    const s = new AnalysisService({ engine: () => engine, cacheDir: fresh })
    const rel = victim.slice(saved.dir.length + 1)
    await expect(s.open({ kind: 'archive', path: bad })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringMatching(new RegExp(`layer ${saved.layers.length} \\(${rel.replace(/[.]/g, '\\.')}\\) is not the layer its config claims`))
    })
    await s.flush()
    const layerDir = join(fresh, `v${CACHE_FORMAT}`, 'layers')
    expect(existsSync(layerDir) ? readdirSync(layerDir) : []).toEqual([])
  }, 180_000)

  it('layerscope files lists the final filesystem and one layer with sha256, as text and JSON', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', cacheDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    const j = cli(['files', V2, '/srv', '--json'])
    expect(j.status, j.stderr).toBe(0)
    const rows = JSON.parse(j.stdout) as FileRow[]
    const data = rows.find((r) => r.path === '/srv/data.bin')!
    expect(data).toMatchObject({ type: 'file', size: 65536, uid: 0, gid: 0 })
    expect(data.sha256).toMatch(/^sha256:[0-9a-f]{64}$/)
    const t = cli(['files', V2, '/usr/bin/tool.sh'])
    expect(t.status, t.stderr).toBe(0)
    expect(t.stdout).toMatch(/^-rwxr-xr-x 0\/0 +20 L\d+ +[0-9a-f]{64} \/usr\/bin\/tool\.sh\n$/)
    const layers = JSON.parse(cli(['files', V2, '--layer', '6', '--json']).stdout) as FileRow[]
    expect(layers.filter((r) => r.type === 'whiteout').map((r) => r.path).sort()).toEqual(['/opt/data.bin', '/opt/data.hard', '/opt/data.link'])
    const missing = cli(['files', V2, '/nope'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('/nope is not in the final filesystem')
  }, 120_000)
})
