// Benchmark: a zstd layer with 1 GiB of content compressed with `zstd --long=30` (a 1 GiB
// window), read through BlobSink (decode + tar headers) by each available backend, against
// `zstd -d --long=30 > /dev/null` on the same file. Time, and peak RSS of the Node process and
// of the decoder child (sampled from /proc; the child's window lives there, not in Node).
//   npm run bench:zstd                 (builds the layer in a temp dir; backend: cli)
//   npm run bench:zstd -- --backends=cli,js --keep
import { execFileSync, spawn } from 'node:child_process'
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const CHILD = args[0] === '--child'

/** Sum of VmRSS of this process's children, in bytes (Linux /proc). */
function childrenRss(pid: number): number {
  let sum = 0
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== pid) continue
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))
      if (m) sum += Number(m[1]) * 1024
    } catch {
      // gone
    }
  }
  return sum
}

async function child(file: string): Promise<void> {
  const { BlobSink } = await import('../../src/main/core/archive/blob-sink')
  let entries = 0
  let contentBytes = 0
  let peakChild = 0
  const timer = setInterval(() => {
    peakChild = Math.max(peakChild, childrenRss(process.pid))
  }, 50)
  const t0 = performance.now()
  let error: unknown
  const sink = new BlobSink({
    label: 'bench layer',
    onLayerEntry: (h) => {
      entries++
      contentBytes += h.size
    },
    done: (r) => (error = r.error)
  })
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    const r = sink.write(chunk)
    if (r) await r
  }
  await sink.end()
  clearInterval(timer)
  const ms = performance.now() - t0
  if (error) throw error
  process.stdout.write(JSON.stringify({ ms, entries, contentBytes, nodeMaxRss: process.resourceUsage().maxRSS * 1024, childPeakRss: peakChild }) + '\n')
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(0)} MB`
}

async function main(): Promise<void> {
  const backends = (args.find((a) => a.startsWith('--backends='))?.slice(11) ?? 'cli').split(',')
  const dir = mkdtempSync(join(tmpdir(), 'ls-bench-zstd-'))
  try {
    // 1 GiB of content: 256 MiB random (incompressible), 512 MiB zeros, 256 MiB of a repeated
    // 64 MiB random block (only a long window finds those matches), plus 1000 small files.
    const content = join(dir, 'root')
    execFileSync('sh', [
      '-c',
      `set -e; mkdir -p ${content}/small; cd ${content}
       head -c 268435456 /dev/urandom > random.bin
       head -c 536870912 /dev/zero > zeros.bin
       head -c 67108864 /dev/urandom > block; cat block block block block > repeated.bin; rm block
       i=0; while [ $i -lt 1000 ]; do echo $i > small/f$i; i=$((i+1)); done`
    ])
    execFileSync('tar', ['-C', content, '-cf', join(dir, 'layer.tar'), '.'])
    rmSync(content, { recursive: true })
    execFileSync('zstd', ['-q', '-f', '-T2', '-3', '--long=30', join(dir, 'layer.tar'), '-o', join(dir, 'layer.tar.zst')])
    const tarBytes = statSync(join(dir, 'layer.tar')).size
    rmSync(join(dir, 'layer.tar'))
    const file = join(dir, 'layer.tar.zst')
    const lv = execFileSync('zstd', ['-lv', file]).toString()
    console.log(`layer: ${mb(statSync(file).size)} compressed, ${mb(tarBytes)} tar; ${/Window Size: (.*)/.exec(lv)?.[1]}`)
    // Baseline: the zstd CLI alone.
    const t0 = performance.now()
    execFileSync('sh', ['-c', `zstd -q -d --long=30 -c ${file} > /dev/null`])
    const base = performance.now() - t0
    console.log(`zstd -d --long=30 > /dev/null: ${(base / 1000).toFixed(2)} s`)
    const self = fileURLToPath(import.meta.url)
    for (const b of backends) {
      const out = await new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', file], { env: { ...process.env, LAYERSCOPE_ZSTD: b }, stdio: ['ignore', 'pipe', 'inherit'] })
        let s = ''
        p.stdout.on('data', (d: Buffer) => (s += d.toString()))
        p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`backend ${b} exited ${code}`))))
      })
      const r = JSON.parse(out) as { ms: number; entries: number; contentBytes: number; nodeMaxRss: number; childPeakRss: number }
      console.log(
        `${b}: ${(r.ms / 1000).toFixed(2)} s (${(r.ms / base).toFixed(2)}x zstd -d), ${r.entries} entries, ${r.contentBytes} content bytes, Node peak RSS ${mb(r.nodeMaxRss)}, decoder child peak RSS ${mb(r.childPeakRss)}`
      )
    }
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true })
    else console.log(`kept ${dir}`)
  }
}

if (CHILD) await child(args[1]!)
else await main()
