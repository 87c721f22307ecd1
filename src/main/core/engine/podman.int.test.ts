// Layerscope against Podman's Docker-compatible API, for real: the test starts its own
// `podman system service` on a private socket with a private storage root under a temp dir
// (nothing of the machine's Podman is touched), imports the busybox base from scratch, builds
// a small image with deleted files in it (chroot isolation: no OCI runtime or namespaces needed),
// and checks status, the image list and the analysis against Podman's own answers and an
// independent `tar -tv` count of `podman save`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { busyboxRootfsTar, FIXTURE_LABEL } from '../../../../scripts/fixtures/base-image'
import { layerFigures, listTar } from '../../../../scripts/fixtures/tar-listing'
import { formatDockerSize } from '../../../shared/format'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import { AnalysisService } from '../analysis/analysis-service'
import { LayerscopeError } from '../errors'
import { EngineClient } from './engine-client'

const hasPodman = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'podman')))
const isRoot = process.getuid?.() === 0
const skipReason = !hasPodman
  ? 'podman is not installed (apt-get install -y podman; scripts/test.sh installs it when run as root on Debian)'
  : !isRoot
    ? 'a private Podman storage root needs root here (rootless Podman would need subuid/subgid ranges set up)'
    : undefined
if (skipReason) console.warn(`[podman] Podman integration tests SKIPPED: ${skipReason}.`)

const BASE = 'localhost/layerscope-test/podman-base:1'
const IMG = 'localhost/layerscope-test/podman-waste:1'
const IMG2 = 'localhost/layerscope-test/podman-waste:latest'
const DOCKERFILE = `FROM ${BASE}
COPY files/ /data/
RUN mkdir -p /work && dd if=/dev/zero of=/work/big.bin bs=1k count=300 && echo hello > /work/a.txt
RUN rm /work/big.bin && rm -r /data/dir1
ENV X=1
`

let tmp: string
let sock: string
let driver: 'overlay' | 'vfs'
let service: ChildProcess | undefined
let client: EngineClient
let analysis: ImageAnalysis

/** Podman's global flags for the private storage: the CLI and the service share it. */
function podmanGlobal(): string[] {
  const store = ['--root', join(tmp, 'root'), '--runroot', join(tmp, 'run'), '--tmpdir', join(tmp, 'tmp'), '--storage-driver', driver]
  return [...store, '--events-backend', 'none', '--cgroup-manager', 'cgroupfs']
}

/** The machine's containers.conf and storage.conf stay out of it: the test's own instead. */
function podmanEnv(): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: join(tmp, 'config'), CONTAINERS_CONF: join(tmp, 'containers.conf'), CONTAINERS_STORAGE_CONF: join(tmp, 'storage.conf') }
}

function writeStorageConf(): void {
  const conf = `[storage]\ndriver = "${driver}"\ngraphroot = "${join(tmp, 'root')}"\nrunroot = "${join(tmp, 'run')}"\n`
  writeFileSync(join(tmp, 'storage.conf'), conf)
}

/** The podman CLI on the test's private storage. */
function podman(args: string[], input?: Buffer): string {
  return execFileSync('podman', [...podmanGlobal(), ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: podmanEnv()
  })
}

