// The measured side of scripts/bench/analyze.ts: opens one engine image (or a generated
// archive of N entries) and prints timings and memory as JSON. Bundled to plain JS first,
// so its RSS is the product's, not tsx's.
import { Readable } from 'node:stream'
import { AnalysisService } from '../../src/main/core/analysis/analysis-service'
import { buildImage } from '../../src/main/core/analysis/image-model'
import { PathTable } from '../../src/main/core/model/path-table'
import { readImageStream } from '../../src/main/core/archive/image-reader'
import { makeTar } from '../../src/main/core/archive/testdata/tar-writer'
import { EngineClient } from '../../src/main/core/engine/engine-client'

async function engineRun(image: string, cacheDir: string): Promise<void> {
  const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), cacheDir })
  const baseRss = process.memoryUsage().rss
  const c0 = process.cpuUsage()
  const t = performance.now()
  // Where the time goes: until the read starts (inspect), the first and last export byte, the model.
  const phases: Record<string, number> = {}
  const img = await svc.open(
    { kind: 'engine', ref: image },
    {
      onProgress: (p) => {
        const at = performance.now() - t
        if (p.phase === 'export' && p.bytesDone > 0) {
          if (phases.firstByte === undefined) {
            const c = process.cpuUsage(c0)
            phases.cpuBeforeFirstByte = (c.user + c.system) / 1000
          }
          phases.firstByte ??= at
          phases.lastByte = at
        } else phases[p.phase] ??= at
      }
    }
  )
  const ms = performance.now() - t
  const cpu = process.cpuUsage(c0)
  // The cache is written after the answer; its memory counts too.
  await svc.flush()
  const a = img.analysis
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      phases,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      baseRssMb: baseRss / 1024 / 1024,
      exports: svc.exports,
      files: a.final.files,
      entries: a.layers.reduce((s, l) => s + l.entries, 0),
      layerBytes: a.layerBytes,
      cachedLayers: a.cachedLayers
    })
  )
}

/**
 * A docker-archive stream generated on the fly: one layer of `n` files (1000 per directory,
 * 100 bytes each) and a second layer deleting a tenth of the directories.
 */
function syntheticSave(n: number): Readable {
  const dirs = Math.ceil(n / 1000)
  const dirName = (d: number): string => `usr/share/generated/dir-${String(d).padStart(5, '0')}`
  const layer1Size = dirs * 512 + n * 1024 + 1024
  const layer2 = makeTar(Array.from({ length: Math.floor(dirs / 10) }, (_, i) => ({ path: `usr/share/generated/.wh.dir-${String(i * 10).padStart(5, '0')}` })))
  const diff = (c: string): string => `sha256:${c.repeat(64)}`
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [diff('1'), diff('2')] }, history: [{ created_by: 'gen' }, { created_by: 'rm' }] }))
  const manifest = Buffer.from(JSON.stringify([{ Config: `${'c'.repeat(64)}.json`, RepoTags: ['synthetic:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]))
  /** A ustar header announcing `size` bytes (made by the test writer, size patched in). */
  function headerOnly(name: string, size: number): Buffer {
    const withContent = makeTar([{ path: name, size: Math.min(size, 1) }], { noEnd: true })
    const h = Buffer.from(withContent.subarray(0, 512))
    h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
    h.write('        ', 148, 'latin1')
    let sum = 0
    for (let i = 0; i < 512; i++) sum += h[i]!
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
    return h
  }
  const pad = (len: number): Buffer => Buffer.alloc((512 - (len % 512)) % 512)
  function* gen(): Generator<Buffer> {
    yield headerOnly('l1/layer.tar', layer1Size)
    let left = n
    for (let d = 0; d < dirs; d++) {
      const count = Math.min(1000, left)
      left -= count
      const entries = [{ path: dirName(d), type: 'dir' as const }, ...Array.from({ length: count }, (_, f) => ({ path: `${dirName(d)}/file-${f}.dat`, size: 100 }))]
      yield makeTar(entries, { noEnd: true })
    }
    yield Buffer.alloc(1024)
    yield pad(layer1Size)
    yield headerOnly('l2/layer.tar', layer2.length)
    yield layer2
    yield pad(layer2.length)
    yield headerOnly(`${'c'.repeat(64)}.json`, config.length)
    yield config
    yield pad(config.length)
    yield headerOnly('manifest.json', manifest.length)
    yield manifest
    yield pad(manifest.length)
    yield Buffer.alloc(1024)
  }
  return Readable.from(gen(), { objectMode: false })
}

async function syntheticRun(n: number): Promise<void> {
  const baseRss = process.memoryUsage().rss
  const t = performance.now()
  const paths = new PathTable()
  let bytes = 0
  const read = await readImageStream(syntheticSave(n), { paths, label: 'synthetic', onBytes: (b) => (bytes = b) })
  const img = buildImage({
    key: 'synthetic',
    source: { kind: 'archive', path: 'synthetic' },
    format: read.format,
    id: read.id,
    repoTags: read.repoTags,
    config: read.config,
    paths,
    layers: read.layers,
    cachedLayers: 0,
    elapsedMs: 0
  })
  const tree = img.tree(null, 'stacked', '/usr/share/generated', 'size', 0, 100)
  const ms = performance.now() - t
  process.stdout.write(
    JSON.stringify({
      ms,
      bytes,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      baseRssMb: baseRss / 1024 / 1024,
      entries: img.analysis.layers.reduce((s, l) => s + l.entries, 0),
      finalFiles: img.analysis.final.files,
      wastePaths: img.analysis.waste.pathCount,
      dirsShown: tree.total
    })
  )
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--synthetic') return syntheticRun(Number(args[1]))
  return engineRun(args[0]!, args[1]!)
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
