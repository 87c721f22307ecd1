// The fuzzer: mutated real archives (scripts/fuzz/seeds.ts, scripts/fuzz/mutate.ts) read by
// the real reader and analysis in a worker process. Each case must be read or refused with a
// LayerscopeError other than INTERNAL, within a time and an RSS bound (the parent kills a
// worker that hangs or grows, records the case and starts a new worker). Reproducible: case N
// is always the same input; failing inputs are kept.
//   npm run fuzz -- --cases 1000            (CI: bounded count)
//   npm run fuzz -- --seconds 600           (as many as fit)
//   options: --timeout-ms 15000 --rss-mb 700 --from 0 --seeds DIR --keep-failures DIR --case N
import { fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface FuzzOptions {
  cases?: number
  seconds?: number
  from?: number
  timeoutMs?: number
  rssMb?: number
  seedsDir?: string
  failuresDir?: string
  log?: (line: string) => void
}

export interface CaseResult {
  id: number
  seed: string
  mutations: string[]
  outcome: string
  message?: string
  ms: number
}

export interface FuzzReport {
  cases: number
  seconds: number
  outcomes: Record<string, number>
  failures: CaseResult[]
  slowestMs: number
  peakRssMb: number
}

/** Failure outcomes: anything that is not "read" or a named error code other than INTERNAL. */
export function isFailure(outcome: string): boolean {
  return outcome === 'INTERNAL' || outcome.startsWith('crash') || outcome === 'hang' || outcome === 'rss' || outcome === 'leak' || outcome === 'untyped' || outcome === 'harness'
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** RSS of a process and its children (the zstd decoder runs as a child). */
function treeRss(pid: number): number {
  let sum = rssOf(pid)
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8')
      if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid) sum += rssOf(Number(d))
    } catch {
      // gone
    }
  }
  return sum
}

export async function runFuzz(o: FuzzOptions = {}): Promise<FuzzReport> {
  const log = o.log ?? ((l: string) => process.stdout.write(l + '\n'))
  const { ensureSeeds } = await import('./seeds')
  const seeds = await ensureSeeds(o.seedsDir ?? join(tmpdir(), 'layerscope-fuzz-seeds'))
  const timeoutMs = o.timeoutMs ?? 15_000
  const rssMb = o.rssMb ?? 700
  const work = mkdtempSync(join(tmpdir(), 'layerscope-fuzz-'))
  const deadline = o.seconds ? Date.now() + o.seconds * 1000 : Infinity
  const total = o.cases ?? (o.seconds ? Infinity : 100)
  const outcomes: Record<string, number> = {}
  const failures: CaseResult[] = []
  let slowest = 0
  let peakRss = 0
  let done = 0
  const started = Date.now()
  let worker: ChildProcess | null = null
  const self = fileURLToPath(import.meta.url)

  // The worker's last stderr lines explain a crash.
  let stderrTail = ''
  const spawnWorker = (): ChildProcess => {
    const w = fork(self, ['--worker', work, ...seeds], { execArgv: ['--import', 'tsx', '--max-old-space-size=512'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    stderrTail = ''
    w.stderr!.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString('utf8')).slice(-2000)
    })
    return w
  }

  const runCase = (id: number): Promise<CaseResult> =>
    new Promise((resolve) => {
      worker ??= spawnWorker()
      const w = worker
      const t0 = Date.now()
      let settled = false
      const finish = (r: CaseResult, kill: boolean): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        clearInterval(poll)
        w.off('message', onMsg)
        w.off('exit', onExit)
        if (kill) {
          w.kill('SIGKILL')
          worker = null
        }
        resolve(r)
      }
      const base = { id, seed: seeds[id % seeds.length]!.split('/').pop()!, mutations: [] as string[] }
      const onMsg = (m: CaseResult): void => finish({ ...m, ms: Date.now() - t0 }, false)
      const onExit = (code: number | null, sig: string | null): void => {
        worker = null
        // Let the last stderr bytes arrive before reporting.
        setTimeout(() => finish({ ...base, outcome: `crash(${code ?? sig})`, message: stderrTail, ms: Date.now() - t0 }, false), 50)
      }
      const timer = setTimeout(() => finish({ ...base, outcome: 'hang', message: `no answer in ${timeoutMs} ms`, ms: Date.now() - t0 }, true), timeoutMs)
      const poll = setInterval(() => {
        const rss = treeRss(w.pid!)
        peakRss = Math.max(peakRss, rss)
        if (rss > rssMb) finish({ ...base, outcome: 'rss', message: `${rss.toFixed(0)} MB > ${rssMb} MB`, ms: Date.now() - t0 }, true)
      }, 100)
      w.on('message', onMsg)
      w.on('exit', onExit)
      w.send({ id })
    })

  try {
    for (let id = o.from ?? 0; done < total && Date.now() < deadline; id++) {
      const r = await runCase(id)
      done++
      slowest = Math.max(slowest, r.ms)
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1
      if (isFailure(r.outcome)) {
        failures.push(r)
        log(`FAIL case ${r.id} (${r.seed}; ${r.mutations.join(', ')}): ${r.outcome} ${r.message ?? ''}`)
        if (o.failuresDir) {
          mkdirSync(o.failuresDir, { recursive: true })
          try {
            copyFileSync(join(work, `case-${r.id}.tar`), join(o.failuresDir, `case-${r.id}.tar`))
          } catch {
            // the worker died before writing it: the case number reproduces it
          }
        }
      }
      if (done % 250 === 0) log(`${done} cases, ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures.length} failures`)
    }
  } finally {
    ;(worker as ChildProcess | null)?.kill('SIGKILL')
    rmSync(work, { recursive: true, force: true })
  }
  return { cases: done, seconds: (Date.now() - started) / 1000, outcomes, failures, slowestMs: slowest, peakRssMb: peakRss }
}

