// The client against a REAL registry (Debian's docker-registry, distribution 2.8) holding
// images pushed by skopeo from the engine and from an OCI layout: manifests and configs equal
// what skopeo and the engine say, every blob hashes to its digest and unpacks to its diff ID
// (gzip via zlib, zstd via the zstd CLI), tags page, and each failure is refused by name.
// Faults a registry cannot make on request (429, 5xx, stalls, cuts) come from a proxy in
// front of the real one (scripts/test-env/registry-proxy.ts).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { startFaultProxy, type FaultProxy } from '../../../../scripts/test-env/registry-proxy'
import { pushImage, putBlob, putManifest, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'
import { buildMultiPlatformFixture, MP_PREFIX, MP_TAG, type MultiPlatformFixture } from '../archive/testdata/multi-platform-fixture'
import { LayerscopeError } from '../errors'
import { RegistryClient, mapBounded, type RequestRecord } from './index'

const SKIP = registrySkipReason()
if (SKIP) console.warn(`registry integration tests skipped: ${SKIP}`)

const PREFIX = 'layerscope-test/regclient-'
const APP1 = `${PREFIX}app:1`
const APP2 = `${PREFIX}app:2`
const CORRUPT = `${PREFIX}corrupt:1`
const TRUNC = `${PREFIX}trunc:1`
const BIG = `${PREFIX}big:1`

let reg: TestRegistry
let regZstd: TestRegistry
let tmp: string
let mp: MultiPlatformFixture
const records: RequestRecord[] = []
let client: RegistryClient

const src = (repoTag: string, host = reg.host): string => `registry://${host}/${repoTag}`

async function sha256Of(stream: Readable): Promise<{ digest: string; bytes: number }> {
  const h = createHash('sha256')
  let bytes = 0
  for await (const c of stream) {
    h.update(c as Buffer)
    bytes += (c as Buffer).length
  }
  return { digest: `sha256:${h.digest('hex')}`, bytes }
}

/** The diff ID: sha256 of the uncompressed tar, by zlib (gzip) or the zstd CLI. */
async function diffIdOf(blob: Readable, mediaType: string): Promise<string> {
  const h = createHash('sha256')
  if (mediaType.endsWith('zstd')) {
    const z = spawn('zstd', ['-dc'], { stdio: ['pipe', 'pipe', 'inherit'] })
    const out = (async () => {
      for await (const c of z.stdout) h.update(c as Buffer)
    })()
    await pipeline(blob, z.stdin)
    await out
  } else if (mediaType.endsWith('gzip')) {
    const g = createGunzip()
    const out = (async () => {
      for await (const c of g) h.update(c as Buffer)
    })()
    await pipeline(blob, g)
    await out
  } else for await (const c of blob) h.update(c as Buffer)
  return `sha256:${h.digest('hex')}`
}

async function refusal(p: Promise<unknown>): Promise<LayerscopeError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(LayerscopeError)
    return e as LayerscopeError
  }
  throw new Error('expected a refusal')
}

function inspect<T>(ref: string, format: string): T {
  return JSON.parse(docker(['image', 'inspect', '--format', format, ref])) as T
}

