import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contextId, parseHost, resolveEngine, type ResolveOptions } from './endpoint-resolver'

let home: string
let nowhere: string

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'layerscope-home-'))
  nowhere = join(home, 'no-such.sock')
})
afterEach(() => rmSync(home, { recursive: true, force: true }))

/** Resolution on the temp HOME only: no real socket, no real ~/.docker. */
function resolve(env: Record<string, string>, extra: Partial<ResolveOptions> = {}) {
  return resolveEngine({ env: { HOME: home, ...env }, home, defaultSocket: nowhere, userSockets: [], podmanSockets: [], ...extra })
}

function writeContext(name: string, host: string, opts: { skipTls?: boolean; tls?: string[] } = {}): string {
  const id = contextId(name)
  const meta = join(home, '.docker', 'contexts', 'meta', id)
  mkdirSync(meta, { recursive: true })
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipTls ?? false } } }))
  if (opts.tls) {
    const dir = join(home, '.docker', 'contexts', 'tls', id, 'docker')
    mkdirSync(dir, { recursive: true })
    for (const f of opts.tls) writeFileSync(join(dir, f), 'PEM')
  }
  return id
}

function setCurrentContext(name: string): void {
  mkdirSync(join(home, '.docker'), { recursive: true })
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: {}, currentContext: name }))
}

function certDir(files: string[]): string {
  const dir = join(home, 'certs')
  mkdirSync(dir, { recursive: true })
  for (const f of files) writeFileSync(join(dir, f), 'PEM')
  return dir
}

