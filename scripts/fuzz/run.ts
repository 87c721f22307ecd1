// The fuzzer: mutated real archives (scripts/fuzz/seeds.ts, scripts/fuzz/mutate.ts) read by
// the real reader and analysis in a worker process. Each case must be read or refused with a
// LayerscopeError other than INTERNAL, within a time and an RSS bound (the parent kills a
// worker that hangs or grows, records the case and starts a new worker). Reproducible: case N
// is always the same input; failing inputs are kept.
//   npm run fuzz -- --cases 1000            (CI: bounded count)
//   npm run fuzz -- --seconds 600           (as many as fit)
//   npm run fuzz -- --cases 100000 --workers 2 --report /work/fuzz-long/report.json
//   options: --timeout-ms 15000 (CPU ms per case) --wall-timeout-ms 60000 --rss-mb 700 --from 0 --seeds DIR --keep-failures DIR --case N
//            --workers N (default 2) --node PATH (the workers' runtime, e.g. a Node 22 binary)
//            --report FILE (JSON figures, rewritten every 1,000 cases and at the end)
import { fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface FuzzOptions {
  cases?: number
  seconds?: number
  from?: number
  /** CPU time (worker and its decoder processes) one case may take, in ms (default 15,000). */
  timeoutMs?: number
  /**
   * Wall-clock time one case may spend neither computing nor waiting for a CPU (default 4x
   * timeoutMs, at least 60 s): catches a case that blocks (a FIFO, a lost callback). Time spent
   * runnable but waiting for a CPU does not count: a niced run on a busy machine waits a lot,
   * which says something about the machine, not the case. A case also ends after 10x this in
   * plain wall time, whatever the reason.
   */
  wallTimeoutMs?: number
  rssMb?: number
  /** Worker processes running cases side by side (default 2). */
  workers?: number
  /** The runtime of the workers (default: this Node), e.g. a Node 22 binary for its zlib zstd. */
  node?: string
  seedsDir?: string
  failuresDir?: string
  /** A JSON file rewritten with the figures so far every 1,000 cases and at the end. */
  reportFile?: string
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
  /** The most CPU time one case took (worker + decoders), in ms. */
  slowestCpuMs: number
  peakRssMb: number
  workers: number
  /** Workers started: one per slot, plus one after each killed or crashed worker. */
  workerStarts: number
  node: string
  done: boolean
}

/** Failure outcomes: anything that is not "read" or a named error code other than INTERNAL. */
export function isFailure(outcome: string): boolean {
  return outcome === 'INTERNAL' || outcome.startsWith('crash') || outcome === 'hang' || outcome === 'rss' || outcome === 'leak' || outcome === 'untyped' || outcome === 'harness'
}

const TICK_MS = 10 // Linux USER_HZ is 100

/** CPU time a process used, its reaped children included, in ms (/proc/PID/stat). */
function cpuOf(pid: number): number {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ')
    // utime, stime, cutime, cstime: fields 14-17, i.e. 11-14 after the state field.
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS
  } catch {
    return 0
  }
}

/** CPU time of a process, its reaped children and its live ones. */
function treeCpu(pid: number): number {
  let sum = cpuOf(pid)
  for (const c of childPids(pid)) sum += cpuOf(c)
  return sum
}

/**
 * ms the threads of a process (the libuv pool too: the main thread may be waiting for one of
 * them) spent runnable but waiting for a CPU (/proc/PID/task/TID/schedstat, second field).
 */
function runQueueWaitMs(pid: number | 'self'): number {
  let sum = 0
  let tasks: string[] = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return 0
  }
  for (const t of tasks) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]) / 1e6
    } catch {
      // the thread ended
    }
  }
  return sum
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** Child pids of a process, from /proc/PID/task/TID/children (no scan of every process). */
export function childPids(pid: number | 'self'): number[] {
  const out: number[] = []
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c))
    } catch {
      // the thread ended
    }
  }
  return out
}

