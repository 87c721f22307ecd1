// Pure parts of the registry client: challenges, Retry-After, manifest classification and
// platform choice, plain-HTTP policy, saved-credential lookup (real files in a temp HOME),
// bounded parallelism.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LayerscopeError } from '../errors'
import { parseWwwAuthenticate, pickChallenge } from './challenge'
import { parseRetryAfter } from './client'
import { findCredentials } from './credentials'
import { choosePlatform, classifyManifest, indexEntries, parseImageManifest } from './manifest'
import { mapBounded } from './parallel'
import { isNamedInsecure, readTlsFiles } from './tls'
import { plainHttpAllowed } from './plain-http'
import { RegistryClient } from './client'

const D = (c: string): string => `sha256:${c.repeat(64)}`

describe('WWW-Authenticate', () => {
  it('parses distribution and Docker Hub challenges', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } }
    ])
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }])
    expect(parseWwwAuthenticate('Bearer realm="x",error="insufficient_scope",scope="repository:a:pull repository:b:pull"')[0]!.params.scope).toBe('repository:a:pull repository:b:pull')
  })
  it('several challenges: Bearer wins over Basic; quoted commas and escapes stay in values', () => {
    const all = parseWwwAuthenticate('Basic realm="a, b", Bearer realm="https://t/x",service="s\\"q"')
    expect(all.map((c) => c.scheme)).toEqual(['basic', 'bearer'])
    expect(all[0]!.params.realm).toBe('a, b')
    expect(all[1]!.params.service).toBe('s"q')
    expect(pickChallenge(['Basic realm="r"', 'Bearer realm="https://t"'])!.scheme).toBe('bearer')
    expect(pickChallenge(['Negotiate'])).toBeUndefined()
  })
})