describe.skipIf(!!SKIP)('registry client against docker-registry 2.8', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'layerscope-reg-'))
    reg = await startRegistry()
    await ensureBaseImage()
    buildImage(APP1, `FROM ${BASE_IMAGE}\nCOPY app/ /app/\nRUN echo one > /app/version && rm /app/drop.bin\n`, {
      'app/main.bin': Buffer.alloc(300_000, 7),
      'app/drop.bin': Buffer.alloc(50_000, 9),
      'app/config.json': '{"v":1}\n'
    })
    buildImage(APP2, `FROM ${APP1}\nCOPY extra.bin /app/extra.bin\n`, { 'extra.bin': randomish(120_000, 2) })
    buildImage(CORRUPT, `FROM ${BASE_IMAGE}\nCOPY c.bin /c.bin\n`, { 'c.bin': randomish(70_000, 3) })
    buildImage(TRUNC, `FROM ${BASE_IMAGE}\nCOPY t.bin /t.bin\n`, { 't.bin': randomish(90_000, 4) })
    buildImage(BIG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1048576 count=12 2>/dev/null\n`)
    await pushImage(`docker-daemon:${APP1}`, reg.host, 'app:1', { format: 'v2s2' })
    await pushImage(`docker-daemon:${APP2}`, reg.host, 'app:2', { format: 'v2s2' })
    await pushImage(`docker-daemon:${APP1}`, reg.host, 'app:1-oci', { format: 'oci' })
    // skopeo 1.9 reuses a variant of a layer the registry already holds instead of recompressing
    // it; a registry of its own gets real zstd layers.
    regZstd = await startRegistry()
    await pushImage(`docker-daemon:${APP1}`, regZstd.host, 'app:1-zstd', { format: 'oci', zstd: true })
    await pushImage(`docker-daemon:${CORRUPT}`, reg.host, 'corrupt:1')
    await pushImage(`docker-daemon:${TRUNC}`, reg.host, 'trunc:1')
    await pushImage(`docker-daemon:${BIG}`, reg.host, 'big:1')
    mp = await buildMultiPlatformFixture(join(tmp, 'mp'))
    await pushImage(`oci:${mp.nestedDir}:${MP_TAG}`, reg.host, `multi:${MP_TAG}`, { all: true })
    client = new RegistryClient({ onRequest: (r) => records.push(r), retryBaseMs: 50 })
  })

  afterAll(async () => {
    client?.close()
    await reg?.stop()
    await regZstd?.stop()
    removeTestImages(PREFIX)
    removeTestImages(MP_PREFIX)
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('resolves a Docker schema 2 image: manifest as skopeo reads it, config = the engine image, diff IDs = RootFS.Layers', async () => {
    const r = await client.resolve(src('app:1'))
    const raw = await skopeoRawManifest(reg.host, 'app:1')
    expect(r.digest).toBe(raw.digest)
    expect(r.manifestDigest).toBe(raw.digest)
    expect(r.manifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    expect(r.manifest.layers).toEqual(raw.json.layers)
    expect(r.manifest.config).toEqual(raw.json.config)
    expect(r.config.digest).toBe(docker(['image', 'inspect', '--format', '{{.Id}}', APP1]).trim())
    expect(r.diffIds).toEqual(inspect<string[]>(APP1, '{{json .RootFS.Layers}}'))
    expect(r.platform).toBe('linux/amd64')
    expect(r.platforms).toEqual([])
    const layers = raw.json.layers as Array<{ size: number }>
    expect(r.downloadBytes).toBe(layers.reduce((s, l) => s + l.size, 0) + (raw.json.config as { size: number }).size)
  })

  it('every layer blob streams verified: sha256 = digest, bytes = size, unpacked sha256 = diff ID (gzip and zstd)', async () => {
    for (const [tag, host] of [['app:1', reg.host], ['app:1-oci', reg.host], ['app:1-zstd', regZstd.host]] as const) {
      const r = await client.resolve(src(tag, host))
      expect(r.diffIds).toEqual(inspect<string[]>(APP1, '{{json .RootFS.Layers}}'))
      if (tag === 'app:1-zstd') expect(r.manifest.layers.map((l) => l.mediaType)).toEqual(r.manifest.layers.map(() => 'application/vnd.oci.image.layer.v1.tar+zstd'))
      if (tag === 'app:1-oci') expect(r.manifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json')
      await mapBounded(r.manifest.layers, 2, async (l, i, signal) => {
        const got = await sha256Of(await client.openBlob(src(tag, host), l, { signal }))
        expect(got).toEqual({ digest: l.digest, bytes: l.size })
        expect(await diffIdOf(await client.openBlob(src(tag, host), l, { signal }), l.mediaType)).toBe(r.diffIds[i])
      })
      for (const l of r.manifest.layers) expect(await client.blobSize(src(tag, host), l.digest)).toBe(l.size)
    }
  })

  it('a multi-platform index: the platform list for a picker, the host platform by default, another on request', async () => {
    const host = await client.resolve(src(`multi:${MP_TAG}`))
    expect(host.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64/v8'])
    expect(host.manifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(host.digest).toBe((await skopeoRawManifest(reg.host, `multi:${MP_TAG}`)).digest)
    expect(host.digest).not.toBe(host.manifestDigest)
    expect(host.config.digest).toBe(mp.configs.amd64.digest)
    const arm = await client.resolve(src(`multi:${MP_TAG}`), { platform: 'linux/arm64' })
    expect(arm.platform).toBe('linux/arm64/v8')
    expect(arm.config.digest).toBe(mp.configs.arm64.digest)
    expect(arm.diffIds).toEqual(mp.configs.arm64.diffIds)
    expect(arm.manifestDigest).toBe(host.platforms[1]!.digest)
    const e = await refusal(client.resolve(src(`multi:${MP_TAG}`), { platform: 'linux/s390x' }))
    expect(e.code).toBe('PLATFORM_MISMATCH')
    expect(e.message).toContain('it has: linux/amd64, linux/arm64/v8')
  })

  it('a loopback registry by name (localhost:PORT) is reached over plain HTTP, as docker allows', async () => {
    const seen: RequestRecord[] = []
    const r = await new RegistryClient({ onRequest: (x) => seen.push(x) }).resolve(`registry://localhost:${reg.port}/app:1`)
    expect(r.digest).toBe((await skopeoRawManifest(reg.host, 'app:1')).digest)
    expect(seen[0]!.url).toMatch(/^http:\/\/localhost:\d+\/v2\/app\/manifests\/1$/)
  })

  it('pinned digests resolve and are checked', async () => {
    const raw = await skopeoRawManifest(reg.host, 'app:2')
    const r = await client.resolve(src(`app@${raw.digest}`))
    expect(r.digest).toBe(raw.digest)
    expect(r.diffIds).toEqual(inspect<string[]>(APP2, '{{json .RootFS.Layers}}'))
  })

  it('a slow consumer (backpressure) is no stall: pauses far longer than the idle timeout, the blob still verifies', async () => {
    const c = new RegistryClient({ idleTimeoutMs: 200, retries: 0 })
    const ref = src('big:1')
    const r = await c.resolve(ref)
    const big = [...r.manifest.layers].sort((a, b) => b.size - a.size)[0]!
    expect(big.size).toBeGreaterThan(12_000_000)
    const h = createHash('sha256')
    let n = 0
    let slow = 0
    for await (const chunk of await c.openBlob(ref, big)) {
      h.update(chunk as Buffer)
      n += (chunk as Buffer).length
      if (slow++ < 3) await new Promise((res) => setTimeout(res, 600))
    }
    expect({ digest: `sha256:${h.digest('hex')}`, n }).toEqual({ digest: big.digest, n: big.size })
    c.close()
  })

  it('tags: the whole list of a repository', async () => {
    expect((await client.listTags(src('app'))).sort()).toEqual(['1', '1-oci', '2'])
  })

  describe('refusals by name', () => {
    it('unknown repository, tag and manifest', async () => {
      let e = await refusal(client.resolve(src('nope/nothing:1')))
      expect(e.code).toBe('IMAGE_NOT_FOUND')
      expect(e.message).toMatch(/Repository 127\.0\.0\.1:\d+\/nope\/nothing does not exist/)
      e = await refusal(client.resolve(src('app:9.9')))
      expect(e.code).toBe('IMAGE_NOT_FOUND')
      expect(e.message).toMatch(/has no tag "9\.9" \(MANIFEST_UNKNOWN\); its tags: 1, 1-oci, 2\./)
      e = await refusal(client.resolve(src(`app@sha256:${'0'.repeat(64)}`)))
      expect(e.code).toBe('IMAGE_NOT_FOUND')
      e = await refusal(client.listTags(src('nope/nothing')))
      expect(e.code).toBe('IMAGE_NOT_FOUND')
    })

    it('connection refused and unknown host', async () => {
      const { freePort } = await import('../../../../scripts/test-env/registry')
      const port = await freePort()
      let e = await refusal(client.resolve(`registry://127.0.0.1:${port}/app:1`))
      expect(e.code).toBe('REGISTRY_UNREACHABLE')
      expect(e.message).toContain(`Nothing listens at 127.0.0.1:${port} (connection refused)`)
      e = await refusal(new RegistryClient({ retries: 0 }).resolve('registry://no-such-registry.invalid/app:1'))
      expect(e.code).toBe('REGISTRY_UNREACHABLE')
      expect(e.message).toContain('Unknown registry host "no-such-registry.invalid"')
    })

    it('a blob whose stored bytes were altered: DIGEST_MISMATCH, and the stream never ends as good', async () => {
      const r = await client.resolve(src('corrupt:1'))
      const top = r.manifest.layers.at(-1)!
      const file = reg.blobPath(top.digest)
      const bytes = readFileSync(file)
      const at = Math.floor(bytes.length / 2)
      bytes[at] = bytes[at]! ^ 0xff
      writeFileSync(file, bytes)
      const stream = await client.openBlob(src('corrupt:1'), top)
      let ended = false
      stream.on('end', () => (ended = true))
      const e = await refusal(sha256Of(stream))
      expect(e.code).toBe('DIGEST_MISMATCH')
      expect(e.message).toContain(`not ${top.digest}; refused`)
      expect(ended).toBe(false)
    })

    it('a truncated blob: BLOB_TRUNCATED before a byte is read', async () => {
      const r = await client.resolve(src('trunc:1'))
      const top = r.manifest.layers.at(-1)!
      truncateSync(reg.blobPath(top.digest), Math.floor(top.size / 3))
      const e = await refusal(client.openBlob(src('trunc:1'), top))
      expect(e.code).toBe('BLOB_TRUNCATED')
      expect(e.message).toContain(`the registry sends ${Math.floor(top.size / 3)} bytes but the manifest says ${top.size}`)
    })

    it('an OCI artifact (not an image) and unknown layer types: UNSUPPORTED_MEDIA_TYPE', async () => {
      const cfg = Buffer.from('{"name":"chart"}')
      const layer = Buffer.from('not a tar')
      const cfgDigest = await putBlob(reg.url, 'artifact', cfg)
      const layerDigest = await putBlob(reg.url, 'artifact', layer)
      const manifest = (configType: string, layerType: string): Buffer =>
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: { mediaType: configType, digest: cfgDigest, size: cfg.length },
            layers: [{ mediaType: layerType, digest: layerDigest, size: layer.length }]
          })
        )
      await putManifest(reg.url, 'artifact', 'helm', 'application/vnd.oci.image.manifest.v1+json', manifest('application/vnd.cncf.helm.config.v1+json', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'))
      await putManifest(reg.url, 'artifact', 'odd-layer', 'application/vnd.oci.image.manifest.v1+json', manifest('application/vnd.oci.image.config.v1+json', 'application/x-custom'))
      let e = await refusal(client.resolve(src('artifact:helm')))
      expect(e.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      expect(e.message).toContain('is an OCI artifact (config type application/vnd.cncf.helm.config.v1+json), not a container image')
      e = await refusal(client.resolve(src('artifact:odd-layer')))
      expect(e.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      expect(e.message).toContain('media type application/x-custom, which is not a tar, gzip or zstd layer')
    })
  })

  describe('faults through a proxy in front of the real registry', () => {
    let proxy: FaultProxy
    beforeAll(async () => {
      proxy = await startFaultProxy(reg.url)
    })
    afterAll(async () => {
      await proxy?.stop()
    })
    const isManifest = (path: string): boolean => path.includes('/manifests/')
    const isBlob = (path: string): boolean => path.includes('/blobs/')

    it('tags are followed across pages (Link: rel="next", n and last)', async () => {
      // distribution 2.8 ignores n on tags/list (paging came with 3.0); registries that page
      // (Docker Hub, GHCR, distribution 3) answer like this, from the real registry's list.
      for (const t of ['t-a', 't-b', 't-c', 't-d', 't-e']) await pushImage(`docker-daemon:${APP2}`, reg.host, `paged:${t}`)
      const all = await client.listTags(src('paged'))
      expect(all.sort()).toEqual(['t-a', 't-b', 't-c', 't-d', 't-e'])
      proxy.plan = (req) => {
        if (!req.path.startsWith('/v2/paged/tags/list')) return { kind: 'forward' }
        const q = new URL(req.path, 'http://x').searchParams
        const n = Number(q.get('n') ?? 100)
        const last = q.get('last')
        const from = last ? all.indexOf(last) + 1 : 0
        const page = all.slice(from, from + n)
        const more = from + n < all.length
        return {
          kind: 'respond',
          status: 200,
          headers: { 'content-type': 'application/json', ...(more ? { link: `</v2/paged/tags/list?last=${page.at(-1)}&n=${n}>; rel="next"` } : {}) },
          body: JSON.stringify({ name: 'paged', tags: page })
        }
      }
      const seen: RequestRecord[] = []
      const tags = await new RegistryClient({ onRequest: (r) => seen.push(r) }).listTags(src('paged', proxy.host), { pageSize: 2 })
      expect(tags).toEqual(all)
      expect(seen.filter((r) => r.kind === 'tags').length).toBe(3)
      proxy.plan = () => ({ kind: 'forward' })
    })

    it('keep-alive: one client reuses its connections across manifest, config and blob requests', async () => {
      proxy.plan = () => ({ kind: 'forward' })
      const c = new RegistryClient()
      const reqs = proxy.requests.length
      const conns = proxy.connections
      const r = await c.resolve(src('app:2', proxy.host))
      for (const l of r.manifest.layers) await sha256Of(await c.openBlob(src('app:2', proxy.host), l))
      const sent = proxy.requests.length - reqs
      expect(sent).toBe(2 + r.manifest.layers.length)
      // The first connection is the TLS probe (a loopback registry speaking HTTP); then one for everything.
      expect(proxy.connections - conns).toBeLessThanOrEqual(2)
      c.close()
    })

    it('a manifest that is not what its digest says: DIGEST_MISMATCH (pinned digest, Docker-Content-Digest)', async () => {
      const one = await skopeoRawManifest(reg.host, 'app:1')
      const two = await skopeoRawManifest(reg.host, 'app:2')
      const ct = { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'respond', status: 200, headers: ct, body: one.body.toString('utf8') } : { kind: 'forward' })
      let e = await refusal(new RegistryClient({ retries: 0 }).resolve(src(`app@${two.digest}`, proxy.host)))
      expect(e.code).toBe('DIGEST_MISMATCH')
      expect(e.message).toContain(`hashes to ${one.digest}; refused`)
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'respond', status: 200, headers: { ...ct, 'docker-content-digest': two.digest }, body: one.body.toString('utf8') } : { kind: 'forward' })
      e = await refusal(new RegistryClient({ retries: 0 }).resolve(src('app:1', proxy.host)))
      expect(e.code).toBe('DIGEST_MISMATCH')
      expect(e.message).toContain(`hashes to ${one.digest} but the registry says ${two.digest}`)
      proxy.plan = () => ({ kind: 'forward' })
    })

    it('schema 1 is refused by name', async () => {
      proxy.plan = (req) =>
        isManifest(req.path)
          ? { kind: 'respond', status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: JSON.stringify({ schemaVersion: 1, name: 'app', tag: '1', fsLayers: [] }) }
          : { kind: 'forward' }
      const e = await refusal(new RegistryClient({ retries: 0 }).resolve(src('app:1', proxy.host)))
      expect(e.code).toBe('UNSUPPORTED_MEDIA_TYPE')
      expect(e.message).toContain('Docker schema 1 manifest')
    })

    it('429 with Retry-After is waited out, then the request passes; a long Retry-After fails at once with the time to wait', async () => {
      let n = 0
      proxy.plan = (req) => (isManifest(req.path) && n++ === 0 ? { kind: 'respond', status: 429, headers: { 'retry-after': '1' }, body: '{"errors":[{"code":"TOOMANYREQUESTS"}]}' } : { kind: 'forward' })
      const t = Date.now()
      const r = await new RegistryClient({ retryBaseMs: 10 }).resolve(src('app:1', proxy.host))
      expect(Date.now() - t).toBeGreaterThanOrEqual(900)
      expect(r.digest).toBe((await skopeoRawManifest(reg.host, 'app:1')).digest)
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'respond', status: 429, headers: { 'retry-after': '120' } } : { kind: 'forward' })
      const t2 = Date.now()
      const e = await refusal(new RegistryClient({ retryBaseMs: 10 }).resolve(src('app:1', proxy.host)))
      expect(Date.now() - t2).toBeLessThan(5000)
      expect(e.code).toBe('REGISTRY_RATE_LIMITED')
      expect(e.message).toContain('429 Too Many Requests, Retry-After 120 s')
      expect(e.message).toContain('wait 120 s and try again')
    })

    it('5xx is retried with backoff; persistent 5xx is a clear error after the retries', async () => {
      let n = 0
      proxy.plan = (req) => (isManifest(req.path) && n++ < 2 ? { kind: 'respond', status: 503 } : { kind: 'forward' })
      const r = await new RegistryClient({ retryBaseMs: 10, retries: 3 }).resolve(src('app:1', proxy.host))
      expect(r.manifest.layers.length).toBeGreaterThan(0)
      expect(n).toBeGreaterThanOrEqual(3)
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'respond', status: 502 } : { kind: 'forward' })
      const e = await refusal(new RegistryClient({ retryBaseMs: 10, retries: 2 }).resolve(src('app:1', proxy.host)))
      expect(e.code).toBe('REGISTRY_ERROR')
      expect(e.message).toContain('failed (HTTP 502)')
      expect(e.message).toContain('(tried 3 times)')
    })

    it('403 from the registry: REGISTRY_DENIED saying what to do', async () => {
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'respond', status: 403, body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' } : { kind: 'forward' })
      const e = await refusal(new RegistryClient({ retries: 0 }).resolve(src('app:1', proxy.host)))
      expect(e.code).toBe('REGISTRY_DENIED')
      expect(e.message).toContain(`docker login ${proxy.host}`)
    })

    it('a stalled connection times out (retried, then REGISTRY_TIMEOUT); cancel ends the wait at once', async () => {
      proxy.plan = (req) => (isManifest(req.path) ? { kind: 'hang' } : { kind: 'forward' })
      const before = proxy.requests.length
      const e = await refusal(new RegistryClient({ idleTimeoutMs: 300, retries: 1, retryBaseMs: 10 }).resolve(src('app:1', proxy.host)))
      expect(e.code).toBe('REGISTRY_TIMEOUT')
      expect(e.message).toContain('stalled connection')
      expect(proxy.requests.length - before).toBe(2)
      const ac = new AbortController()
      setTimeout(() => ac.abort(), 200)
      const t = Date.now()
      const c = await refusal(new RegistryClient({ idleTimeoutMs: 30_000 }).resolve(src('app:1', proxy.host), { signal: ac.signal }))
      expect(c.code).toBe('CANCELLED')
      expect(Date.now() - t).toBeLessThan(2000)
    })

    it('a blob stalled or cut mid-way resumes with a Range request and still verifies; without resumes it is BLOB_TRUNCATED', async () => {
      proxy.plan = () => ({ kind: 'forward' })
      const r = await client.resolve(src('app:1'))
      const big = [...r.manifest.layers].sort((a, b) => b.size - a.size)[0]!
      for (const then of ['hang', 'close'] as const) {
        let cut = false
        proxy.plan = (req) => {
          if (isBlob(req.path) && req.path.includes(big.digest) && !cut) {
            cut = true
            return { kind: 'cut', afterBytes: Math.floor(big.size / 2), then }
          }
          return { kind: 'forward' }
        }
        const before = proxy.requests.length
        const got = await sha256Of(await new RegistryClient({ idleTimeoutMs: 400, retryBaseMs: 10 }).openBlob(src('app:1', proxy.host), big))
        expect(got).toEqual({ digest: big.digest, bytes: big.size })
        const seen = proxy.requests.slice(before).filter((q) => q.path.includes(big.digest))
        expect(seen.length).toBe(2)
        expect(seen[0]!.headers.range).toBeUndefined()
        // Resumed from the byte the client had (at most what the proxy let through).
        const from = Number(/^bytes=(\d+)-$/.exec(String(seen[1]!.headers.range))?.[1])
        expect(from).toBeGreaterThan(0)
        expect(from).toBeLessThanOrEqual(Math.floor(big.size / 2))
      }
      let cut = false
      proxy.plan = (req) => (isBlob(req.path) && !cut ? ((cut = true), { kind: 'cut', afterBytes: 1000, then: 'close' }) : { kind: 'forward' })
      const e = await refusal(sha256Of(await new RegistryClient({ retries: 0 }).openBlob(src('app:1', proxy.host), big)))
      expect(e.code).toBe('BLOB_TRUNCATED')
      expect(e.message).toContain(`after 1000 of ${big.size} bytes`)
    })

    it('cancel mid-blob ends the stream with CANCELLED', async () => {
      const r = await client.resolve(src('app:1'))
      const big = [...r.manifest.layers].sort((a, b) => b.size - a.size)[0]!
      proxy.plan = (req) => (isBlob(req.path) ? { kind: 'cut', afterBytes: 4096, then: 'hang' } : { kind: 'forward' })
      const ac = new AbortController()
      const stream = await new RegistryClient({ idleTimeoutMs: 30_000 }).openBlob(src('app:1', proxy.host), big, { signal: ac.signal })
      setTimeout(() => ac.abort(), 200)
      const e = await refusal(sha256Of(stream))
      expect(e.code).toBe('CANCELLED')
      proxy.plan = () => ({ kind: 'forward' })
    })
  })
})

/** Bytes that do not compress away (so layers have a real compressed size). */
function randomish(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n)
  let x = seed * 2654435761
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    b[i] = x >>> 24
  }
  return b
}
