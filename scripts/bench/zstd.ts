// Benchmark: a zstd layer with 1 GiB of content compressed with `zstd --long=29`, a 512 MiB
// window, the largest Layerscope reads (containerd's limit, docs/limits.md), read through
// BlobSink (decode + tar headers) by each backend, against `zstd -d --long=29 > /dev/null` on
// the same file. Then a `--long=30` frame (1 GiB window), which must be refused by name at once.
// Time, and peak RSS of two things, apart:
//   - the Node process (VmHWM);
//   - the decoder: the `zstd` child (cli backend), or, for Node's zlib (in-process), the
//     anonymous mappings at least half the window's size, which only the decoder's window
//     buffer is (sampled from /proc/self/smaps). The frame obliges any decoder to keep the
//     window: back-references may reach 512 MiB back.
//   npm run bench:zstd                     (cli under this Node, zlib under Node 22 if needed)
//   npm run bench:zstd -- --backends=cli,zlib,js --keep --mib=64   (--mib: content size, default 1024)
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'

const args = process.argv.slice(2)
const CHILD = args[0] === '--child'
const WINDOW_LOG = 29

/** VmRSS of a process's children, summed, in bytes (Linux /proc). */
function childrenRss(pid: number): number {
  let sum = 0
  for (const t of readdirSafe(`/proc/${pid}/task`)) {
    let kids: string[] = []
    try {
      kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter((s) => s.trim())
    } catch {
      // thread gone
    }
    for (const c of kids) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${c}/status`, 'utf8'))
        if (m) sum += Number(m[1]) * 1024
      } catch {
        // gone
      }
    }
  }
  return sum
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Rss of this process's anonymous mappings of at least `minSize` bytes (the decoder's window). */
function bigAnonRss(minSize: number): number {
  let sum = 0
  let size = 0
  let anon = false
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(\S*)/.exec(line)
    if (m) {
      size = parseInt(m[2]!, 16) - parseInt(m[1]!, 16)
      anon = m[3] === '0' && m[4] === ''
      continue
    }
    if (anon && size >= minSize && line.startsWith('Rss:')) sum += Number(/(\d+)/.exec(line)![1]) * 1024
  }
  return sum
}

async function child(file: string): Promise<void> {
  const { BlobSink } = await import('../../src/main/core/archive/blob-sink')
  const { zstdBackend } = await import('../../src/main/core/archive/zstd')
  const { findZstdCli, frameDecoder, zstdFrameWindow } = await import('../../src/main/core/archive/zstd')
  const backend = zstdBackend()
  // The window buffer is one mapping of about the frame's window; nothing else here is that big.
  const head = Buffer.alloc(32)
  const fd = openSync(file, 'r')
  readSync(fd, head, 0, 32, 0)
  closeSync(fd)
  const windowSize = zstdFrameWindow(head)?.windowSize ?? 2 ** WINDOW_LOG
  // The zlib backend hands a window over zstd -d's 128 MiB to the zstd CLI where it exists.
  const inProcess = backend === 'zlib' && frameDecoder(windowSize, findZstdCli() !== null) === 'zlib'
  let entries = 0
  let contentBytes = 0
  let peakDecoder = 0
  const sample = (): void => {
    peakDecoder = Math.max(peakDecoder, inProcess ? bigAnonRss(Math.max(windowSize / 2, 16 * 2 ** 20)) : childrenRss(process.pid))
  }
  // smaps costs about 20 ms of CPU a read: sampled less often (the window, once filled, stays).
  const timer = setInterval(sample, inProcess ? 250 : 50)
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  let error: unknown
  const sink = new BlobSink({
    label: 'bench layer',
    onLayerEntry: (h) => {
      entries++
      contentBytes += h.size
    },
    done: (r) => (error = r.error)
  })
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      const r = sink.write(chunk)
      if (r) await r
    }
    await sink.end()
  } catch (e) {
    error ??= e
  }
  clearInterval(timer)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const e = error as { code?: string; message?: string } | undefined
  process.stdout.write(
    JSON.stringify({ backend, ms, cpuMs, entries, contentBytes, nodePeakRss: process.resourceUsage().maxRSS * 1024, decoderPeakRss: peakDecoder, inProcess, error: e ? `${e.code}: ${e.message}` : undefined }) + '\n'
  )
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(0)} MB`
}

interface Run {
  backend: string
  ms: number
  /** CPU time of the Node process (the zstd child's not included). */
  cpuMs: number
  entries: number
  contentBytes: number
  nodePeakRss: number
  decoderPeakRss: number
  inProcess: boolean
  error?: string
}

/** A Node that has zlib zstd: this one, or Node 22 from scripts/test-env/node-versions.sh. */
function zlibNode(): string {
  if (typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function') return process.execPath
  const root = fileURLToPath(new URL('../..', import.meta.url))
  return execFileSync('bash', [join(root, 'scripts/test-env/node-versions.sh'), '22']).toString().trim()
}

function runChild(node: string, backend: string, file: string): Promise<Run> {
  const self = fileURLToPath(import.meta.url)
  return new Promise((resolve, reject) => {
    const p = spawn(node, ['--import', 'tsx', self, '--child', file], { env: { ...process.env, LAYERSCOPE_ZSTD: backend }, stdio: ['ignore', 'pipe', 'inherit'] })
    let s = ''
    p.stdout.on('data', (d: Buffer) => (s += d.toString()))
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(s) as Run) : reject(new Error(`backend ${backend} exited ${code}`))))
  })
}

