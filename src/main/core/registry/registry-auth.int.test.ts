// Auth and TLS as docker does them, against REAL registries (docker-registry 2.8):
//  - HTTPS with a CA made here (openssl), trusted only through a certs.d folder under a temp
//    DOCKER_CONFIG, plus htpasswd Basic auth; and one requiring client certificates;
//  - token auth whose realm is a JWT issuer run by the test (the registry verifies its tokens).
// Credentials come from config.json auths, credHelpers / credsStore (a real helper program on
// PATH), identity tokens, and podman's auth.json. No credential may reach another host (a blob
// redirect to 127.0.0.2) or appear in any error or request record.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { startBlobStore, startFaultProxy, type BlobStore, type FaultProxy } from '../../../../scripts/test-env/registry-proxy'
import {
  dockerConfigWithCa,
  makeClientCert,
  makeTestCa,
  pushImage,
  registrySkipReason,
  skopeoRawManifest,
  startRegistry,
  startTokenIssuer,
  type TestCa,
  type TestRegistry,
  type TokenIssuer
} from '../../../../scripts/test-env/registry'
import { LayerscopeError } from '../errors'
import { RegistryClient, type RequestRecord } from './index'

const SKIP = registrySkipReason()
if (SKIP) console.warn(`registry integration tests skipped: ${SKIP}`)
const PREFIX = 'layerscope-test/regauth-'
const IMG = `${PREFIX}app:1`
// Distinctive secrets, so a leak anywhere is found by a plain substring search.
const ALICE_PW = 'S3cret-alice-7Qw9'
const BOB_PW = 'S3cret-bob-4Zx1'
const BOB_REFRESH = 'refresh-bob-Kp2m8'
const SECRETS = [ALICE_PW, BOB_PW, BOB_REFRESH, Buffer.from(`alice:${ALICE_PW}`).toString('base64'), Buffer.from(`bob:${BOB_PW}`).toString('base64')]

let tmp: string
let ca: TestCa
let tlsReg: TestRegistry
let mtlsReg: TestRegistry
let issuer: TokenIssuer
let tokReg: TestRegistry
let caOnly: { dockerConfig: string; certsDir: string }
const errors: LayerscopeError[] = []
const records: RequestRecord[] = []

const b64 = (s: string): string => Buffer.from(s).toString('base64')

/** A fresh HOME + DOCKER_CONFIG (+ optional files) as a user would have them. */
function userEnv(name: string, o: { config?: object; trustCaFor?: string[]; extra?: Record<string, string>; podmanAuth?: object; xdgAuth?: object } = {}): Record<string, string> {
  const home = join(tmp, `home-${name}`)
  const dockerConfig = join(home, '.docker')
  mkdirSync(dockerConfig, { recursive: true })
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify(o.config ?? {}))
  for (const host of o.trustCaFor ?? []) {
    mkdirSync(join(dockerConfig, 'certs.d', host), { recursive: true })
    copyFileSync(ca.caCert, join(dockerConfig, 'certs.d', host, 'ca.crt'))
  }
  const env: Record<string, string> = { HOME: home, DOCKER_CONFIG: dockerConfig, PATH: `${join(tmp, 'bin')}:${process.env.PATH ?? ''}`, HELPER_LOG: join(home, 'helper.log'), ...o.extra }
  if (o.podmanAuth) {
    writeFileSync(join(home, 'auth.json'), JSON.stringify(o.podmanAuth))
    env.REGISTRY_AUTH_FILE = join(home, 'auth.json')
  }
  if (o.xdgAuth) {
    mkdirSync(join(home, 'run', 'containers'), { recursive: true })
    writeFileSync(join(home, 'run', 'containers', 'auth.json'), JSON.stringify(o.xdgAuth))
    env.XDG_RUNTIME_DIR = join(home, 'run')
  }
  return env
}

function client(env: Record<string, string>, extra: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
  return new RegistryClient({ env, retries: 1, retryBaseMs: 10, onRequest: (r) => records.push(r), ...extra })
}

async function refusal(p: Promise<unknown>): Promise<LayerscopeError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(LayerscopeError)
    errors.push(e as LayerscopeError)
    return e as LayerscopeError
  }
  throw new Error('expected a refusal')
}

async function blobOk(c: RegistryClient, ref: string): Promise<void> {
  const r = await c.resolve(ref)
  const layer = r.manifest.layers[0]!
  const h = createHash('sha256')
  for await (const chunk of await c.openBlob(ref, layer)) h.update(chunk as Buffer)
  expect(`sha256:${h.digest('hex')}`).toBe(layer.digest)
}

