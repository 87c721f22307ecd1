// Benchmark: first analysis vs `docker save IMAGE > /dev/null`, cached re-open vs first, and
// peak RSS of the analysing process. Ratios are measured in the same run; no fixed times.
//   npm run bench:analyze -- IMAGE [IMAGE...]
//   npm run bench:analyze -- --build-100k --build-1g [--keep]
// The analysis runs in a child process (fresh cache dir) so its maxRSS is its own.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, imageExists } from '../fixtures/base-image'

const IMG_100K = 'layerscope-test/bench-100k:1'
const IMG_1G = 'layerscope-test/bench-1g:1'

// 100 dirs x 1000 files, written by busybox sh inside RUN (no downloads).
const DOCKERFILE_100K = `FROM ${BASE_IMAGE}
RUN for d in $(seq 1 50); do mkdir -p /data/d$d; for f in $(seq 1 1000); do echo "$d $f" > /data/d$d/file-$f.txt; done; done
RUN for d in $(seq 51 100); do mkdir -p /data/d$d; for f in $(seq 1 1000); do echo "$d $f" > /data/d$d/file-$f.txt; done; done
RUN rm -r /data/d100 && chmod -R 600 /data/d99
`
// ~1 GB of layer content: big files, one deleted later (waste), plus a few thousand small ones.
const DOCKERFILE_1G = `FROM ${BASE_IMAGE}
RUN dd if=/dev/zero of=/a.bin bs=1M count=256 && dd if=/dev/zero of=/b.bin bs=1M count=256
RUN dd if=/dev/zero of=/c.bin bs=1M count=256 && mkdir /small && for i in $(seq 1 3000); do echo $i > /small/f$i; done
RUN rm /a.bin && dd if=/dev/zero of=/d.bin bs=1M count=256
`

interface ChildResult {
  ms: number
  maxRssMb: number
  baseRssMb: number
  exports: number
  files: number
  entries: number
  layerBytes: number
  cachedLayers: number
}

function child(image: string, cacheDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', image, cacheDir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child failed (${code}): ${out}`))))
  })
}

async function runChild(image: string, cacheDir: string): Promise<void> {
  const { AnalysisService } = await import('../../src/main/core/analysis/analysis-service')
  const { EngineClient } = await import('../../src/main/core/engine/engine-client')
  const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), cacheDir })
  global.gc?.()
  const baseRss = process.memoryUsage().rss
  const t = performance.now()
  const img = await svc.open({ kind: 'engine', ref: image })
  const ms = performance.now() - t
  const a = img.analysis
  const r: ChildResult = {
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baseRssMb: baseRss / 1024 / 1024,
    exports: svc.exports,
    files: a.final.files,
    entries: a.layers.reduce((s, l) => s + l.entries, 0),
    layerBytes: a.layerBytes,
    cachedLayers: a.cachedLayers
  }
  process.stdout.write(JSON.stringify(r))
}

function timeSave(image: string): number {
  const t = performance.now()
  const r = spawnSync('sh', ['-c', `docker save "$1" > /dev/null`, 'sh', image], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`docker save ${image} failed`)
  return performance.now() - t
}

async function bench(image: string): Promise<void> {
  const size = Number(docker(['image', 'inspect', '--format', '{{.Size}}', image]).trim())
  const cacheDir = mkdtempSync(join(tmpdir(), 'ls-bench-cache-'))
  try {
    timeSave(image) // warm the engine's page cache so both sides read from memory
    const save = timeSave(image)
    const first = await child(image, cacheDir)
    const save2 = timeSave(image)
    const again = await child(image, cacheDir)
    const saveMs = (save + save2) / 2
    const mb = (ms: number): string => `${(size / 1e6 / (ms / 1000)).toFixed(0)} MB/s`
    console.log(`\n${image}: ${(size / 1e6).toFixed(1)} MB (inspect .Size), ${first.entries.toLocaleString('en')} entries, ${first.files.toLocaleString('en')} final files`)
    console.log(`  docker save > /dev/null   ${saveMs.toFixed(0)} ms (${mb(saveMs)}; runs: ${save.toFixed(0)}, ${save2.toFixed(0)})`)
    console.log(`  first analysis            ${first.ms.toFixed(0)} ms (${mb(first.ms)})   ratio ${(first.ms / saveMs).toFixed(2)}x   [target <= 1.10x]`)
    console.log(`  cached re-open            ${again.ms.toFixed(0)} ms, exports: ${again.exports}, cached layers: ${again.cachedLayers}   ratio ${(again.ms / first.ms).toFixed(3)}x of first   [target <= 0.05x]`)
    console.log(`  peak RSS (first)          ${first.maxRssMb.toFixed(0)} MB (process before open: ${first.baseRssMb.toFixed(0)} MB)   [target <= 150 MB at 100k files]`)
    console.log(`  peak RSS (re-open)        ${again.maxRssMb.toFixed(0)} MB`)
  } finally {
    rmSync(cacheDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') return runChild(args[1]!, args[2]!)
  const images = args.filter((a) => !a.startsWith('--'))
  const built: string[] = []
  if (args.includes('--build-100k') || args.includes('--build-1g')) await ensureBaseImage()
  for (const [flag, tag, df] of [
    ['--build-100k', IMG_100K, DOCKERFILE_100K],
    ['--build-1g', IMG_1G, DOCKERFILE_1G]
  ] as const) {
    if (!args.includes(flag)) continue
    if (!imageExists(tag)) {
      const t = performance.now()
      console.log(`building ${tag} ...`)
      buildImage(tag, df)
      console.log(`  built in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    }
    images.push(tag)
    built.push(tag)
  }
  if (images.length === 0) {
    console.error('usage: npm run bench:analyze -- IMAGE [IMAGE...] | --build-100k | --build-1g [--keep]')
    process.exit(2)
  }
  for (const img of images) await bench(img)
  if (built.length > 0 && !args.includes('--keep')) execFileSync('docker', ['rmi', ...built], { stdio: 'ignore' })
}

await main()