// ---- worker ------------------------------------------------------------------------------

async function worker(work: string, seedPaths: string[]): Promise<void> {
  const { execFileSync } = await import('node:child_process')
  const { mutate, rng } = await import('./mutate')
  const { readImageFile } = await import('../../src/main/core/archive/image-reader')
  const { PathTable } = await import('../../src/main/core/model/path-table')
  const { LayerscopeError } = await import('../../src/main/core/errors')
  const { buildImage } = await import('../../src/main/core/analysis/image-model')
  const seeds = seedPaths.map((p) => readFileSync(p))
  const bigWindowZstd = execFileSync('sh', ['-c', 'head -c 100000 /dev/zero | zstd -q -c --long=31'])
  const childCount = (): number => {
    let n = 0
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue
      try {
        // Decoder processes only (tsx keeps an esbuild service as a child too).
        const st = readFileSync(`/proc/${d}/stat`, 'utf8')
        if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && st.includes('(zstd)')) n++
      } catch {
        // gone
      }
    }
    return n
  }
  process.on('message', (m: { id: number }) => {
    void (async () => {
      const id = m.id
      const seedIdx = id % seeds.length
      const applied: string[] = []
      let input: Buffer
      try {
        input = mutate(seeds[seedIdx]!, rng(id * 2654435761 + 1), { bigWindowZstd, depth: 0 }, applied)
      } catch (e) {
        process.send!({ id, seed: seedPaths[seedIdx]!.split('/').pop(), mutations: applied, outcome: 'harness', message: String(e), ms: 0 })
        return
      }
      const file = join(work, `case-${id}.tar`)
      writeFileSync(file, input)
      let outcome = 'read'
      let message: string | undefined
      try {
        const paths = new PathTable()
        const r = await readImageFile(file, { paths, label: `case ${id}` })
        buildImage({ key: 'fuzz', source: { kind: 'archive', path: file }, format: r.format, id: r.id, repoTags: r.repoTags, config: r.config, paths, layers: r.layers, cachedLayers: 0, elapsedMs: 0 })
      } catch (e) {
        if (e instanceof LayerscopeError) outcome = e.code
        else outcome = 'untyped'
        message = e instanceof Error ? `${e.message}${e instanceof LayerscopeError ? '' : `\n${e.stack ?? ''}`}`.slice(0, 2000) : String(e)
      }
      // No decoder process may outlive its case.
      // A killed decoder is reaped asynchronously; on a loaded machine that can take a moment.
      for (let i = 0; i < 80 && childCount() > 0; i++) await new Promise((res) => setTimeout(res, 25))
      if (childCount() > 0) {
        outcome = 'leak'
        message = 'a child process outlived the case'
      }
      if (!isFailure(outcome)) rmSync(file, { force: true })
      process.send!({ id, seed: seedPaths[seedIdx]!.split('/').pop(), mutations: applied, outcome, message, ms: 0 })
    })()
  })
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain && process.argv[2] === '--worker') {
  await worker(process.argv[3]!, process.argv.slice(4))
} else if (isMain) {
  const num = (n: string): number | undefined => (arg(n) === undefined ? undefined : Number(arg(n)))
  const one = num('--case')
  const report = await runFuzz({
    cases: one !== undefined ? 1 : num('--cases'),
    from: one ?? num('--from'),
    seconds: num('--seconds'),
    timeoutMs: num('--timeout-ms'),
    rssMb: num('--rss-mb'),
    seedsDir: arg('--seeds'),
    failuresDir: arg('--keep-failures') ?? join(process.cwd(), 'scripts/fuzz/failures')
  })
  const byOutcome = Object.entries(report.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  process.stdout.write(
    `${report.cases} cases in ${report.seconds.toFixed(0)} s (${(report.cases / report.seconds).toFixed(1)}/s): ${byOutcome}; slowest case ${report.slowestMs} ms; peak worker RSS ${report.peakRssMb.toFixed(0)} MB; ${report.failures.length} failures\n`
  )
  process.exit(report.failures.length ? 1 : 0)
}