/** A raw GET on the socket, without dockerode: the independent view of what Podman answers. */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function waitForService(): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    if (service?.exitCode !== null && service?.exitCode !== undefined) {
      throw new Error(`podman system service exited (${service.exitCode}): ${readFileSync(join(tmp, 'service.log'), 'utf8').slice(-2000)}`)
    }
    const ok = await rawGet('/_ping').then((r) => r.status === 200, () => false)
    if (ok) return
    if (Date.now() > deadline) throw new Error(`podman system service did not answer on ${sock} within 30 s: ${readFileSync(join(tmp, 'service.log'), 'utf8').slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stopService(): Promise<void> {
  const p = service
  if (!p || p.exitCode !== null || p.signalCode !== null) return
  const exited = new Promise((r) => p.once('exit', r))
  p.kill('SIGTERM')
  const t = setTimeout(() => p.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(t)
}

/**
 * overlay storage bind-mounts its own folder (root/overlay) and the last Podman process out
 * normally undoes it, but not always when the CLI and the service share the store: unmount
 * whatever is still mounted under the temp dir so it can be deleted.
 */
function unmountUnder(dir: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
  for (const p of points) {
    try {
      execFileSync('umount', [p], { stdio: 'ignore' })
    } catch {
      execFileSync('umount', ['-l', p], { stdio: 'ignore' })
    }
  }
}

describe.skipIf(skipReason !== undefined)('Podman (Docker-compatible API, private service)', () => {
  beforeAll(async () => {
    // A short folder: the socket path inside it must stay under 108 bytes.
    tmp = mkdtempSync(join(tmpdir().length > 60 ? '/tmp' : tmpdir(), 'ls-podman-'))
    // The socket where Podman's own user unit puts it, so the resolver's fallback finds it too.
    sock = join(tmp, 'xdg', 'podman', 'podman.sock')
    mkdirSync(join(tmp, 'xdg', 'podman'), { recursive: true })
    mkdirSync(join(tmp, 'config'), { recursive: true })
    writeFileSync(join(tmp, 'containers.conf'), '')
    // overlay where the kernel allows it (as users run Podman); vfs otherwise (no mounts at all).
    // LAYERSCOPE_PODMAN_STORAGE=vfs forces the fallback.
    driver = process.env.LAYERSCOPE_PODMAN_STORAGE === 'vfs' ? 'vfs' : 'overlay'
    writeStorageConf()
    try {
      podman(['info', '--format', '{{.Store.GraphDriverName}}'])
    } catch {
      rmSync(join(tmp, 'root'), { recursive: true, force: true })
      driver = 'vfs'
      writeStorageConf()
    }
    const log = openSync(join(tmp, 'service.log'), 'w')
    service = spawn('podman', [...podmanGlobal(), 'system', 'service', '--time=0', `unix://${sock}`], { stdio: ['ignore', log, log], env: podmanEnv() })
    closeSync(log)
    await waitForService()
    console.info(`[podman] private service on ${sock} (${driver} storage)`)

    // Nothing can be pulled: the base is imported from the same busybox rootfs Docker's tests use.
    podman(['import', '-c', `LABEL ${FIXTURE_LABEL}=base`, '-c', 'CMD ["/bin/sh"]', '-', BASE], busyboxRootfsTar())
    const ctx = join(tmp, 'ctx')
    mkdirSync(join(ctx, 'files', 'dir1'), { recursive: true })
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE)
    writeFileSync(join(ctx, 'files', 'blob.bin'), Buffer.alloc(50_000, 7))
    writeFileSync(join(ctx, 'files', 'dir1', 'x'), 'x'.repeat(1000))
    podman(['build', '-q', '--isolation', 'chroot', '--pull=never', '--label', `${FIXTURE_LABEL}=test`, '-t', IMG, '-t', IMG2, ctx])
    podman(['save', '-o', join(tmp, 'saved.tar'), IMG])

    client = EngineClient.fromEnvironment({ DOCKER_HOST: `unix://${sock}` })
    const svc = new AnalysisService({ engine: () => client, cacheDir: join(tmp, 'cache') })
    // The short name, as a person types it: Podman resolves it to localhost/.
    analysis = (await svc.open({ kind: 'engine', ref: 'layerscope-test/podman-waste:1' })).analysis
    await svc.flush()
  })

  afterAll(async () => {
    await stopService()
    if (!tmp) return
    unmountUnder(tmp)
    rmSync(tmp, { recursive: true, force: true })
  })

  it('engine:status says podman, with the version and API version Podman reports', async () => {
    const status = await client.status()
    const version = JSON.parse((await rawGet('/version')).body) as { Version: string; ApiVersion: string }
    const ping = await rawGet('/_ping')
    expect(status).toMatchObject({ ok: true, engine: 'podman', version: version.Version, apiVersion: version.ApiVersion, buildkit: false })
    expect(status.ok && status.version).toBe(podman(['version', '--format', '{{.Client.Version}}']).trim())
    expect(status.ok && status.apiVersion).toBe(ping.headers['api-version'])
    expect(status.endpoint).toEqual({ url: `unix://${sock}`, via: 'DOCKER_HOST' })
  })

  it('finds the Podman socket at $XDG_RUNTIME_DIR/podman/podman.sock when no Docker socket exists', async () => {
    const none = join(tmp, 'no-docker.sock')
    const fallback = EngineClient.fromEnvironment({ XDG_RUNTIME_DIR: join(tmp, 'xdg') }, { home: tmp, defaultSocket: none, userSockets: [] })
    expect(fallback.endpoint).toEqual({ url: `unix://${sock}`, via: 'podman' })
    expect(await fallback.status()).toMatchObject({ ok: true, engine: 'podman' })
  })

  it('images:list lists every image with inspect .Size, rounded as `podman images` rounds it', async () => {
    const list = await client.listImages()
    const byTag = new Map(list.flatMap((i) => i.repoTags.map((t) => [t, i] as const)))
    expect([...byTag.keys()].sort()).toEqual([BASE, IMG2, IMG].sort())
    expect(byTag.get(IMG)).toBe(byTag.get(IMG2))
    expect(byTag.get(BASE)!.layers).toBe(1)
    expect(byTag.get(IMG)!.layers).toBe(4)
    // `podman images` prints "2.37 MB" (a space, unlike docker's "2.37MB"); the rounding is docker's.
    const printed = new Map(
      podman(['images', '--no-trunc', '--format', '{{.ID}} {{.Size}}'])
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const)
    )
    for (const img of list) {
      const inspect = JSON.parse((await rawGet(`/images/${img.id}/json`)).body) as { Size: number; RootFS: { Layers: string[] } }
      expect(img.size, img.repoTags.join()).toBe(inspect.Size)
      expect(img.layers).toBe(inspect.RootFS.Layers.length)
      const shown = printed.get(img.id) ?? printed.get(img.id.replace(/^sha256:/, ''))
      expect(shown, `podman images row for ${img.id}`).toBeDefined()
      expect(shown!.replace(' ', '')).toBe(formatDockerSize(img.size))
    }
    // -a adds the build's intermediate images, untagged.
    const all = await client.listImages({ all: true })
    expect(all.length).toBeGreaterThan(list.length)
    expect(all.filter((i) => i.repoTags.length === 0).length).toBe(all.length - list.length)
  })

  it('analyses the image from the socket export: every layer matches `tar -tv` of `podman save`', () => {
    const x = join(tmp, 'saved')
    mkdirSync(x)
    execFileSync('tar', ['-xf', join(tmp, 'saved.tar'), '-C', x])
    const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
    const layerFiles = manifest[0]!.Layers
    expect(analysis.format).toBe('docker-archive')
    expect(analysis.layers).toHaveLength(layerFiles.length)
    layerFiles.forEach((lf, i) => {
      const { contentBytes, files, entries } = analysis.layers[i]!
      expect({ contentBytes, files, entries }, `layer ${i}`).toEqual(layerFigures(join(x, lf)))
    })
    expect(analysis.layerBytes).toBe(analysis.layers.reduce((s, l) => s + l.contentBytes, 0))
  })

  it('reports inspect .Size, the tags, the final filesystem as `podman export` sees it, and the waste', async () => {
    const inspect = JSON.parse((await rawGet(`/images/${encodeURIComponent(IMG)}/json`)).body) as { Id: string; Size: number }
    expect(analysis.image).toMatchObject({ id: inspect.Id, size: inspect.Size, sizeKind: 'engine' })
    expect([...analysis.image.repoTags].sort()).toEqual([IMG, IMG2].sort())
    const cid = podman(['create', '--network', 'none', IMG]).trim()
    try {
      podman(['export', '-o', join(tmp, 'export.tar'), cid])
    } finally {
      podman(['rm', cid])
    }
    const files = listTar(join(tmp, 'export.tar')).filter((l) => l.type === '-')
    expect(analysis.final.bytes).toBe(files.reduce((s, l) => s + l.size, 0))
    expect(analysis.final.files).toBe(files.length)
    const by = Object.fromEntries(analysis.waste.paths.map((p) => [p.path, p]))
    expect(by['/work/big.bin']).toMatchObject({ bytes: 307200, reason: 'deleted', layerIndex: 2, byLayerIndex: 3 })
    expect(by['/data/dir1/x']).toMatchObject({ bytes: 1000, reason: 'deleted', layerIndex: 1, byLayerIndex: 3 })
    expect(analysis.waste.bytes).toBe(analysis.layerBytes - analysis.final.bytes)
  })

  it('joins Podman history and finds the imported base', () => {
    expect(analysis.layers[2]!.createdBy).toMatch(/^RUN mkdir -p \/work && dd/)
    expect(analysis.layers[3]!.createdBy).toBe('RUN rm /work/big.bin && rm -r /data/dir1')
    expect(analysis.layers[1]!.createdBy).toMatch(/^COPY /)
    const env = analysis.history.find((h) => h.createdBy === 'ENV X=1')
    expect(env).toMatchObject({ emptyLayer: true })
    expect(env!.layerIndex).toBeUndefined()
    expect(analysis.base).toEqual({ ref: BASE, layers: 1 })
    expect(analysis.layers.map((l) => l.isBase)).toEqual([true, false, false, false])
  })

  it('re-opens from the layer cache without exporting again', async () => {
    const again = new AnalysisService({ engine: () => client, cacheDir: join(tmp, 'cache') })
    const a = (await again.open({ kind: 'engine', ref: IMG2 })).analysis
    expect(again.exports).toBe(0)
    expect(a.format).toBe('cache')
    expect(a.layers.map((l) => [l.diffId, l.contentBytes, l.files])).toEqual(analysis.layers.map((l) => [l.diffId, l.contentBytes, l.files]))
    expect(a.final).toEqual(analysis.final)
  })

  it('says plainly when Podman has no such image', async () => {
    const svc = new AnalysisService({ engine: () => client, cacheDir: join(tmp, 'cache') })
    const err = await svc.open({ kind: 'engine', ref: 'layerscope-test/podman-missing:1' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LayerscopeError)
    expect(err).toMatchObject({ code: 'IMAGE_NOT_FOUND' })
    expect((err as Error).message).toBe('No local image layerscope-test/podman-missing:1: `podman images` lists what this engine has.')
  })

  it('says Podman is not running, and how to start it, once the service has stopped', async () => {
    await stopService()
    const status = await EngineClient.fromEnvironment({ DOCKER_HOST: `unix://${sock}` }).status()
    expect(status).toMatchObject({ ok: false, code: 'ENGINE_UNREACHABLE' })
    const message = status.ok ? '' : status.message
    // Podman removes its socket on SIGTERM (no socket there); an older one may leave it (refused).
    expect(message).toMatch(/^Podman is not running at unix:\/\/\S+ \((no socket there|connection refused)\)\. Start it with `systemctl --user start podman\.socket`/)
    expect(message).toContain(`unix://${sock} `)
  })
})
