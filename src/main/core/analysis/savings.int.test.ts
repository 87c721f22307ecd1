// Savings candidates on a real image: every candidate's bytes, files and layers are checked
// against an independent stacking of GNU tar's listings of the `docker save` layers; the
// cached re-open carries the same savings, and a cached summary from before the savings
// rules is recomputed instead of shown without them.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { listTar } from '../../../../scripts/fixtures/tar-listing'
import { formatBytes, formatExactBytes } from '../../../shared/format'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { analyzeText } from '../../cli/commands/analyze'
import { EngineClient } from '../engine/engine-client'
import { AnalysisService } from './analysis-service'

const IMG = 'layerscope-test/savings-int:1'
const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN mkdir -p /var/lib/apt/lists /usr/share/doc/pkg /usr/include /usr/lib /root/.cache/pip/http /var/cache/apk && dd if=/dev/zero of=/var/lib/apt/lists/x bs=1k count=200 && dd if=/dev/zero of=/usr/share/doc/pkg/README bs=1k count=50 && dd if=/dev/zero of=/usr/include/foo.h bs=1k count=3 && dd if=/dev/zero of=/usr/lib/libfoo.a bs=1k count=30 && dd if=/dev/zero of=/root/.cache/pip/http/blob bs=1k count=40 && echo tiny > /var/cache/apk/APKINDEX
COPY files/ /tmp/
RUN dd if=/dev/zero of="/var/lib/apt/lists/deb.example_dists_x y ü" bs=1k count=10 && rm /tmp/gone.bin
`
const FILES = {
  'files/left.bin': Buffer.alloc(20_000, 1),
  'files/gone.bin': Buffer.alloc(9_000, 2)
}

let tmp: string
let cacheDir: string
let svc: AnalysisService
let engine: EngineClient
let first: ImageAnalysis
/** The final filesystem by an independent stacking of the saved layer tars: path -> {size, layer}. */
const finalFiles = new Map<string, { size: number; layer: number }>()

function stackTarListings(saved: string): void {
  const x = join(tmp, 'x')
  execFileSync('mkdir', ['-p', x])
  execFileSync('tar', ['-xf', saved, '-C', x])
  const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
  manifest[0]!.Layers.forEach((lf, layer) => {
    for (const e of listTar(join(x, lf))) {
      const name = e.name.replace(/^\.?\//, '').replace(/\/$/, '')
      const base = name.slice(name.lastIndexOf('/') + 1)
      if (base.startsWith('.wh.')) {
        const dir = name.slice(0, name.lastIndexOf('/') + 1)
        const gone = dir + base.slice(4)
        for (const k of [...finalFiles.keys()]) if (k === gone || k.startsWith(`${gone}/`) || (base === '.wh..wh..opq' && k.startsWith(dir))) finalFiles.delete(k)
        continue
      }
      if (e.type === '-') finalFiles.set(name, { size: e.size, layer })
      else finalFiles.delete(name)
    }
  })
}

/** Bytes, files and per-layer bytes of the final files under a prefix, by the tar listings. */
function expected(prefix: string): { bytes: number; files: number; layers: Record<number, number> } {
  let bytes = 0
  let files = 0
  const layers: Record<number, number> = {}
  for (const [p, f] of finalFiles) {
    if (!p.startsWith(prefix)) continue
    bytes += f.size
    files++
    layers[f.layer] = (layers[f.layer] ?? 0) + f.size
  }
  return { bytes, files, layers }
}

function candidate(a: ImageAnalysis, id: string): { bytes: number; files: number; layers: Record<number, number> } | undefined {
  const c = a.savings?.candidates.find((x) => x.id === id)
  return c && { bytes: c.bytes, files: c.files, layers: Object.fromEntries(c.layers.map((l) => [l.layerIndex, l.bytes])) }
}

beforeAll(async () => {
  await ensureBaseImage()
  buildImage(IMG, DOCKERFILE, FILES)
  tmp = mkdtempSync(join(tmpdir(), 'ls-savings-int-'))
  cacheDir = join(tmp, 'cache')
  const saved = join(tmp, 'saved.tar')
  docker(['save', '-o', saved, IMG])
  stackTarListings(saved)
  engine = EngineClient.fromEnvironment()
  svc = new AnalysisService({ engine: () => engine, cacheDir })
  first = (await svc.open({ kind: 'engine', ref: IMG })).analysis
  await svc.flush()
})

afterAll(() => {
  removeTestImages('layerscope-test/savings-')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('savings on a real image', () => {
  it('measures each candidate exactly as the tar listings of `docker save` say', () => {
    const apt = expected('var/lib/apt/lists/')
    expect(apt.bytes).toBe(210 * 1024)
    expect(apt.layers).toEqual({ 1: 200 * 1024, 3: 10 * 1024 })
    expect(candidate(first, 'apt-lists')).toEqual(apt)
    expect(candidate(first, 'docs')).toEqual(expected('usr/share/doc/'))
    expect(candidate(first, 'headers')).toEqual(expected('usr/include/'))
    expect(candidate(first, 'static-libs')).toEqual(expected('usr/lib/libfoo.a'))
    expect(candidate(first, 'pip-cache')).toEqual(expected('root/.cache/pip/'))
    // /tmp keeps left.bin (COPY layer 2); gone.bin was deleted and counts as hidden instead.
    expect(candidate(first, 'tmp')).toEqual({ bytes: 20_000, files: 1, layers: { 2: 20_000 } })
    expect(expected('tmp/')).toEqual({ bytes: 20_000, files: 1, layers: { 2: 20_000 } })
    // Under 1 kB: measured but not listed.
    expect(candidate(first, 'apk-cache')).toBeUndefined()
  })

  it('adds the waste as one candidate and totals without double counting', () => {
    const s = first.savings!
    expect(candidate(first, 'hidden')).toEqual({ bytes: first.waste.bytes, files: first.waste.pathCount, layers: { 2: 9_000 } })
    expect(first.waste.bytes).toBe(9_000)
    const ids = s.candidates.map((c) => c.id)
    expect(ids).toEqual(['apt-lists', 'docs', 'pip-cache', 'static-libs', 'tmp', 'hidden', 'headers'])
    expect(s.bytes).toBe(s.candidates.reduce((a, c) => a + c.bytes, 0))
    expect(s.bytes).toBe(210 * 1024 + 50 * 1024 + 40 * 1024 + 30 * 1024 + 20_000 + 9_000 + 3 * 1024)
    expect(s.afterBytes).toBe(first.layerBytes - s.bytes)
    const apt = s.candidates[0]!
    expect(apt.paths).toEqual([
      { path: '/var/lib/apt/lists/x', bytes: 200 * 1024, layerIndex: 1 },
      { path: '/var/lib/apt/lists/deb.example_dists_x y ü', bytes: 10 * 1024, layerIndex: 3 }
    ])
  })

  it('prints a "Could save" section in the analyze text', () => {
    const text = analyzeText(first)
    expect(text).toContain(`Could save ${formatBytes(first.savings!.bytes)} (${formatExactBytes(first.savings!.bytes)})`)
    expect(first.savings!.bytes).toBe(369_992)
    expect(text).toMatch(/215 kB {2}apt package lists \(\/var\/lib\/apt\/lists\) — 2 files, added by layer 1, layer 3/)
    expect(text).toContain('rm -rf /var/lib/apt/lists/*')
  })

  it('carries the same savings through a cached re-open, and recomputes a summary stored without them', async () => {
    const again = new AnalysisService({ engine: () => engine, cacheDir })
    const cached = (await again.open({ kind: 'engine', ref: IMG })).analysis
    expect(cached.format).toBe('cache')
    expect(cached.savings).toEqual(first.savings)

    // A summary written before savings existed: re-opening must rebuild it from the layers.
    const stored = again.cache.loadImage(first.image.id)!
    delete stored.analysis!.savings
    await again.cache.saveImage(stored)
    const old = new AnalysisService({ engine: () => engine, cacheDir })
    const rebuilt = (await old.open({ kind: 'engine', ref: IMG })).analysis
    expect(rebuilt.savings).toEqual(first.savings)
    expect(old.exports).toBe(0) // from the cached layers, no export
    await old.flush()
    expect(old.cache.loadImage(first.image.id)!.analysis!.savings).toEqual(first.savings)
  })
})