/** RSS of a process and its children (the zstd decoder runs as a child), in MB. */
function treeRss(pid: number): number {
  let sum = rssOf(pid)
  for (const c of childPids(pid)) sum += rssOf(c)
  return sum
}

/** Shared memory when the machine has it: the case files are written and read there, not on disk. */
function workRoot(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm'
  } catch {
    // no /dev/shm
  }
  return tmpdir()
}

export async function runFuzz(o: FuzzOptions = {}): Promise<FuzzReport> {
  const log = o.log ?? ((l: string) => process.stdout.write(l + '\n'))
  const { ensureSeeds } = await import('./seeds')
  const seeds = await ensureSeeds(o.seedsDir ?? join(tmpdir(), 'layerscope-fuzz-seeds'))
  const timeoutMs = o.timeoutMs ?? 15_000
  const wallTimeoutMs = o.wallTimeoutMs ?? Math.max(60_000, 4 * timeoutMs)
  const rssMb = o.rssMb ?? 700
  const nWorkers = Math.max(1, o.workers ?? 2)
  const node = o.node ?? process.execPath
  const work = mkdtempSync(join(workRoot(), 'layerscope-fuzz-'))
  const deadline = o.seconds ? Date.now() + o.seconds * 1000 : Infinity
  const total = o.cases ?? (o.seconds ? Infinity : 100)
  const outcomes: Record<string, number> = {}
  const failures: CaseResult[] = []
  let slowest = 0
  let slowestCpu = 0
  let peakRss = 0
  let done = 0
  let starts = 0
  const started = Date.now()
  const self = fileURLToPath(import.meta.url)
  let nextId = o.from ?? 0
  let issued = 0

  const report = (final: boolean): FuzzReport => ({
    cases: done,
    seconds: (Date.now() - started) / 1000,
    outcomes,
    failures,
    slowestMs: slowest,
    slowestCpuMs: slowestCpu,
    peakRssMb: peakRss,
    workers: nWorkers,
    workerStarts: starts,
    node,
    done: final
  })
  const writeReport = (final: boolean): void => {
    if (!o.reportFile) return
    const tmp = `${o.reportFile}.tmp`
    writeFileSync(tmp, JSON.stringify(report(final), null, 1) + '\n')
    renameSync(tmp, o.reportFile)
  }

  /** One slot: a worker process (restarted after a kill or crash) running cases one at a time. */
  const slot = async (): Promise<void> => {
    let worker: ChildProcess | null = null
    // The worker's last stderr lines explain a crash.
    let stderrTail = ''
    const spawnWorker = (): ChildProcess => {
      starts++
      const w = fork(self, ['--worker', work, ...seeds], {
        execPath: node,
        execArgv: ['--import', 'tsx', '--max-old-space-size=512'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc']
      })
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
        const onExit = (code: number | null, sig: string | null): void => {
          worker = null
          // Let the last stderr bytes arrive before reporting.
          setTimeout(() => finish({ ...base, outcome: `crash(${code ?? sig})`, message: stderrTail, ms: Date.now() - t0 }, false), 50)
        }
        const timer = setTimeout(() => finish({ ...base, outcome: 'hang', message: `no answer in ${10 * wallTimeoutMs} ms of wall time`, ms: Date.now() - t0 }, true), 10 * wallTimeoutMs)
        // Run-queue waits of this process (it must read the answer), the worker and its decoders
        // (the worker sleeps while a starved decoder waits for a CPU): the most seen per
        // process since the case began, summed.
        const waits = new Map<number | 'self', number>()
        const procs = (): Array<number | 'self'> => ['self', w.pid!, ...childPids(w.pid!)]
        const wait0 = new Map(procs().map((p) => [p, runQueueWaitMs(p)]))
        const waited = (): number => {
          for (const p of procs()) waits.set(p, Math.max(waits.get(p) ?? 0, runQueueWaitMs(p) - (wait0.get(p) ?? 0)))
          let sum = 0
          for (const v of waits.values()) sum += v
          return sum
        }
        // Live decoders count when sampled; reaped ones through the worker's cutime.
        const cpu0 = treeCpu(w.pid!)
        let cpu = 0
        const sample = (): void => {
          const rss = treeRss(w.pid!)
          peakRss = Math.max(peakRss, rss)
          cpu = Math.max(cpu, treeCpu(w.pid!) - cpu0)
          if (rss > rssMb) finish({ ...base, outcome: 'rss', message: `${rss.toFixed(0)} MB > ${rssMb} MB`, ms: Date.now() - t0 }, true)
          else if (cpu > timeoutMs) finish({ ...base, outcome: 'hang', message: `${cpu} ms of CPU time > ${timeoutMs} ms`, ms: Date.now() - t0 }, true)
          else {
            const blocked = Date.now() - t0 - waited()
            if (blocked > wallTimeoutMs) finish({ ...base, outcome: 'hang', message: `no answer in ${blocked.toFixed(0)} ms of wall time not spent waiting for a CPU (> ${wallTimeoutMs} ms)`, ms: Date.now() - t0 }, true)
          }
        }
        const poll = setInterval(sample, 100)
        const onMsg = (m: CaseResult): void => {
          // The worker's RSS at the end of the case counts too (a fast case ends between polls).
          if (!settled) sample()
          slowestCpu = Math.max(slowestCpu, cpu)
          finish({ ...m, ms: Date.now() - t0 }, false)
        }
        w.on('message', onMsg)
        w.on('exit', onExit)
        w.send({ id })
      })
    try {
      while (issued < total && Date.now() < deadline) {
        const id = nextId++
        issued++
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
        if (done % 250 === 0) log(progressLine(report(false)))
        if (done % 1000 === 0) writeReport(false)
      }
    } finally {
      ;(worker as ChildProcess | null)?.kill('SIGKILL')
    }
  }

  try {
    await Promise.all(Array.from({ length: nWorkers }, () => slot()))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  writeReport(true)
  return report(true)
}

/** "N cases, T s (R/s): outcome counts; peak RSS; failures" (progress and the final line). */
export function progressLine(r: FuzzReport): string {
  const byOutcome = Object.entries(r.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  return `${r.cases} cases in ${r.seconds.toFixed(0)} s (${(r.cases / Math.max(r.seconds, 0.001)).toFixed(1)}/s, ${r.workers} workers): ${byOutcome}; slowest case ${r.slowestMs} ms (${r.slowestCpuMs} ms CPU); peak worker RSS ${r.peakRssMb.toFixed(0)} MB; ${r.failures.length} failures`
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
  // Decoder processes only (tsx keeps an esbuild service as a child too).
  const childCount = (): number =>
    childPids('self').filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'zstd'
      } catch {
        return false
      }
    }).length
  // The harness's own test (fuzz.int.test.ts): these cases block, or spin, instead of reading.
  const selfTest = new Map((process.env.LAYERSCOPE_FUZZ_SELFTEST ?? '').split(',').filter(Boolean).map((p) => [Number(p.split(':')[1]), p.split(':')[0]]))
  process.on('message', (m: { id: number }) => {
    void (async () => {
      const id = m.id
      if (selfTest.get(id) === 'block') return
      if (selfTest.get(id) === 'spin') for (;;) Math.sqrt(id)
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
    wallTimeoutMs: num('--wall-timeout-ms'),
    rssMb: num('--rss-mb'),
    workers: one !== undefined ? 1 : num('--workers'),
    node: arg('--node'),
    seedsDir: arg('--seeds'),
    reportFile: arg('--report'),
    failuresDir: arg('--keep-failures') ?? join(process.cwd(), 'scripts/fuzz/failures')
  })
  process.stdout.write(progressLine(report) + '\n')
  process.exit(report.failures.length ? 1 : 0)
}
