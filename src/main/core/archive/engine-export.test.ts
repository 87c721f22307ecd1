import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExportEngine } from './engine-export'
import { afterEach, describe, expect, it } from 'vitest'
import { exportImage } from './engine-export'

const dirs: string[] = []
let server: Server | undefined

afterEach(() => {
  server?.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A fake engine on a unix socket: `reply` writes the raw HTTP answer in pieces. */
async function fakeEngine(reply: (s: Socket, path: string) => void): Promise<ExportEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-export-'))
  dirs.push(dir)
  const sock = join(dir, 'docker.sock')
  server = createServer((s) => {
    let req = ''
    s.on('data', (d) => {
      req += d.toString()
      if (req.includes('\r\n\r\n')) reply(s, req.split(' ')[1]!)
    })
  })
  await new Promise<void>((r) => server!.listen(sock, r))
  return { connection: { kind: 'unix', socketPath: sock } } as unknown as ExportEngine
}

async function collect(docker: ExportEngine, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = []
  await exportImage(docker, 'sha256:abc', (c) => void parts.push(Buffer.from(c)), signal)
  return Buffer.concat(parts)
}

const body = Buffer.from(Array.from({ length: 70000 }, (_, i) => i % 251))

function chunkedPieces(): Buffer[] {
  const enc: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n')]
  for (let i = 0; i < body.length; i += 30000) {
    const part = body.subarray(i, i + 30000)
    enc.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'))
  }
  enc.push(Buffer.from('0\r\n\r\n'))
  const all = Buffer.concat(enc)
  // Split at awkward places: inside the head, size lines and CRLFs.
  const cuts = [10, 77, 90, 91, 30100, 30101, 30102, 60110, all.length]
  const out: Buffer[] = []
  let prev = 0
  for (const c of cuts) {
    out.push(all.subarray(prev, c))
    prev = c
  }
  return out
}

describe('exportImage over a unix socket', () => {
  it('decodes a chunked body split at any byte', async () => {
    let asked = ''
    const docker = await fakeEngine((s, path) => {
      asked = path
      const pieces = chunkedPieces()
      const next = (): void => {
        const p = pieces.shift()
        if (!p) return void s.end()
        s.write(p, () => setTimeout(next, 1))
      }
      next()
    })
    expect((await collect(docker)).equals(body)).toBe(true)
    expect(asked).toBe('/images/sha256%3Aabc/get')
  })

  it('turns an HTTP error into a status the engine mapping understands', async () => {
    const docker = await fakeEngine((s) => {
      const msg = JSON.stringify({ message: 'reference does not exist' })
      s.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`)
    })
    await expect(collect(docker)).rejects.toMatchObject({ statusCode: 404, message: 'reference does not exist' })
  })

  it('reports an export cut short, and stops on cancel', async () => {
    const docker = await fakeEngine((s) => {
      s.end(Buffer.concat(chunkedPieces()).subarray(0, 40000))
    })
    await expect(collect(docker)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('ended before') })
    server?.close()
    const hang = await fakeEngine((s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'))
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 50)
    await expect(collect(hang, ac.signal)).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('ends once the archive is complete, not when the engine ends the response after its clean-up; the rest is drained', async () => {
    let closedAt = 0
    let endSentAt = 0
    const docker = await fakeEngine((s, _path) => {
      s.on('close', () => (closedAt = performance.now()))
      const all = Buffer.concat(chunkedPieces())
      const last = all.subarray(all.length - 5) // "0\r\n\r\n", the end of the response: sent only after a "clean-up"
      s.write(all.subarray(0, all.length - 5))
      setTimeout(() => {
        endSentAt = performance.now()
        s.end(last)
      }, 600)
    })
    const parts: Buffer[] = []
    let got = 0
    await exportImage(docker, 'sha256:abc', (c) => {
      parts.push(Buffer.from(c))
      got += c.length
    }, undefined, () => got >= body.length)
    expect(Buffer.concat(parts).equals(body)).toBe(true)
    // Answered before the engine's end (600 ms later), and the connection is closed once that comes.
    expect(endSentAt).toBe(0)
    await new Promise((r) => setTimeout(r, 900))
    expect(endSentAt).toBeGreaterThan(0)
    expect(closedAt).toBeGreaterThanOrEqual(endSentAt)

    // Without `complete`, the export waits for the response's end.
    server?.close()
    let ended = false
    const slow = await fakeEngine((s) => {
      const all = Buffer.concat(chunkedPieces())
      s.write(all.subarray(0, all.length - 5))
      setTimeout(() => {
        ended = true
        s.end(all.subarray(all.length - 5))
      }, 300)
    })
    expect((await collect(slow)).equals(body)).toBe(true)
    expect(ended).toBe(true)
  })

  it('closes a drained connection whose rest stays silent for the idle time (a daemon that never ends the response)', async () => {
    let closedAt = 0
    const docker = await fakeEngine((s) => {
      s.on('close', () => (closedAt = performance.now()))
      const all = Buffer.concat(chunkedPieces())
      // Everything but the response's end, which never comes; the socket stays open.
      s.write(all.subarray(0, all.length - 5))
    })
    let got = 0
    await exportImage(docker, 'sha256:abc', (c) => void (got += c.length), undefined, () => got >= body.length, 150)
    const answeredAt = performance.now()
    expect(got).toBe(body.length)
    await new Promise((r) => setTimeout(r, 500))
    // Closed by the idle timeout, not before it (and not left open for good).
    expect(closedAt).toBeGreaterThan(0)
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(100)
  })
})
