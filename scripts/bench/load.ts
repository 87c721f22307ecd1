// Load test of `layerscope serve` on 127.0.0.1: N concurrent clients (default 50) for D seconds
// (default 30), each a bounded loop of one request at a time (10 s timeout each), mixing the
// page and its assets, API calls (app:info, images:samples, analysis:open of the bundled sample
// archive, analysis:tree and analysis:treemap of it) and event streams held open for 1-3 s.
// Prints p50/p99/max latency per kind and overall, requests, errors, and the server's peak RSS.
//   npm run bench:load                      (needs `npm run build` for out/renderer)
//   npm run bench:load -- --clients 50 --seconds 30
// The server is the real CLI (`serve`) in its own process, so client and server do not share
// an event loop; both share this machine's cores.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const CLIENTS = arg('clients', 50)
const SECONDS = arg('seconds', 30)
const TIMEOUT_MS = 10_000
/** Clients that hold event streams instead of making calls (a tab keeps one open). */
const SSE_CLIENTS = Math.max(1, Math.round(CLIENTS / 5))
const SAMPLE = join(root, 'resources/samples/app-single-stage.docker.tar.gz')

type Kind = 'page' | 'asset' | 'app:info' | 'images:samples' | 'analysis:open' | 'analysis:tree' | 'analysis:treemap' | 'events'

interface Sample {
  kind: Kind
  ms: number
  ok: boolean
  why?: string
}

const samples: Sample[] = []

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
}

