// Cache faults against real file systems and processes: a full tmpfs, a read-only mount,
// truncated and bit-flipped entries, two CLI processes writing the same layers at once, and
// fsync before rename seen with strace. The analysis always succeeds with the same numbers;
// the problem is said once. Mount tests need root (skipped with the reason otherwise).
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { CACHE_FORMAT } from './layer-cache'

const ROOT = resolve(__dirname, '../../../..')
const CLI = join(ROOT, 'src/main/cli/index.ts')
// An OCI layout folder: its layers are read from the cache when cached (archive files are always read).
const SAMPLE_TAR = join(ROOT, 'resources/samples/app-multi-stage.oci.tar')
let SAMPLE: string

let work: string
const mounts: string[] = []

function mountTmpfs(opts: string): string | null {
  const at = mkdtempSync(join(work, 'mnt-'))
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', at], { encoding: 'utf8' })
  if (r.status !== 0) return null
  mounts.push(at)
  return at
}

const canMount = ((): string | null => {
  const probe = mkdtempSync(join(tmpdir(), 'ls-mount-probe-'))
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' })
  if (r.status === 0) spawnSync('umount', [probe])
  rmSync(probe, { recursive: true, force: true })
  return r.status === 0 ? null : `mounting a tmpfs is not permitted here (${(r.stderr || r.error?.message || '').trim()}); run as root`
})()
if (canMount) console.warn(`layer-cache-faults: mount tests skipped: ${canMount}`)

interface Run {
  code: number | null
  out: string
  err: string
}

function cli(cacheDir: string, args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', cacheDir, ...args], { encoding: 'utf8', cwd: ROOT })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

function cliAsync(cacheDir: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CLI, '--cache-dir', cacheDir, ...args], { cwd: ROOT })
    let out = ''
    let err = ''
    p.stdout.on('data', (c: Buffer) => (out += c.toString()))
    p.stderr.on('data', (c: Buffer) => (err += c.toString()))
    p.on('close', (code) => done({ code, out, err }))
  })
}

/** The figures of an analysis that must not depend on the cache (timing and cache counts removed). */
function figures(json: string): Omit<ImageAnalysis, 'elapsedMs' | 'cachedLayers'> {
  const a = JSON.parse(json) as ImageAnalysis
  const { elapsedMs: _e, cachedLayers: _c, ...rest } = a
  return rest
}

function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name))
      else out.push(join(d, n.name))
    }
  }
  walk(dir)
  return out
}

const count = (text: string, needle: string): number => text.split(needle).length - 1

let reference: ReturnType<typeof figures>

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ls-cache-faults-'))
  const oci = join(work, 'oci')
  mkdirSync(oci)
  expect(spawnSync('tar', ['-xf', SAMPLE_TAR, '-C', oci]).status).toBe(0)
  SAMPLE = `archive:${oci}`
  const r = cli(join(work, 'reference-cache'), ['analyze', SAMPLE, '--json'])
  expect(r.code, r.err).toBe(0)
  reference = figures(r.out)
  expect(reference.layerBytes).toBeGreaterThan(0)
})