describe('Retry-After', () => {
  it('seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000)
    expect(parseRetryAfter('')).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})

describe('manifests', () => {
  const image = (over: Record<string, unknown> = {}): Buffer =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: 10 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: D('b'), size: 20 }],
        ...over
      })
    )

  it('classifies by header and body; a body without mediaType is read by shape', () => {
    expect(classifyManifest('x', 'application/vnd.oci.image.manifest.v1+json', image()).kind).toBe('image')
    expect(classifyManifest('x', 'application/json', image({ mediaType: undefined })).mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    const list = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [] }))
    expect(classifyManifest('x', 'application/vnd.docker.distribution.manifest.list.v2+json', list).kind).toBe('index')
  })

  it('refuses schema 1 by name, by header or body', () => {
    for (const [ct, body] of [
      ['application/vnd.docker.distribution.manifest.v1+prettyjws', '{}'],
      ['application/json', '{"schemaVersion":1,"name":"x"}']
    ] as const) {
      try {
        classifyManifest('reg/x:1', ct, Buffer.from(body))
        throw new Error('not refused')
      } catch (e) {
        expect((e as LayerscopeError).code).toBe('UNSUPPORTED_MEDIA_TYPE')
        expect((e as Error).message).toContain('Docker schema 1 manifest')
      }
    }
  })

  it('a header/body media type disagreement is refused; bad descriptors name their field', () => {
    expect(() => classifyManifest('x', 'application/vnd.docker.distribution.manifest.v2+json', image())).toThrow(/registry says .* but the manifest says/)
    const bad = classifyManifest('x', undefined, image({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:zz', size: 1 }] }))
    expect(() => parseImageManifest('x', bad.mediaType, bad.json)).toThrow(/layers\[0\]\.digest is not a sha256 digest/)
    const neg = classifyManifest('x', undefined, image({ config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: -1 } }))
    expect(() => parseImageManifest('x', neg.mediaType, neg.json)).toThrow(/config\.size is not a byte count/)
  })

  it('chooses a platform like docker: asked, else the host; variants matched; misses list what there is', () => {
    const idx = {
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('1'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('2'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('3'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('4'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } }
      ]
    }
    const entries = indexEntries('x', idx)
    expect(entries).toHaveLength(3)
    expect(choosePlatform('x', entries, 'linux/arm64').digest).toBe(D('3'))
    expect(choosePlatform('x', entries, 'linux/arm/v7').digest).toBe(D('2'))
    expect(() => choosePlatform('x', entries, 'linux/arm/v6')).toThrow(/has no image for linux\/arm\/v6; it has: linux\/amd64, linux\/arm\/v7, linux\/arm64\/v8/)
    expect(() => choosePlatform('x', entries, 'windows')).toThrow(/not a platform/)
  })
})

describe('plain HTTP policy', () => {
  it('loopback always; other hosts only when named insecure', () => {
    // The one loopback rule is dockerd's: by address, a name by what it resolves to.
    const resolves: Record<string, string[]> = { localhost: ['127.0.0.1', '::1'], 'x.localhost': ['127.0.0.1'], 'registry.example.com': ['192.0.2.10'] }
    const loopback = (h: string): boolean => plainHttpAllowed(h, [], resolves[h.replace(/:\d+$/, '')] ?? [])
    for (const h of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', '[::1]:5000', 'x.localhost']) expect(loopback(h)).toBe(true)
    for (const h of ['10.0.0.1:5000', 'registry.example.com', '[2001:db8::1]:5000', '128.0.0.1']) expect(loopback(h)).toBe(false)
    expect(isNamedInsecure('registry.lan:5000', ['registry.lan:5000'])).toBe(true)
    expect(isNamedInsecure('registry.lan:5000', ['http://registry.lan'])).toBe(true)
    expect(isNamedInsecure('registry.lan:5000', ['other.lan'])).toBe(false)
    const c = new RegistryClient({ insecureRegistries: ['registry.lan:5000'], env: {} })
    expect(c.mayUseHttp('registry.lan:5000')).toBe(true)
    expect(c.mayUseHttp('registry.example.com')).toBe(false)
    expect(c.mayUseHttp('127.0.0.1:5000')).toBe(true)
  })
})

describe('saved credentials', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerscope-creds-'))
  afterAll(() => rmSync(home, { recursive: true, force: true }))
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  const write = (p: string, j: unknown): void => {
    mkdirSync(join(p, '..'), { recursive: true })
    writeFileSync(p, JSON.stringify(j))
  }

  it('docker config.json: host keys in any of docker\'s spellings; Docker Hub under its v1 URL', async () => {
    const cfg = join(home, 'd1')
    write(join(cfg, 'config.json'), {
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
        'https://reg.example.com:5000': { auth: b64('u:p:with:colons') },
        'other.example.com': { identitytoken: 'idt' }
      }
    })
    const env = { HOME: home, DOCKER_CONFIG: cfg }
    expect(await findCredentials('registry-1.docker.io', 'library/nginx', env)).toMatchObject({ username: 'hubuser', password: 'hubpw' })
    expect(await findCredentials('reg.example.com:5000', 'a', env)).toMatchObject({ username: 'u', password: 'p:with:colons', source: join(cfg, 'config.json') })
    expect(await findCredentials('other.example.com', 'a', env)).toMatchObject({ identityToken: 'idt' })
    expect(await findCredentials('nowhere.example.com', 'a', env)).toBeUndefined()
  })

  it('podman auth.json: REGISTRY_AUTH_FILE first, then XDG_RUNTIME_DIR, then ~/.config; namespaced keys', async () => {
    const env = { HOME: join(home, 'p'), DOCKER_CONFIG: join(home, 'p', 'nodocker'), REGISTRY_AUTH_FILE: join(home, 'p', 'a.json'), XDG_RUNTIME_DIR: join(home, 'p', 'run') }
    write(env.REGISTRY_AUTH_FILE, { auths: { 'quay.io/team': { auth: b64('team:t') } } })
    write(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), { auths: { 'quay.io': { auth: b64('any:x') } } })
    expect(await findCredentials('quay.io', 'team/app', env)).toMatchObject({ username: 'team' })
    expect(await findCredentials('quay.io', 'someone/app', env)).toMatchObject({ username: 'any' })
  })

  it('a malformed file is a clear error, not a crash', async () => {
    const cfg = join(home, 'bad')
    mkdirSync(cfg, { recursive: true })
    writeFileSync(join(cfg, 'config.json'), '{ not json')
    await expect(findCredentials('x.example.com', 'a', { HOME: home, DOCKER_CONFIG: cfg })).rejects.toThrow(/config\.json is not valid JSON/)
  })

  it('certs.d: a client key without its certificate is refused by name', () => {
    const d = join(home, 'certs.d', 'reg.example.com')
    mkdirSync(d, { recursive: true })
    writeFileSync(join(d, 'client.key'), 'x')
    expect(() => readTlsFiles('reg.example.com', [join(home, 'certs.d')])).toThrow(/client\.key has no matching certificate client\.cert/)
  })
})

describe('mapBounded', () => {
  it('keeps order and the bound; the first failure stops new work and is what it rejects with', async () => {
    let inFlight = 0
    let peak = 0
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, n * 3))
      inFlight--
      return n * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30])
    expect(peak).toBe(2)
    const started: number[] = []
    await expect(
      mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n)
        if (n === 2) throw new Error('boom')
        await new Promise((r) => setTimeout(r, 20))
        return n
      })
    ).rejects.toThrow('boom')
    expect(started.length).toBeLessThan(6)
  })
  it('cancel: CANCELLED and the running calls see their signal abort', async () => {
    const ac = new AbortController()
    const seen: boolean[] = []
    const p = mapBounded([1, 2, 3], 3, (_n, _i, signal) => new Promise((_r, rej) => signal.addEventListener('abort', () => (seen.push(true), rej(new LayerscopeError('CANCELLED', 'Cancelled.'))))), ac.signal)
    setTimeout(() => ac.abort(), 10)
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen).toEqual([true, true, true])
  })
})