async function startServe(rendererDir: string, cacheDir: string): Promise<{ url: URL; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli/index.ts'), '--cache-dir', cacheDir, 'serve', '--port', '0', '--renderer-dir', rendererDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const url = await new Promise<URL>((done, fail) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)
      if (m) done(new URL(m[1]!))
    })
    child.on('exit', (code) => fail(new Error(`serve exited (${code}): ${err}`)))
  })
  const stop = (): Promise<void> =>
    new Promise((done) => {
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
  return { url, pid: child.pid!, stop }
}

/** Peak resident memory of a process so far (VmHWM), bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

function timed(kind: Kind, agent: Agent, url: URL, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<string> {
  const t = performance.now()
  return new Promise((done) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method,
        path,
        agent,
        timeout: TIMEOUT_MS,
        headers: { ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) }
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let ok = res.statusCode === 200
          let why = ok ? undefined : `HTTP ${res.statusCode}`
          if (ok && path.startsWith('/api/call/')) {
            const r = JSON.parse(text) as { error?: { code: string; message: string } }
            if (r.error) {
              ok = false
              why = `${r.error.code}: ${r.error.message}`
            }
          }
          samples.push({ kind, ms: performance.now() - t, ok, why })
          done(text)
        })
        res.on('error', (e) => {
          samples.push({ kind, ms: performance.now() - t, ok: false, why: e.message })
          done('')
        })
      }
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (e) => {
      samples.push({ kind, ms: performance.now() - t, ok: false, why: e.message })
      done('')
    })
    req.end(data)
  })
}

/** Holds an event stream open for `holdMs`; the sample is the time to the first frame. */
function events(url: URL, token: string, holdMs: number): Promise<void> {
  const t = performance.now()
  return new Promise((done) => {
    let first = true
    const finish = (ok: boolean, why?: string): void => {
      if (first) samples.push({ kind: 'events', ms: performance.now() - t, ok, why })
      first = false
    }
    const req = request({ host: '127.0.0.1', port: url.port, path: `/api/events?token=${token}`, agent: false, timeout: TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        finish(false, `HTTP ${res.statusCode}`)
        res.resume()
        res.on('end', () => done())
        return
      }
      res.on('data', () => finish(true))
      setTimeout(() => {
        req.destroy()
        done()
      }, holdMs)
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (e) => {
      finish(false, e.message)
      done()
    })
    req.end()
  })
}

async function main(): Promise<void> {
  const rendererDir = process.env.LAYERSCOPE_RENDERER ?? join(root, process.env.LAYERSCOPE_OUT ?? 'out', 'renderer')
  let assets: string[]
  try {
    assets = readdirSync(join(rendererDir, 'assets')).map((n) => `/assets/${n}`)
  } catch {
    throw new Error(`No built renderer at ${rendererDir}: run \`npm run build\` first (or set LAYERSCOPE_RENDERER).`)
  }
  const work = mkdtempSync(join(tmpdir(), 'layerscope-bench-load-'))
  const serve = await startServe(rendererDir, join(work, 'cache'))
  const token = serve.url.searchParams.get('token')!
  const auth = { Authorization: `Bearer ${token}` }
  console.log(`serve at ${serve.url.origin} (pid ${serve.pid}); ${CLIENTS} clients (${SSE_CLIENTS} holding event streams) for ${SECONDS} s`)
  try {
    // One analysis first, so tree and treemap calls have a key (and the layer cache is warm).
    const warm = new Agent({ keepAlive: true, maxSockets: 1 })
    const opened = JSON.parse(await timed('analysis:open', warm, serve.url, 'POST', '/api/call/analysis:open', { source: { kind: 'archive', path: SAMPLE } }, auth)) as {
      result?: { key: string }
    }
    if (!opened.result) throw new Error(`warm-up analysis failed: ${JSON.stringify(opened)}`)
    const scope = { key: opened.result.key, layer: null, mode: 'stacked' }
    samples.length = 0
    const rssBefore = peakRss(serve.pid)

    const deadline = performance.now() + SECONDS * 1000
    let seed = 1
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const caller = async (i: number): Promise<void> => {
      // One keep-alive connection per client, like a browser tab (bounded: one request at a time).
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      let n = 0
      while (performance.now() < deadline) {
        const r = rand()
        n++
        if (r < 0.35) await timed('asset', agent, serve.url, 'GET', assets[(i + n) % assets.length]!)
        else if (r < 0.45) await timed('page', agent, serve.url, 'GET', `/?token=${token}`)
        else if (r < 0.6) await timed('app:info', agent, serve.url, 'POST', '/api/call/app:info', {}, auth)
        else if (r < 0.65) await timed('images:samples', agent, serve.url, 'POST', '/api/call/images:samples', {}, auth)
        else if (r < 0.72)
          // Identical opens from many clients at once: the server shares concurrent ones.
          await timed('analysis:open', agent, serve.url, 'POST', '/api/call/analysis:open', { jobId: `c${i}-${n}`, source: { kind: 'archive', path: SAMPLE } }, auth)
        else if (r < 0.88) await timed('analysis:tree', agent, serve.url, 'POST', '/api/call/analysis:tree', { scope, path: '/', limit: 200 }, auth)
        else await timed('analysis:treemap', agent, serve.url, 'POST', '/api/call/analysis:treemap', { scope, path: '/', depth: 2, maxNodes: 500 }, auth)
      }
      agent.destroy()
    }
    const watcher = async (): Promise<void> => {
      while (performance.now() < deadline) await events(serve.url, token, 1000 + Math.floor(rand() * 2000))
    }
    const started = performance.now()
    await Promise.all([...Array.from({ length: CLIENTS - SSE_CLIENTS }, (_, i) => caller(i)), ...Array.from({ length: SSE_CLIENTS }, () => watcher())])
    const elapsed = (performance.now() - started) / 1000
    const rssPeak = peakRss(serve.pid)

    const kinds = [...new Set(samples.map((s) => s.kind))]
    const row = (name: string, xs: Sample[]): string => {
      const ms = xs.map((s) => s.ms)
      const errors = xs.filter((s) => !s.ok).length
      return `${name.padEnd(18)} ${String(xs.length).padStart(8)} ${quantile(ms, 0.5).toFixed(1).padStart(8)} ${quantile(ms, 0.99).toFixed(1).padStart(8)} ${Math.max(...ms).toFixed(1).padStart(8)} ${String(errors).padStart(7)}`
    }
    console.log(`\n${'kind'.padEnd(18)} ${'requests'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'errors'.padStart(7)}`)
    for (const k of kinds) console.log(row(k, samples.filter((s) => s.kind === k)))
    console.log(row('all', samples))
    const errors = samples.filter((s) => !s.ok)
    console.log(`\n${samples.length} requests in ${elapsed.toFixed(1)} s = ${(samples.length / elapsed).toFixed(0)} req/s; ${errors.length} errors`)
    console.log(`server peak RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MB after warm-up, ${(rssPeak / 2 ** 20).toFixed(0)} MB at the end`)
    const reasons = new Map<string, number>()
    for (const e of errors) reasons.set(`${e.kind}: ${e.why}`, (reasons.get(`${e.kind}: ${e.why}`) ?? 0) + 1)
    for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${n} x ${why}`)
    if (errors.length > 0) process.exitCode = 1
  } finally {
    await serve.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(2)
})