describe('resolveEngine', () => {
  it('uses the default socket when nothing is configured', () => {
    writeFileSync(nowhere, '')
    const r = resolve({})
    expect(r).toMatchObject({ ok: true, endpoint: { via: 'default', url: `unix://${nowhere}` }, connection: { kind: 'unix', socketPath: nowhere } })
  })

  it('keeps the default socket (to report "not running") when no socket exists at all', () => {
    const r = resolve({})
    expect(r).toMatchObject({ ok: true, endpoint: { via: 'default' }, connection: { socketPath: nowhere } })
  })

  it('falls back to a Docker Desktop/rootless socket, then to Podman', () => {
    const user = join(home, 'user-docker.sock')
    const podman = join(home, 'podman.sock')
    writeFileSync(podman, '')
    expect(resolve({}, { userSockets: [user], podmanSockets: [podman] })).toMatchObject({ endpoint: { via: 'podman', url: `unix://${podman}` } })
    writeFileSync(user, '')
    expect(resolve({}, { userSockets: [user], podmanSockets: [podman] })).toMatchObject({ endpoint: { via: 'default', url: `unix://${user}` } })
  })

  it('finds Podman under XDG_RUNTIME_DIR', () => {
    mkdirSync(join(home, 'run', 'podman'), { recursive: true })
    writeFileSync(join(home, 'run', 'podman', 'podman.sock'), '')
    const r = resolveEngine({ env: { HOME: home, XDG_RUNTIME_DIR: join(home, 'run') }, home, defaultSocket: nowhere, userSockets: [] })
    expect(r).toMatchObject({ ok: true, endpoint: { via: 'podman' }, connection: { socketPath: join(home, 'run', 'podman', 'podman.sock') } })
  })

  it('DOCKER_HOST unix:// and tcp:// (default ports 2375 / 2376 with TLS)', () => {
    expect(resolve({ DOCKER_HOST: 'unix:///tmp/x.sock' })).toMatchObject({ endpoint: { via: 'DOCKER_HOST' }, connection: { kind: 'unix', socketPath: '/tmp/x.sock' } })
    expect(resolve({ DOCKER_HOST: 'tcp://10.0.0.5' })).toMatchObject({ connection: { kind: 'tcp', host: '10.0.0.5', port: 2375 } })
    expect(resolve({ DOCKER_HOST: '127.0.0.1:4243' })).toMatchObject({ endpoint: { url: 'tcp://127.0.0.1:4243' }, connection: { kind: 'tcp', port: 4243 } })
    const dir = certDir(['ca.pem', 'cert.pem', 'key.pem'])
    const r = resolve({ DOCKER_HOST: 'tcp://docker.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir })
    expect(r).toMatchObject({
      ok: true,
      connection: { kind: 'tcp', port: 2376, tls: { verify: true, ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } }
    })
  })

  it('DOCKER_HOST ssh:// with user and port', () => {
    expect(resolve({ DOCKER_HOST: 'ssh://deploy@build.example:2222' })).toMatchObject({
      ok: true,
      endpoint: { url: 'ssh://deploy@build.example:2222' },
      connection: { kind: 'ssh', host: 'build.example', port: 2222, username: 'deploy' }
    })
    expect(resolve({ DOCKER_HOST: 'ssh://box' })).toMatchObject({ connection: { kind: 'ssh', host: 'box', port: 22 } })
  })

  it('DOCKER_HOST wins over DOCKER_CONTEXT and currentContext', () => {
    writeContext('remote', 'tcp://192.0.2.1:2375')
    setCurrentContext('remote')
    expect(resolve({ DOCKER_HOST: 'unix:///tmp/a.sock', DOCKER_CONTEXT: 'remote' })).toMatchObject({ endpoint: { via: 'DOCKER_HOST' } })
  })

  it('refuses bad DOCKER_HOST values with what to do', () => {
    const bad = (v: string, env: Record<string, string> = {}) => {
      const r = resolve({ DOCKER_HOST: v, ...env })
      expect(r.ok).toBe(false)
      return r.ok ? '' : (expect(r.code).toBe('ENGINE_CONFIG'), r.message)
    }
    expect(bad('ftp://x')).toMatch(/unknown scheme "ftp:\/\/".*tcp:\/\/host:2375/)
    expect(bad('npipe:////./pipe/docker_engine')).toMatch(/Windows/)
    expect(bad('tcp://')).toMatch(/DOCKER_HOST="tcp:\/\/" is not usable/)
    expect(bad('tcp://host:99999')).toMatch(/cannot be parsed/)
    expect(bad('unix://relative.sock')).toMatch(/absolute/)
    expect(bad('tcp://h:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(home, 'missing') })).toMatch(/DOCKER_CERT_PATH=.*does not exist/)
    const onlyCa = certDir(['ca.pem', 'cert.pem'])
    expect(bad('tcp://h:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: onlyCa })).toMatch(/key\.pem is missing/)
  })

  it('TLS verify needs ca.pem', () => {
    const dir = certDir(['cert.pem', 'key.pem'])
    const r = resolve({ DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir })
    expect(r.ok ? '' : r.message).toMatch(/ca\.pem is missing/)
  })

  it('uses DOCKER_CONTEXT with its endpoint and TLS files', () => {
    const id = writeContext('prod', 'tcp://203.0.113.9:2376', { tls: ['ca.pem', 'cert.pem', 'key.pem'] })
    const r = resolve({ DOCKER_CONTEXT: 'prod' })
    const tlsDir = join(home, '.docker', 'contexts', 'tls', id, 'docker')
    expect(r).toMatchObject({
      ok: true,
      endpoint: { via: 'context', context: 'prod', url: 'tcp://203.0.113.9:2376' },
      connection: { kind: 'tcp', host: '203.0.113.9', port: 2376, tls: { verify: true, ca: join(tlsDir, 'ca.pem') } }
    })
  })

  it('honours SkipTLSVerify of a context', () => {
    writeContext('lab', 'tcp://lab:2376', { skipTls: true, tls: ['cert.pem', 'key.pem'] })
    expect(resolve({ DOCKER_CONTEXT: 'lab' })).toMatchObject({ connection: { tls: { verify: false } } })
  })

  it('uses currentContext from config.json (and DOCKER_CONFIG moves ~/.docker)', () => {
    writeContext('colima', `unix://${home}/colima.sock`)
    setCurrentContext('colima')
    expect(resolve({})).toMatchObject({ endpoint: { via: 'context', context: 'colima' }, connection: { socketPath: `${home}/colima.sock` } })
    const other = join(home, 'elsewhere')
    mkdirSync(other)
    expect(resolve({ DOCKER_CONFIG: other })).toMatchObject({ endpoint: { via: 'default' } })
  })

  it('DOCKER_CONTEXT wins over currentContext; "default" means the default socket', () => {
    writeContext('a', 'tcp://a:2375')
    writeContext('b', 'tcp://b:2375')
    setCurrentContext('a')
    expect(resolve({ DOCKER_CONTEXT: 'b' })).toMatchObject({ connection: { host: 'b' } })
    expect(resolve({ DOCKER_CONTEXT: 'default' })).toMatchObject({ endpoint: { via: 'default' } })
  })

  it('says when a named context is missing, and where the name came from', () => {
    const r1 = resolve({ DOCKER_CONTEXT: 'ghost' })
    expect(r1).toMatchObject({ ok: false, code: 'ENGINE_CONFIG', endpoint: { via: 'context', context: 'ghost' } })
    expect(r1.ok ? '' : r1.message).toMatch(/context "ghost" \(from DOCKER_CONTEXT\) does not exist.*docker context ls/)
    setCurrentContext('gone')
    const r2 = resolve({})
    expect(r2.ok ? '' : r2.message).toMatch(/"gone" \(from currentContext in .*config\.json\) does not exist/)
  })

  it('reports an unreadable config.json and a context with a bad host', () => {
    mkdirSync(join(home, '.docker'), { recursive: true })
    writeFileSync(join(home, '.docker', 'config.json'), '{ not json')
    expect(resolve({})).toMatchObject({ ok: false, code: 'ENGINE_CONFIG' })
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'weird' }))
    writeContext('weird', 'gopher://x')
    const r = resolve({})
    expect(r.ok ? '' : r.message).toMatch(/bad host "gopher:\/\/x".*unknown scheme/)
  })
})

describe('parseHost', () => {
  it('handles IPv6 and https', () => {
    expect(parseHost('tcp://[::1]:2375', undefined)).toEqual({ kind: 'tcp', host: '::1', port: 2375 })
    expect(parseHost('https://h', undefined)).toMatchObject({ kind: 'tcp', port: 2376, tls: { verify: false } })
  })
})
