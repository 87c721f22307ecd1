// A real engine behind a slow link: a unix socket that forwards every byte to the Docker
// socket and sends the engine's answers back at a fixed rate. Nothing is faked: the backend
// talks to the real engine, only more slowly, so an export takes long enough to watch.
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildImage, ensureBaseImage, imageExists } from '../scripts/fixtures/base-image'

export interface SlowEngine {
  /** For DOCKER_HOST. */
  host: string
  close(): Promise<void>
}

const ENGINE_SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '')

/** Engine answers at `bytesPerSecond` (requests pass at full speed). */
export async function startSlowEngine(bytesPerSecond: number): Promise<SlowEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-slow-engine-'))
  const path = join(dir, 'docker.sock')
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const engine = createConnection(ENGINE_SOCKET)
    sockets.add(client)
    sockets.add(engine)
    client.pipe(engine)
    // Slices of 16 KiB, each after its share of the second.
    const slice = 16 * 1024
    let queue = Promise.resolve()
    engine.on('data', (chunk: Buffer) => {
      engine.pause()
      queue = queue.then(async () => {
        for (let at = 0; at < chunk.length; at += slice) {
          const part = chunk.subarray(at, at + slice)
          await new Promise((r) => setTimeout(r, (part.length / bytesPerSecond) * 1000))
          if (client.destroyed) return
          client.write(part)
        }
        engine.resume()
      })
    })
    engine.on('end', () => void queue.then(() => client.end()))
    const stop = (): void => {
      client.destroy()
      engine.destroy()
      sockets.delete(client)
      sockets.delete(engine)
    }
    engine.on('error', stop)
    client.on('error', stop)
    client.on('close', stop)
  })
  await new Promise<void>((res) => server.listen(path, res))
  return {
    host: `unix://${path}`,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy()
        server.close(() => {
          rmSync(dir, { recursive: true, force: true })
          res()
        })
      })
  }
}

/** Four layers and an empty step, about 8 MB of export: seconds of reading behind a slow link. */
export const EARLY_IMAGE = 'layerscope-test/ui-early:1'

export async function buildEarlyImage(): Promise<string> {
  await ensureBaseImage()
  if (imageExists(EARLY_IMAGE)) return EARLY_IMAGE
  return buildImage(
    EARLY_IMAGE,
    `FROM layerscope-fixture/busybox:1
RUN dd if=/dev/zero of=/a.bin bs=1M count=3
ENV MODE=slow
COPY app.conf /etc/app.conf
RUN dd if=/dev/zero of=/b.bin bs=1M count=3
`,
    { 'app.conf': 'x=1\n' }
  )
}