afterEach(() => {
  while (mounts.length) spawnSync('umount', ['-l', mounts.pop()!])
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('layer cache faults', () => {
  it.skipIf(canMount !== null)('disk full: the analysis succeeds uncached, says so once, leaves no temp file', () => {
    const mnt = mountTmpfs('size=64k')!
    // Leave about one page free: the image summary (~11 KB) cannot fit, some layer entries may.
    let filler = 0
    for (;;) {
      try {
        writeFileSync(join(mnt, `filler-${filler}`), Buffer.alloc(4096))
        filler++
      } catch {
        break
      }
    }
    rmSync(join(mnt, `filler-${filler - 1}`), { force: true })
    const cache = join(mnt, 'cache')
    const r = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(r.code, r.err).toBe(0)
    expect(figures(r.out)).toEqual(reference)
    expect(count(r.err, 'is full (no space left on the device)')).toBe(1)
    expect(r.err).toContain(`The layer cache at ${cache} is full`)
    expect(filesUnder(mnt).filter((f) => f.endsWith('.tmp'))).toEqual([])
    // Still correct the second time (whatever part of the cache did fit is used or rebuilt).
    const again = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(again.code, again.err).toBe(0)
    expect(figures(again.out)).toEqual(reference)
  })

  it.skipIf(canMount !== null)('read-only cache folder: the analysis succeeds uncached and says so once; a filled read-only cache is still read', () => {
    const ro = mountTmpfs('size=1m,ro')!
    const r = cli(ro, ['analyze', SAMPLE, '--json'])
    expect(r.code, r.err).toBe(0)
    expect(figures(r.out)).toEqual(reference)
    expect(count(r.err, 'cannot be written (read-only file system)')).toBe(1)
    expect(readdirSync(ro)).toEqual([])

    // A cache filled earlier and then mounted read-only is read without an export or a complaint.
    const rw = mountTmpfs('size=1m')!
    expect(cli(rw, ['analyze', SAMPLE, '--json']).code).toBe(0)
    expect(spawnSync('mount', ['-o', 'remount,ro', rw]).status).toBe(0)
    const cached = cli(rw, ['analyze', SAMPLE, '--json'])
    expect(cached.code, cached.err).toBe(0)
    expect(figures(cached.out)).toEqual(reference)
    expect((JSON.parse(cached.out) as ImageAnalysis).cachedLayers).toBe(reference.layers.length)
    expect(cached.err).not.toContain('layer cache')
  })

  it('truncated and corrupted entries are rebuilt, reported once, never give wrong numbers', () => {
    const cache = join(work, 'damaged')
    expect(cli(cache, ['analyze', SAMPLE, '--json']).code).toBe(0)
    const layers = readdirSync(join(cache, `v${CACHE_FORMAT}`, 'layers')).map((n) => join(cache, `v${CACHE_FORMAT}`, 'layers', n))
    const images = readdirSync(join(cache, `v${CACHE_FORMAT}`, 'images')).map((n) => join(cache, `v${CACHE_FORMAT}`, 'images', n))
    expect(layers.length).toBeGreaterThanOrEqual(2)
    // One layer cut in half, one with a flipped bit in its payload, the summary cut to its header.
    truncateSync(layers[0]!, Math.floor(statSync(layers[0]!).size / 2))
    const buf = readFileSync(layers[1]!)
    buf[buf.length - 3] = buf[buf.length - 3]! ^ 0x10
    writeFileSync(layers[1]!, buf)
    for (const f of images) truncateSync(f, 48)

    const r = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(r.code, r.err).toBe(0)
    expect(figures(r.out)).toEqual(reference)
    expect(count(r.err, 'A damaged layer cache entry')).toBe(1)
    // Rebuilt: later runs read the layers from the cache, intact.
    const next = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(next.code, next.err).toBe(0)
    expect(figures(next.out)).toEqual(reference)
    expect(next.err).not.toContain('damaged')
    // The retry after a damaged entry reads uncached and does not write (AnalysisService's
    // noCache retry), so the entries are whole again one run later.
    const last = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(figures(last.out)).toEqual(reference)
    expect((JSON.parse(last.out) as ImageAnalysis).cachedLayers).toBe(reference.layers.length)
  })

  it('two processes writing the same layers at once: both succeed, the cache is whole afterwards', async () => {
    const cache = join(work, 'shared')
    mkdirSync(cache)
    const runs = await Promise.all([cliAsync(cache, ['analyze', SAMPLE, '--json']), cliAsync(cache, ['analyze', SAMPLE, '--json'])])
    for (const r of runs) {
      expect(r.code, r.err).toBe(0)
      expect(figures(r.out)).toEqual(reference)
      expect(r.err).not.toContain('layer cache')
    }
    expect(filesUnder(cache).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const third = cli(cache, ['analyze', SAMPLE, '--json'])
    expect(figures(third.out)).toEqual(reference)
    expect((JSON.parse(third.out) as ImageAnalysis).cachedLayers).toBe(reference.layers.length)
  })

  it('many concurrent writers of one entry never expose a partial file to a reader', async () => {
    const cache = join(work, 'race')
    const script = join(work, 'race-writer.mts')
    writeFileSync(
      script,
      [
        `import { LayerCache } from ${JSON.stringify(join(ROOT, 'src/main/core/cache/layer-cache.ts'))}`,
        `import { LayerEntries } from ${JSON.stringify(join(ROOT, 'src/main/core/model/layer-entries.ts'))}`,
        `import { PathTable } from ${JSON.stringify(join(ROOT, 'src/main/core/model/path-table.ts'))}`,
        `const D = 'sha256:' + 'c'.repeat(64)`,
        `const problems: string[] = []`,
        `const cache = new LayerCache(process.argv[2]!, { onProblem: (p) => problems.push(p.message) })`,
        `const paths = new PathTable()`,
        `const e = new LayerEntries(paths)`,
        // Every regular file carries its content digest, as the layer pipeline records it.
        `const digest = new Uint8Array(32).fill(7)`,
        `for (let i = 0; i < 20000; i++) { const k = e.push(paths.intern('dir/file-' + i), 0, 0, i, 0o644, 0, 0, 1); e.setDigest(e.allocDigest(k), digest) }`,
        `let bad = 0`,
        `for (let round = 0; round < 25; round++) {`,
        `  if (!(await cache.saveLayer(D, e))) bad++`,
        `  const back = cache.loadLayer(D, new PathTable())`,
        `  if (!back || back.count !== 20000 || back.size[19999] !== 19999) bad++`,
        `}`,
        `process.stdout.write(JSON.stringify({ bad, problems }))`
      ].join('\n')
    )
    const run = (): Promise<Run> =>
      new Promise((done) => {
        const p = spawn(process.execPath, ['--import', 'tsx', script, cache], { cwd: ROOT })
        let out = ''
        let err = ''
        p.stdout.on('data', (c: Buffer) => (out += c.toString()))
        p.stderr.on('data', (c: Buffer) => (err += c.toString()))
        p.on('close', (code) => done({ code, out, err }))
      })
    const results = await Promise.all([run(), run()])
    for (const r of results) {
      expect(r.code, r.err).toBe(0)
      expect(JSON.parse(r.out)).toEqual({ bad: 0, problems: [] })
    }
    expect(readdirSync(join(cache, `v${CACHE_FORMAT}`, 'layers'))).toEqual([`${'c'.repeat(64)}.lsl`])
  })

  it('fsyncs the file before the rename and the folder after it (strace)', () => {
    const probe = spawnSync('strace', ['-V'], { encoding: 'utf8' })
    if (probe.status !== 0) return void console.warn('strace is not installed: fsync order not checked')
    const target = join(work, 'durable', 'report.json')
    mkdirSync(join(work, 'durable'))
    const script = join(work, 'durable-writer.mts')
    writeFileSync(
      script,
      `import { writeFileAtomic } from ${JSON.stringify(join(ROOT, 'src/main/core/report/atomic-write.ts'))}\nawait writeFileAtomic(process.argv[2]!, 'x'.repeat(5000))\n`
    )
    const log = join(work, 'strace.log')
    const r = spawnSync('strace', ['-f', '-qq', '-o', log, '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2', process.execPath, '--import', 'tsx', script, target], {
      encoding: 'utf8',
      cwd: ROOT
    })
    expect(r.status, r.stderr).toBe(0)
    const lines = readFileSync(log, 'utf8').split('\n')
    const tmpOpen = lines.findIndex((l) => /openat\(.*\.report\.json\.\d+\.[a-f0-9]+\.tmp"/.test(l))
    expect(tmpOpen).toBeGreaterThanOrEqual(0)
    const fd = /= (\d+)\s*$/.exec(lines[tmpOpen]!)![1]
    const fileSync = lines.findIndex((l, i) => i > tmpOpen && new RegExp(`f(data)?sync\\(${fd}\\)`).test(l))
    const renameAt = lines.findIndex((l) => /rename(at2?)?\(.*report\.json\.\d+\.[a-f0-9]+\.tmp".*report\.json"/.test(l))
    const dirOpen = lines.findIndex((l, i) => i > renameAt && l.includes(`"${join(work, 'durable')}"`) && /= \d+\s*$/.test(l))
    expect(fileSync).toBeGreaterThan(tmpOpen)
    expect(renameAt).toBeGreaterThan(fileSync)
    expect(dirOpen).toBeGreaterThan(renameAt)
    const dirFd = /= (\d+)\s*$/.exec(lines[dirOpen]!)![1]
    expect(lines.findIndex((l, i) => i > dirOpen && new RegExp(`f(data)?sync\\(${dirFd}\\)`).test(l))).toBeGreaterThan(dirOpen)
    expect(readFileSync(target, 'utf8')).toBe('x'.repeat(5000))
  })
})
