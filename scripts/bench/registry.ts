// Benchmark: analysing an image straight from a registry, in one run on the same image
// (about 1 GB of layer content, pushed to a local docker-registry), against
//   (a) `skopeo copy docker://… oci:DIR` + native `gzip -dc` of every layer blob, two at a
//       time (download + decompress: the physical limit on 2 cores), and
//   (b) `docker pull` into a fresh private dockerd + `docker save > /dev/null` (what a dive
//       user does). Targets: <= 1.0x (a), <= 0.25x (b), peak RSS <= 200 MB.
//   npm run bench:registry [-- --keep]
// The analysis runs in a child process (bundled JS, fresh cache dir) so its maxRSS is its own.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE_IMAGE, buildImage, ensureBaseImage, imageExists } from '../fixtures/base-image'
import { SKOPEO, pushImage, registrySkipReason, startRegistry } from '../test-env/registry'
import { bundleChild } from './bundle-child'

const IMG = 'layerscope-test/bench-registry:1'
// ~1 GB of layer content that compresses like real images do (text and binaries, not zeros):
// hex dumps of random bytes (gzip saves about half), random bytes (nothing to save), counted
// text (most saved), small files, and a file deleted later (waste). busybox only: no downloads.
const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN mkdir /r && head -c 90000000 /dev/urandom | od -An -tx1 > /r/a.txt && head -c 150000000 /dev/urandom > /r/b.bin
RUN mkdir /t && seq 1 20000000 > /t/seq.txt && for i in $(seq 1 2000); do echo "file $i" > /t/f$i; done
RUN head -c 60000000 /dev/urandom | od -An -tx1 > /r/c.txt && rm /r/b.bin
`

interface ChildResult {
  ms: number
  cpuMs: number
  maxRssMb: number
  blobs: number
  blobBytes: number
  layerBytes: number
  downloadSize: number
  files: number
}

function runChild(js: string, ref: string, cacheDir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [js, ref, cacheDir], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child failed (${code}): ${out}`))))
  })
}

function sh(script: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now()
  const r = spawnSync('sh', ['-c', script], { stdio: 'inherit', env })
  if (r.status !== 0) throw new Error(`failed: ${script}`)
  return performance.now() - t
}

/** (a) skopeo copy to an OCI layout, then gzip -dc of every layer blob, two at a time. */
function physicalLimit(host: string, dir: string): number {
  rmSync(dir, { recursive: true, force: true })
  const t = performance.now()
  execFileSync(SKOPEO, ['copy', '-q', '--src-tls-verify=false', `docker://${host}/bench/app:1`, `oci:${dir}:1`], { stdio: 'inherit' })
  const blobs = readdirSync(join(dir, 'blobs', 'sha256')).map((b) => join(dir, 'blobs', 'sha256', b))
  // Only gzip blobs (the layers); configs and manifests are JSON.
  const layers = blobs.filter((b) => spawnSync('sh', ['-c', `head -c 2 "$1" | od -An -tx1 | grep -q '1f 8b'`, 'sh', b]).status === 0)
  writeFileSync(join(dir, 'layers.txt'), layers.join('\n'))
  sh(`xargs -P 2 -I{} sh -c 'gzip -dc "{}" > /dev/null' < "${join(dir, 'layers.txt')}"`)
  return performance.now() - t
}

/** (b) a fresh private dockerd: docker pull + docker save > /dev/null. */
async function pullAndSave(host: string, root: string): Promise<number | null> {
  if (spawnSync('sh', ['-c', 'command -v dockerd']).status !== 0 || process.getuid?.() !== 0) {
    console.log('  (b) skipped: needs root and dockerd')
    return null
  }
  const dir = mkdtempSync('/tmp/lsb.')
  mkdirSync(join(dir, 'data'))
  mkdirSync(join(dir, 'exec'))
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'insecure-registries': [host] }))
  const sock = join(dir, 'docker.sock')
  const d = spawn(
    'dockerd',
    [
      '--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'), '-H', `unix://${sock}`,
      '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false', '--userland-proxy=false',
      '--containerd-namespace', 'layerscope-bench', '--containerd-plugins-namespace', 'layerscope-bench-plugins'
    ],
    { stdio: 'ignore' }
  )
  try {
    const env = { ...process.env, DOCKER_HOST: `unix://${sock}` }
    for (let i = 0; i < 120 && spawnSync('docker', ['version'], { env, stdio: 'ignore' }).status !== 0; i++) await new Promise((r) => setTimeout(r, 500))
    const ref = `${host}/bench/app:1`
    return sh(`docker pull -q "${ref}" > /dev/null && docker save "${ref}" > /dev/null`, env)
  } finally {
    d.kill('SIGTERM')
    await new Promise((r) => d.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
    void root
  }
}

async function main(): Promise<void> {
  const skip = registrySkipReason()
  if (skip) {
    console.log(`bench:registry skipped: ${skip}`)
    return
  }
  const keep = process.argv.includes('--keep')
  await ensureBaseImage()
  if (!imageExists(IMG)) {
    console.log(`building ${IMG} (~1 GB of layer content)…`)
    buildImage(IMG, DOCKERFILE)
  }
  const reg = await startRegistry()
  const work = mkdtempSync('/tmp/ls-bench-registry-')
  try {
    console.log(`pushing to ${reg.host} with skopeo (gzip)…`)
    await pushImage(`docker-daemon:${IMG}`, reg.host, 'bench/app:1')
    // Beside node_modules, so the bundle's external packages resolve as the app's do.
    const bundleDir = fileURLToPath(new URL('../../node_modules/.cache/layerscope-bench/', import.meta.url))
    mkdirSync(bundleDir, { recursive: true })
    const js = await bundleChild('registry-child', bundleDir)
    const ref = `${reg.host}/bench/app:1`
    // Interleaved: the machine is shared, so each side runs twice and the better run counts.
    const ours: ChildResult[] = []
    const limits: number[] = []
    for (let i = 0; i < 2; i++) {
      limits.push(physicalLimit(reg.host, join(work, 'oci')))
      ours.push(await runChild(js, ref, join(work, `cache-${i}`)))
    }
    const pull = await pullAndSave(reg.host, work)
    const best = ours.reduce((a, b) => (b.ms < a.ms ? b : a))
    const limit = Math.min(...limits)
    const mb = (n: number): string => `${(n / 1e6).toFixed(0)} MB`
    console.log(`\nbench:registry  ${ref}: ${mb(best.layerBytes)} of layer content, download ${mb(best.downloadSize)} (${best.blobs} blob GETs), ${best.files.toLocaleString('en')} files`)
    console.log(`  Layerscope analysis          ${best.ms.toFixed(0)} ms (runs ${ours.map((r) => r.ms.toFixed(0)).join(', ')}; CPU ${best.cpuMs.toFixed(0)} ms)`)
    console.log(`  (a) skopeo copy + gzip -dc   ${limit.toFixed(0)} ms (runs ${limits.map((x) => x.toFixed(0)).join(', ')})   ratio ${(best.ms / limit).toFixed(2)}x   [target <= 1.0x]`)
    if (pull !== null) console.log(`  (b) docker pull + save       ${pull.toFixed(0)} ms   ratio ${(best.ms / pull).toFixed(2)}x   [target <= 0.25x]`)
    console.log(`  peak RSS                     ${Math.max(...ours.map((r) => r.maxRssMb)).toFixed(0)} MB   [target <= 200 MB]`)
  } finally {
    await reg.stop()
    if (!keep) rmSync(work, { recursive: true, force: true })
    if (!keep && existsSync(work)) rmSync(work, { recursive: true, force: true })
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
