// Benchmark: comparing two ~1 GB images that share a base, when one side is already in the
// layer cache, against `docker save` of the uncached side alone (the export is the speed
// limit; compare should add little on top). Ratio measured in the same run. Target <= 1.15x.
//   npm run bench:compare [-- --base-mb 600 --side-mb 400 --clean]
// The images are built here (dd inside RUN): layerscope-test/compare-bench-*.
import { spawn } from 'node:child_process'
import { closeSync, cpSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBigPair, inspectImage } from '../../src/main/core/compare/testdata/compare-fixtures'
import { createBackend } from '../../src/main/api'
import { removeTestImages } from '../fixtures/base-image'
import { formatBytes, formatRatio } from '../../src/shared/format'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}

/** `docker save IMAGE > /dev/null`, timed (ms). */
function dockerSave(ref: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w')
    const t = performance.now()
    const p = spawn('docker', ['save', ref], { stdio: ['ignore', devnull, 'inherit'] })
    p.on('exit', (code) => {
      closeSync(devnull)
      if (code === 0) resolve(performance.now() - t)
      else reject(new Error(`docker save ${ref} failed (${code})`))
    })
  })
}

const ctx = { front: 'cli' as const, emit: () => undefined }
const backend = (cacheDir: string) => createBackend({ cacheDir, resourcesDir: join(process.cwd(), 'resources'), front: 'cli', version: 'bench' })

/** One comparison in a fresh backend on `cacheDir`, with the time spent per side (from progress events). */
async function compareOnce(cacheDir: string, a: string, b: string) {
  let peakRss = 0
  let firstB = 0
  let diffAt = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  const be = backend(cacheDir)
  const t = performance.now()
  const comparison = await be.dispatcher.invoke(
    'compare:open',
    { jobId: 'bench', a: { kind: 'engine', ref: a }, b: { kind: 'engine', ref: b } },
    {
      front: 'cli',
      emit: (_e, p) => {
        const side = (p as { side?: string; phase?: string }).side
        const phase = (p as { phase?: string }).phase
        if (side === 'b' && !firstB) firstB = performance.now()
        if (phase === 'diff') diffAt = performance.now()
      }
    }
  )
  const end = performance.now()
  clearInterval(sampler)
  await be.services.analysis().flush() // B's cache write happens after the answer; not timed
  return { comparison, ms: end - t, aMs: (firstB || end) - t, bMs: (diffAt || end) - (firstB || t), diffMs: end - (diffAt || end), peakRss }
}

async function main(): Promise<void> {
  const baseMB = arg('base-mb', 600)
  const sideMB = arg('side-mb', 400)
  console.log(`Building two images: a ${baseMB} MB shared base + ${sideMB} MB each (cached by the builder after the first run)…`)
  const { a, b } = await buildBigPair({ baseMB, sideMB })
  const ia = inspectImage(a)
  const ib = inspectImage(b)
  console.log(`A ${a}: ${formatBytes(ia.size)}, ${ia.layers.length} layers`)
  console.log(`B ${b}: ${formatBytes(ib.size)}, ${ib.layers.length} layers`)

  const cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-bench-compare-'))
  try {
    // A goes into the layer cache first (not timed): "one side is already cached".
    const t0 = performance.now()
    const warm = backend(join(cacheDir, 'cache'))
    await warm.dispatcher.invoke('analysis:open', { source: { kind: 'engine', ref: a } }, ctx)
    await warm.services.analysis().flush()
    console.log(`A analysed into the cache in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`)

    const seed = join(cacheDir, 'seed')
    cpSync(join(cacheDir, 'cache'), seed, { recursive: true })
    await dockerSave(b) // warm-up: the measurements then read a warm page cache

    // Interleaved rounds (the machine is shared: load comes and goes), each on a copy of the
    // cache holding only A, in a fresh backend (nothing in memory). The median ratio counts.
    const rounds = arg('rounds', 3)
    const ratios: number[] = []
    const overheads: number[] = []
    let last: Awaited<ReturnType<typeof compareOnce>> | undefined
    for (let r = 0; r < rounds; r++) {
      const save = await dockerSave(b)
      const dir = join(cacheDir, `round-${r}`)
      cpSync(seed, dir, { recursive: true })
      last = await compareOnce(dir, a, b)
      rmSync(dir, { recursive: true, force: true })
      // What compare adds on top of analysing B alone (same cache state: A only).
      cpSync(seed, dir, { recursive: true })
      const alone = backend(dir)
      const t = performance.now()
      await alone.dispatcher.invoke('analysis:open', { source: { kind: 'engine', ref: b } }, ctx)
      const aloneMs = performance.now() - t
      await alone.services.analysis().flush()
      rmSync(dir, { recursive: true, force: true })
      const ratio = last.ms / save
      ratios.push(ratio)
      overheads.push(last.ms / aloneMs)
      console.log(
        `round ${r + 1}: docker save B ${(save / 1000).toFixed(2)} s · compare ${(last.ms / 1000).toFixed(2)} s ` +
          `(A from cache ${(last.aMs / 1000).toFixed(2)} s, B ${(last.bMs / 1000).toFixed(2)} s, diff ${(last.diffMs / 1000).toFixed(2)} s) · ` +
          `analysis of B alone ${(aloneMs / 1000).toFixed(2)} s · ratio ${ratio.toFixed(3)}`
      )
    }
    const c = last!.comparison
    console.log(`  ${c.sharedLayers.length} shared layers, ${c.onlyA.length} only in A, ${c.onlyB.length} only in B; ${c.sentence}`)
    console.log(`  peak RSS ${formatBytes(last!.peakRss)}`)
    const sorted = [...ratios].sort((x, y) => x - y)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log('')
    const median2 = [...overheads].sort((x, y) => x - y)[Math.floor(overheads.length / 2)]!
    console.log(`compare / analysis of B alone (median): ${median2.toFixed(3)} (what compare adds to the analysis core)`)
    console.log(`RATIO compare / docker save of the uncached side (median of ${rounds}): ${median.toFixed(3)} (${formatRatio(median)}; best ${sorted[0]!.toFixed(3)}; target <= 1.15) ${median <= 1.15 ? 'OK' : 'OVER TARGET'}`)
  } finally {
    rmSync(cacheDir, { recursive: true, force: true })
    if (process.argv.includes('--clean')) removeTestImages('layerscope-test/compare-bench-')
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