async function main(): Promise<void> {
  const backends = (args.find((a) => a.startsWith('--backends='))?.slice(11) ?? 'cli,zlib').split(',')
  const dir = mkdtempSync(join(tmpdir(), 'ls-bench-zstd-'))
  try {
    // 1 GiB of content: 256 MiB random (incompressible), 512 MiB zeros, 256 MiB of a repeated
    // 64 MiB random block (only a long window finds those matches), plus 1000 small files.
    const mib = Number(args.find((a) => a.startsWith('--mib='))?.slice(6) ?? 1024)
    const quarter = (mib / 4) * 2 ** 20
    const content = join(dir, 'root')
    execFileSync('sh', [
      '-c',
      `set -e; mkdir -p ${content}/small; cd ${content}
       head -c ${quarter} /dev/urandom > random.bin
       head -c ${2 * quarter} /dev/zero > zeros.bin
       head -c ${quarter / 4} /dev/urandom > block; cat block block block block > repeated.bin; rm block
       i=0; while [ $i -lt 1000 ]; do echo $i > small/f$i; i=$((i+1)); done`
    ])
    execFileSync('tar', ['-C', content, '-cf', join(dir, 'layer.tar'), '.'])
    rmSync(content, { recursive: true })
    execFileSync('zstd', ['-q', '-f', '-T2', '-3', `--long=${WINDOW_LOG}`, join(dir, 'layer.tar'), '-o', join(dir, 'layer.tar.zst')])
    const tarBytes = statSync(join(dir, 'layer.tar')).size
    rmSync(join(dir, 'layer.tar'))
    const file = join(dir, 'layer.tar.zst')
    const lv = execFileSync('zstd', ['-lv', file]).toString()
    console.log(`layer: ${mb(statSync(file).size)} compressed, ${mb(tarBytes)} tar; window ${/Window Size: (.*)/.exec(lv)?.[1]}`)
    // Baseline: the zstd CLI alone, and its own peak RSS (GNU time is not everywhere: /proc).
    const t0 = performance.now()
    const base = await new Promise<{ ms: number; rss: number }>((resolve, reject) => {
      const p = spawn('zstd', ['-q', '-d', `--long=${WINDOW_LOG}`, '-c', file], { stdio: ['ignore', 'ignore', 'inherit'] })
      let rss = 0
      const t = setInterval(() => {
        try {
          rss = Math.max(rss, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))![1]) * 1024)
        } catch {
          // exited
        }
      }, 20)
      p.on('close', (code) => {
        clearInterval(t)
        if (code === 0) resolve({ ms: performance.now() - t0, rss })
        else reject(new Error(`zstd -d exited ${code}`))
      })
    })
    console.log(`zstd -d --long=${WINDOW_LOG} > /dev/null: ${(base.ms / 1000).toFixed(2)} s, peak RSS ${mb(base.rss)}`)
    // A 1 GiB window (--long=30): refused from its frame header, before decoding.
    const over = join(dir, 'over.zst')
    execFileSync('sh', ['-c', `head -c 1048576 /dev/zero | zstd -q -c --long=${WINDOW_LOG + 1} > ${over}`])
    for (const b of backends) {
      const node = b === 'zlib' ? zlibNode() : process.execPath
      const runtime = execFileSync(node, ['-v']).toString().trim()
      const r = await runChild(node, b, file)
      if (r.backend !== b) throw new Error(`asked for backend ${b}, got ${r.backend}`)
      if (r.error) {
        console.log(`${b} (Node ${runtime}): not read: ${r.error}`)
        continue
      }
      const where = r.inProcess ? 'in-process window' : b === 'js' ? 'JS heap (in the Node figure)' : b === 'zlib' ? 'zstd child: zlib hands windows over 128 MiB to the CLI' : 'zstd child'
      console.log(
        `${b} (Node ${runtime}): ${(r.ms / 1000).toFixed(2)} s (${(r.ms / base.ms).toFixed(2)}x zstd -d; Node CPU ${(r.cpuMs / 1000).toFixed(2)} s), ${r.entries} entries, ${r.contentBytes} content bytes; ` +
          `Node process peak RSS ${mb(r.nodePeakRss)}${r.inProcess ? ' (the window included)' : ''}, decoder peak RSS ${mb(r.decoderPeakRss)} (${where})`
      )
      const refused = await runChild(node, b, over)
      console.log(`  --long=${WINDOW_LOG + 1} frame: ${refused.error ? `refused in ${refused.ms.toFixed(0)} ms, decoder peak RSS ${mb(refused.decoderPeakRss)}: ${refused.error}` : 'READ (expected a refusal)'}`)
      if (!refused.error) process.exitCode = 1
    }
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true })
    else console.log(`kept ${dir}`)
  }
}

if (CHILD) await child(args[1]!)
else await main()
