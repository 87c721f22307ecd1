// Engine faults that need a real engine to die: a private dockerd this test starts itself (own
// data-root, exec-root and socket under a temp folder, no bridge, no iptables) is killed in
// the middle of an export, restarted between a list and an open, and loses the image being
// exported. Each time the client says what happened, and the next call works once it is back.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { busyboxRootfsTar } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from './engine-client'

const canRun = process.getuid?.() === 0 && spawnable('dockerd')
const REF = 'layerscope-test/private:1'

function spawnable(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A dockerd of our own; only the processes it starts are ever stopped (by pid). */
class PrivateDockerd {
  readonly dir = mkdtempSync('/tmp/lsf.') // short: unix socket paths stay under 108 bytes
  readonly socket = join(this.dir, 'docker.sock')
  private proc?: ChildProcess

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true })
    mkdirSync(join(this.dir, 'exec'), { recursive: true })
    writeFileSync(join(this.dir, 'daemon.json'), '{}')
    const log = openSync(join(this.dir, 'dockerd.log'), 'a')
    const ns = `layerscope-faults-${process.pid}`
    this.proc = spawn(
      'dockerd',
      [
        '--config-file', join(this.dir, 'daemon.json'),
        '--data-root', join(this.dir, 'data'),
        '--exec-root', join(this.dir, 'exec'),
        '--pidfile', join(this.dir, 'docker.pid'),
        '-H', `unix://${this.socket}`,
        '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false', '--userland-proxy=false',
        '--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-plugins`
      ],
      { stdio: ['ignore', log, log] }
    )
    const probe = this.client({ callTimeoutMs: 1000 })
    for (let i = 0; i < 120; i++) {
      if (await probe.ping().then(() => true, () => false)) return
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error(`private dockerd did not come up: ${readFileSync(join(this.dir, 'dockerd.log'), 'utf8').slice(-2000)}`)
  }

  /** SIGKILL: the engine dies mid-work; its containerd goes with it, as a service manager would do. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL')
    this.killContainerd()
  }

  /** The containerd this dockerd started (its pid file under our exec-root, its command line naming our folder). */
  private killContainerd(): void {
    const pidFile = join(this.dir, 'exec', 'containerd', 'containerd.pid')
    if (!existsSync(pidFile)) return
    const pid = Number(readFileSync(pidFile, 'utf8').trim())
    try {
      if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.dir)) process.kill(pid, 'SIGKILL')
    } catch {
      return // gone already
    }
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) execFileSync('sleep', ['0.05'])
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM')
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc
    if (!p || p.exitCode !== null) return
    const exited = new Promise<void>((r) => p.once('exit', () => r()))
    p.kill(sig)
    await exited
    this.proc = undefined
  }

  docker(args: string[], input?: Buffer): string {
    return execFileSync('docker', ['-H', `unix://${this.socket}`, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 })
  }

  client(limits: Partial<EngineClient['limits']> = {}): EngineClient {
    return EngineClient.fromEnvironment({ HOME: this.dir, DOCKER_HOST: `unix://${this.socket}` }, {}, limits)
  }

  async cleanup(): Promise<void> {
    await this.stop()
    this.killContainerd()
    for (const m of readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(this.dir)).sort().reverse()) {
      try {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' })
      } catch {
        // not mounted any more
      }
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The image: busybox plus a 48 MiB file, so an export outlasts every socket buffer. */
function importImage(d: PrivateDockerd): void {
  const dir = mkdtempSync('/tmp/lsf-img.')
  try {
    execFileSync('sh', ['-c', `mkdir -p root && cd root && tar -xf - && dd if=/dev/urandom of=big bs=1M count=48 2>/dev/null`], { cwd: dir, input: busyboxRootfsTar() })
    const tar = execFileSync('tar', ['-C', join(dir, 'root'), '-cf', '-', '.'], { maxBuffer: 1 << 27 })
    d.docker(['import', '-', REF], tar)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function firstChunkThenRest(s: AsyncIterable<Buffer>, between: () => Promise<void>): Promise<{ bytes: number; sha: string }> {
  const it = s[Symbol.asyncIterator]()
  const h = createHash('sha256')
  const first = await it.next()
  let bytes = 0
  if (!first.done) {
    h.update(first.value)
    bytes += first.value.length
  }
  await between()
  for (let r = await it.next(); !r.done; r = await it.next()) {
    h.update(r.value)
    bytes += r.value.length
  }
  return { bytes, sha: h.digest('hex') }
}

/** `docker save`'s byte count, the reference for a whole export. */
const cliSave = (d: PrivateDockerd): { bytes: number } => ({
  bytes: Number(execFileSync('sh', ['-c', `docker -H unix://${d.socket} save ${REF} | wc -c`], { encoding: 'utf8' }).trim())
})

let d: PrivateDockerd
beforeAll(async () => {
  if (!canRun) return
  d = new PrivateDockerd()
  await d.start()
  importImage(d)
}, 180_000)
afterAll(async () => {
  if (canRun) await d.cleanup()
}, 120_000)

describe.runIf(canRun)('a private dockerd that fails', () => {
  it('killed mid-export: the stream ends with ENGINE_UNREACHABLE, calls fail clearly while it is down, and work once it is back', async () => {
    const engine = d.client({ callTimeoutMs: 5000 })
    const stream = await engine.saveImages([REF])
    const err = (await firstChunkThenRest(stream as AsyncIterable<Buffer>, () => d.kill()).catch((e: unknown) => e)) as { code?: string; message?: string }
    expect(err).toMatchObject({ code: 'ENGINE_UNREACHABLE' })
    expect(err.message).toMatch(new RegExp(`^Docker (is not running at|at) unix://${d.socket}`))
    // down: the socket file is still there, nobody listens
    await expect(engine.inspectImage(REF)).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/connection refused|no socket there/) })
    expect(await engine.status()).toMatchObject({ ok: false, code: 'ENGINE_UNREACHABLE' })
    await d.start()
    // back: the same client answers, and the export is whole
    expect((await engine.status()).ok).toBe(true)
    let bytes = 0
    for await (const c of (await engine.saveImages([REF])) as AsyncIterable<Buffer>) bytes += c.length
    expect(bytes).toBe(cliSave(d).bytes)
    expect(bytes).toBeGreaterThan(48 * 1024 * 1024)
  }, 180_000)

  it('restarted between the list and the open: the listed image opens with the same client', async () => {
    const engine = d.client()
    const listed = (await engine.listImages()).find((i) => i.repoTags.includes(REF))!
    expect(listed).toBeDefined()
    await d.stop()
    await d.start()
    const info = await engine.inspectImage(listed.id)
    expect(info.Id).toBe(listed.id)
    expect(info.Size).toBe(listed.size)
    expect((await engine.imageHistory(listed.id)).length).toBeGreaterThan(0)
  }, 180_000)

  it('the image removed mid-export: the export ends whole or with a clear error, and the image is then IMAGE_NOT_FOUND', async () => {
    const engine = d.client()
    const expected = cliSave(d).bytes
    const stream = await engine.saveImages([REF])
    const got = await firstChunkThenRest(stream as AsyncIterable<Buffer>, async () => {
      d.docker(['rmi', REF])
    }).catch((e: unknown) => e)
    if (got instanceof Error) {
      expect(got).toMatchObject({ name: 'LayerscopeError' })
      expect((got as unknown as { code: string }).code).toMatch(/^(ENGINE_ERROR|ENGINE_UNREACHABLE|IMAGE_NOT_FOUND)$/)
    } else {
      // Docker 20.10 keeps the layers open: the export finishes with every byte.
      expect((got as { bytes: number }).bytes).toBe(expected)
    }
    await expect(engine.inspectImage(REF)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND', message: `No local image ${REF}: \`docker images\` lists what this engine has.` })
    await expect(engine.saveImages([REF])).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
    importImage(d)
  }, 180_000)
})