describe.skipIf(!!SKIP)('registry auth and TLS against docker-registry 2.8', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'layerscope-reg-auth-'))
    ca = makeTestCa(join(tmp, 'ca'))
    await ensureBaseImage()
    buildImage(IMG, `FROM ${BASE_IMAGE}\nCOPY a.txt /a.txt\n`, { 'a.txt': 'auth test\n' })
    tlsReg = await startRegistry({ tls: ca, htpasswd: { alice: ALICE_PW } })
    caOnly = dockerConfigWithCa(join(tmp, 'skopeo'), tlsReg.host, ca)
    await pushImage(`docker-daemon:${IMG}`, tlsReg.host, 'team/app:1', { creds: `alice:${ALICE_PW}`, certDir: caOnly.certsDir })
    mtlsReg = await startRegistry({ tls: ca, clientCa: ca })
    issuer = await startTokenIssuer(join(tmp, 'issuer'), { bob: BOB_PW }, { refreshTokens: { bob: BOB_REFRESH } })
    tokReg = await startRegistry({ token: issuer })
    for (const repo of ['public/app:1', 'private/app:1', 'secret/app:1']) await pushImage(`docker-daemon:${IMG}`, tokReg.host, repo, { creds: `bob:${BOB_PW}` })
    issuer.deny.push('secret/app')
    // A credential helper speaking docker's protocol: the server on stdin, JSON on stdout.
    mkdirSync(join(tmp, 'bin'))
    const helper = join(tmp, 'bin', 'docker-credential-lstest')
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 3\nread -r server\necho "$server" >> "$HELPER_LOG"\nif [ "$server" = "${tlsReg.host}" ]; then printf '{"ServerURL":"%s","Username":"alice","Secret":"${ALICE_PW}"}' "$server"; else echo "credentials not found in native keychain"; exit 1; fi\n`
    )
    chmodSync(helper, 0o755)
  })

  afterAll(async () => {
    await tlsReg?.stop()
    await mtlsReg?.stop()
    await tokReg?.stop()
    await issuer?.stop()
    removeTestImages(PREFIX)
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  describe('TLS', () => {
    it('an untrusted CA is a TLS failure naming the certs.d path to add it to', async () => {
      const env = userEnv('no-ca')
      const e = await refusal(client(env).resolve(`registry://${tlsReg.host}/team/app:1`))
      expect(e.code).toBe('REGISTRY_TLS')
      expect(e.message).toContain(`put its certificate in ${env.DOCKER_CONFIG}/certs.d/${tlsReg.host}/ca.crt`)
    })

    it('trusted through certs.d/HOST:PORT/ca.crt, the registry answers (here: it needs a login)', async () => {
      const e = await refusal(client(userEnv('ca', { trustCaFor: [tlsReg.host] })).resolve(`registry://${tlsReg.host}/team/app:1`))
      expect(e.code).toBe('REGISTRY_AUTH')
      expect(e.message).toContain(`needs a login (401): run \`docker login ${tlsReg.host}\``)
    })

    it('one long-lived client (the app) picks up a CA and a login added after the error told the user to', async () => {
      const env = userEnv('later')
      const c = client(env)
      const ref = `registry://${tlsReg.host}/team/app:1`
      expect((await refusal(c.resolve(ref))).code).toBe('REGISTRY_TLS')
      mkdirSync(join(env.DOCKER_CONFIG!, 'certs.d', tlsReg.host), { recursive: true })
      copyFileSync(ca.caCert, join(env.DOCKER_CONFIG!, 'certs.d', tlsReg.host, 'ca.crt'))
      expect((await refusal(c.resolve(ref))).code).toBe('REGISTRY_AUTH')
      writeFileSync(join(env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ auths: { [tlsReg.host]: { auth: b64(`alice:${ALICE_PW}`) } } }))
      await blobOk(c, ref)
    })

    it('a host named insecure skips verification (docker --insecure-registry)', async () => {
      const c = client(userEnv('insecure', { config: { auths: { [tlsReg.host]: { auth: b64(`alice:${ALICE_PW}`) } } } }), { insecureRegistries: [tlsReg.host] })
      await blobOk(c, `registry://${tlsReg.host}/team/app:1`)
    })

    it('client certificates from certs.d (client.cert + client.key); without them the handshake is refused', async () => {
      const e = await refusal(client(userEnv('mtls', { trustCaFor: [mtlsReg.host] }), { retries: 0 }).resolve(`registry://${mtlsReg.host}/x/y:1`))
      expect(e.code).toBe('REGISTRY_TLS')
      const env = userEnv('mtls', { trustCaFor: [mtlsReg.host] })
      expect(e.message).toContain(`asks for a client certificate`)
      expect(e.message).toContain(`put client.cert and client.key (docker's names) in ${env.DOCKER_CONFIG}/certs.d/${mtlsReg.host}/`)
      const cc = makeClientCert(ca)
      copyFileSync(cc.cert, join(env.DOCKER_CONFIG!, 'certs.d', mtlsReg.host, 'client.cert'))
      copyFileSync(cc.key, join(env.DOCKER_CONFIG!, 'certs.d', mtlsReg.host, 'client.key'))
      // Through the handshake: the registry itself answers (an empty registry: no such repository).
      const nf = await refusal(client(env).resolve(`registry://${mtlsReg.host}/x/y:1`))
      expect(nf.code).toBe('IMAGE_NOT_FOUND')
    })
  })

  describe('Basic auth (htpasswd) with saved credentials', () => {
    const ref = (): string => `registry://${tlsReg.host}/team/app:1`

    it('wrong credentials: REGISTRY_AUTH saying to log in again, naming where they came from', async () => {
      const env = userEnv('wrong', { trustCaFor: [tlsReg.host], config: { auths: { [`https://${tlsReg.host}`]: { auth: b64('alice:not-the-password') } } } })
      const e = await refusal(client(env).resolve(ref()))
      expect(e.code).toBe('REGISTRY_AUTH')
      expect(e.message).toContain(`refused the saved login (${env.DOCKER_CONFIG}/config.json)`)
      expect(e.message).toContain(`docker login ${tlsReg.host}`)
    })

    it('config.json auths: the manifest skopeo reads, blobs verified', async () => {
      const c = client(userEnv('auths', { trustCaFor: [tlsReg.host], config: { auths: { [tlsReg.host]: { auth: b64(`alice:${ALICE_PW}`) } } } }))
      const r = await c.resolve(ref())
      expect(r.digest).toBe((await skopeoRawManifest(tlsReg.host, 'team/app:1', { creds: `alice:${ALICE_PW}`, certDir: caOnly.certsDir })).digest)
      await blobOk(c, ref())
    })

    it('credHelpers and credsStore run docker-credential-NAME get with the host on stdin', async () => {
      for (const config of [{ credHelpers: { [tlsReg.host]: 'lstest' } }, { credsStore: 'lstest' }]) {
        const env = userEnv(`helper-${Object.keys(config)[0]}`, { trustCaFor: [tlsReg.host], config })
        await blobOk(client(env), ref())
        expect(readFileSync(env.HELPER_LOG!, 'utf8').trim().split('\n')[0]).toBe(tlsReg.host)
      }
      const missing = userEnv('helper-missing', { trustCaFor: [tlsReg.host], config: { credsStore: 'not-installed' } })
      const e = await refusal(client(missing).resolve(ref()))
      expect(e.code).toBe('REGISTRY_AUTH')
      expect(e.message).toContain('docker-credential-not-installed named in your docker config is not installed')
    })

    it("podman's auth.json: $REGISTRY_AUTH_FILE and $XDG_RUNTIME_DIR/containers/auth.json", async () => {
      const auth = { auths: { [tlsReg.host]: { auth: b64(`alice:${ALICE_PW}`) } } }
      await blobOk(client(userEnv('podman-file', { trustCaFor: [tlsReg.host], podmanAuth: auth })), ref())
      await blobOk(client(userEnv('podman-xdg', { trustCaFor: [tlsReg.host], xdgAuth: auth })), ref())
      // podman's namespaced keys: the longest matching host/namespace wins.
      const ns = { auths: { [`${tlsReg.host}/team`]: { auth: b64(`alice:${ALICE_PW}`) }, [tlsReg.host]: { auth: b64('alice:wrong') } } }
      await blobOk(client(userEnv('podman-ns', { trustCaFor: [tlsReg.host], podmanAuth: ns })), ref())
    })
  })

  describe('token auth (Bearer, realm = a JWT issuer)', () => {
    const ref = (repo: string): string => `registry://${tokReg.host}/${repo}:1`

    it('anonymous pull of a public repository: one token for scope repository:NAME:pull, cached in memory', async () => {
      const before = issuer.requests.length
      const c = client(userEnv('anon'))
      await blobOk(c, ref('public/app'))
      await c.resolve(ref('public/app'))
      const asked = issuer.requests.slice(before)
      expect(asked).toEqual([{ scope: 'repository:public/app:pull', service: issuer.service, user: null, authorization: false }])
    })

    it('a private repository without a login: REGISTRY_AUTH with how to log in', async () => {
      const e = await refusal(client(userEnv('anon2')).resolve(ref('private/app')))
      expect(e.code).toBe('REGISTRY_AUTH')
      expect(e.message).toContain(`needs a login (401): run \`docker login ${tokReg.host}\``)
    })

    it('wrong credentials are refused by the token service: REGISTRY_AUTH, log in again', async () => {
      const env = userEnv('tok-wrong', { config: { auths: { [tokReg.host]: { auth: b64('bob:wrong') } } } })
      const e = await refusal(client(env).resolve(ref('private/app')))
      expect(e.code).toBe('REGISTRY_AUTH')
      expect(e.message).toContain(`refused the saved login (${env.DOCKER_CONFIG}/config.json) for private/app: log in again with \`docker login ${tokReg.host}\``)
    })

    it('saved credentials (Basic at the realm) and identity tokens (OAuth2 refresh grant) both work', async () => {
      const before = issuer.requests.length
      await blobOk(client(userEnv('tok-basic', { config: { auths: { [tokReg.host]: { auth: b64(`bob:${BOB_PW}`) } } } })), ref('private/app'))
      await blobOk(client(userEnv('tok-refresh', { config: { auths: { [tokReg.host]: { identitytoken: BOB_REFRESH } } } })), ref('private/app'))
      expect(issuer.requests.slice(before).map((r) => r.user)).toEqual(['bob', 'bob'])
      const e = await refusal(client(userEnv('tok-refresh-bad', { config: { auths: { [tokReg.host]: { identitytoken: 'stale' } } } })).resolve(ref('private/app')))
      expect(e.code).toBe('REGISTRY_AUTH')
    })

    it('403 from the token service for a logged-in user: REGISTRY_DENIED', async () => {
      const e = await refusal(client(userEnv('tok-deny', { config: { auths: { [tokReg.host]: { auth: b64(`bob:${BOB_PW}`) } } } })).resolve(ref('secret/app')))
      expect(e.code).toBe('REGISTRY_DENIED')
      expect(e.message).toContain('(403): ask for pull rights')
    })

    describe('a redirect to blob storage on another host', () => {
      let proxy: FaultProxy
      let store: BlobStore
      beforeAll(async () => {
        proxy = await startFaultProxy(tokReg.url)
        store = await startBlobStore((d) => tokReg.blobPath(d), '127.0.0.2')
        proxy.plan = (req) => {
          const m = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.path)
          return m && req.method === 'GET' ? { kind: 'redirect', location: store.urlFor(m[1]!) } : { kind: 'forward' }
        }
      })
      afterAll(async () => {
        await proxy?.stop()
        await store?.stop()
      })

      it('is followed, verified, and never receives the Authorization the registry got', async () => {
        const c = client(userEnv('redirect', { config: { auths: { [proxy.host]: { auth: b64(`bob:${BOB_PW}`) } } } }))
        await blobOk(c, `registry://${proxy.host}/private/app:1`)
        const blobAtProxy = proxy.requests.filter((r) => r.path.includes('/blobs/'))
        expect(blobAtProxy.length).toBeGreaterThan(0)
        expect(blobAtProxy.every((r) => String(r.headers.authorization ?? '').startsWith('Bearer '))).toBe(true)
        expect(store.requests.length).toBe(blobAtProxy.length)
        expect(store.requests.map((r) => r.headers.authorization)).toEqual(store.requests.map(() => undefined))
        expect(JSON.stringify(store.requests)).not.toContain(BOB_PW)
      })
    })
  })

  it('no credential appears in any error message or request record', () => {
    expect(errors.length).toBeGreaterThan(5)
    const text = JSON.stringify([errors.map((e) => ({ message: e.message, detail: e.detail })), records])
    for (const s of SECRETS) expect(text).not.toContain(s)
    expect(records.some((r) => r.kind === 'token')).toBe(true)
    expect(records.every((r) => !r.url.includes('?'))).toBe(true)
  })
})
