// observeRequests: on one shared client (the app has one), each observer is told only about the
// requests of its own work, however the calls interleave (history counts its requests this way).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryClient } from './client'
import type { RequestRecord } from './types'

let server: Server
let port = 0
beforeAll(async () => {
  // A plain-HTTP "registry" on 127.0.0.1 that knows no manifest: every request is one 404, late.
  server = createServer((_req, res) => setTimeout(() => res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}'), 20))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('RegistryClient.observeRequests', () => {
  it('each observer sees its own requests only; the client-wide onRequest sees all', async () => {
    const all: RequestRecord[] = []
    const c = new RegistryClient({ env: {}, retries: 0, onRequest: (r) => all.push(r) })
    const seenA: string[] = []
    const seenB: string[] = []
    const ref = (tag: string): string => `registry://127.0.0.1:${port}/repo:${tag}`
    const work = (tags: string[]) => async () => {
      for (const t of tags) await c.getManifest(ref(t)).catch(() => undefined)
    }
    await Promise.all([
      c.observeRequests((r) => seenA.push(r.url), work(['a1', 'a2', 'a3'])),
      c.observeRequests((r) => seenB.push(r.url), work(['b1', 'b2'])),
      work(['x'])() // not observed
    ])
    const url = (t: string): string => `http://127.0.0.1:${port}/v2/repo/manifests/${t}`
    expect(seenA).toEqual([url('a1'), url('a2'), url('a3')])
    expect(seenB).toEqual([url('b1'), url('b2')])
    expect(all.map((r) => r.url).sort()).toEqual([...seenA, ...seenB, url('x')].sort())
    c.close()
  })
})
