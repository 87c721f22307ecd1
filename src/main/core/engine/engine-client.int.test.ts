// The engine connection against the real engine: unix socket, tcp:// through a forwarder,
// a dead socket, a refused port and a socket the caller may not open.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type Server } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from './engine-client'
import { resolveEngine } from './endpoint-resolver'

const ROOT = resolve(__dirname, '../../../..')
/** The engine the test run uses (scripts/test.sh may point DOCKER_HOST at a private dockerd). */
const real = resolveEngine()
const realSocket = real.ok && real.connection.kind === 'unix' ? real.connection.socketPath : null

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'layerscope-engine-'))
  chmodSync(tmp, 0o755)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function client(env: Record<string, string>): EngineClient {
  // A temp HOME so the user's ~/.docker cannot change what is tested.
  return EngineClient.fromEnvironment({ HOME: tmp, PATH: process.env.PATH, ...env })
}

/** A tiny TCP -> unix-socket forwarder on 127.0.0.1 (what `socat TCP-LISTEN,UNIX-CONNECT` does). */
async function forwarder(socketPath: string): Promise<{ server: Server; port: number }> {
  const server = createServer((inbound) => {
    const outbound = createConnection(socketPath)
    inbound.pipe(outbound).pipe(inbound)
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0 }
}

describe.runIf(realSocket)('engine connection (real engine)', () => {
  it('connects through the unix socket and reports what it talks to', async () => {
    const status = await client({ DOCKER_HOST: `unix://${realSocket}` }).status()
    expect(status.ok).toBe(true)
    if (!status.ok) return
    const [version, api, os] = docker(['version', '--format', '{{.Server.Version}}|{{.Server.APIVersion}}|{{.Server.Os}}']).trim().split('|')
    expect(status).toMatchObject({ engine: 'docker', version, apiVersion: api, os, endpoint: { via: 'DOCKER_HOST', url: `unix://${realSocket}` } })
    // buildkit mirrors the Builder-Version header of /_ping (Debian's 20.10 sends none).
    const ping = execFileSync('curl', ['-sS', '-i', '--unix-socket', realSocket!, 'http://engine/_ping'], { encoding: 'utf8' })
    expect(status.buildkit).toBe(/^builder-version:\s*2\s*$/im.test(ping))
  })

  it('connects through tcp:// and lists the same images as through the socket', async () => {
    const { server, port } = await forwarder(realSocket!)
    try {
      const viaTcp = client({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })
      const status = await viaTcp.status()
      expect(status).toMatchObject({ ok: true, endpoint: { via: 'DOCKER_HOST', url: `tcp://127.0.0.1:${port}` } })
      const a = (await viaTcp.listImages()).map((i) => `${i.id} ${i.size}`).sort()
      const b = (await client({ DOCKER_HOST: `unix://${realSocket}` }).listImages()).map((i) => `${i.id} ${i.size}`).sort()
      expect(a).toEqual(b)
      expect(a.length).toBeGreaterThan(0)
    } finally {
      server.close()
    }
  })

  it('connects through tcp:// with TLS verification (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) and refuses a wrong CA', async (ctx) => {
    if (spawnSync('openssl', ['version']).status !== 0) return ctx.skip('openssl is missing: cannot make test certificates')
    const certs = join(tmp, 'certs')
    const wrong = join(tmp, 'wrong-ca')
    mkdirSync(certs, { recursive: true })
    mkdirSync(wrong, { recursive: true })
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' })
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem')
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr')
    writeFileSync(join(certs, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n')
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-out', 'server.pem', '-extfile', 'san.cnf')
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=client', '-keyout', 'key.pem', '-out', 'client.csr')
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-out', 'cert.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other-ca', '-keyout', join(wrong, 'k.pem'), '-out', join(wrong, 'ca.pem')], { stdio: 'pipe' })
    for (const f of ['cert.pem', 'key.pem']) execFileSync('cp', [join(certs, f), join(wrong, f)])

    // A TLS front like dockerd's --tlsverify: client certificates signed by our CA only.
    const server = createTlsServer(
      { key: readFileSync(join(certs, 'server-key.pem')), cert: readFileSync(join(certs, 'server.pem')), ca: readFileSync(join(certs, 'ca.pem')), requestCert: true, rejectUnauthorized: true },
      (inbound) => {
        const outbound = createConnection(realSocket!)
        inbound.pipe(outbound).pipe(inbound)
        inbound.on('error', () => outbound.destroy())
        outbound.on('error', () => inbound.destroy())
      }
    )
    server.on('tlsClientError', () => undefined)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      const ok = await client({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }).status()
      expect(ok).toMatchObject({ ok: true, engine: 'docker', endpoint: { url: `tcp://127.0.0.1:${port}` } })
      const bad = await client({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrong }).status()
      expect(bad).toMatchObject({ ok: false, code: 'ENGINE_CONFIG' })
      expect(bad.ok ? '' : bad.message).toMatch(/TLS to tcp:\/\/127\.0\.0\.1:\d+ failed.*DOCKER_CERT_PATH/)
    } finally {
      server.close()
    }
  })

  it('says the engine is not running at a dead socket path', async () => {
    const dead = join(tmp, 'dead.sock')
    const status = await client({ DOCKER_HOST: `unix://${dead}` }).status()
    expect(status).toMatchObject({ ok: false, code: 'ENGINE_UNREACHABLE' })
    expect(status.ok ? '' : status.message).toContain(`is not running at unix://${dead} (no socket there)`)
    await expect(client({ DOCKER_HOST: `unix://${dead}` }).listImages()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' })
  })

  it('says the connection was refused on a closed tcp port', async () => {
    const s = createServer()
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const port = (s.address() as { port: number }).port
    await new Promise<void>((r) => s.close(() => r()))
    const status = await client({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }).status()
    expect(status).toMatchObject({ ok: false, code: 'ENGINE_UNREACHABLE' })
    expect(status.ok ? '' : status.message).toMatch(/connection refused.*DOCKER_HOST/)
  })

  it('reports a bad DOCKER_HOST and a missing context as configuration problems', async () => {
    const bad = await client({ DOCKER_HOST: 'tcp//oops:2375' }).status()
    expect(bad).toMatchObject({ ok: false, code: 'ENGINE_CONFIG' })
    const ghost = await client({ DOCKER_CONTEXT: 'ghost' }).status()
    expect(ghost).toMatchObject({ ok: false, code: 'ENGINE_CONFIG', endpoint: { via: 'context' } })
    await expect(client({ DOCKER_CONTEXT: 'ghost' }).ping()).rejects.toThrow(/context "ghost"/)
  })

  it('says permission denied on a socket the user may not open', async (ctx) => {
    const sock = join(tmp, 'locked.sock')
    const server = createServer((c) => c.end())
    await new Promise<void>((r) => server.listen(sock, r))
    try {
      chmodSync(sock, 0o000)
      const probe = join(ROOT, 'src/main/core/engine/testdata/status-probe.ts')
      const env = { PATH: process.env.PATH ?? '', HOME: tmp, DOCKER_HOST: `unix://${sock}`, TSX_DISABLE_CACHE: '1' }
      let argv: string[]
      if (process.getuid?.() === 0) {
        // root opens anything: ask as "nobody".
        const setpriv = spawnSync('setpriv', ['--version'])
        if (setpriv.status !== 0) return ctx.skip('running as root and setpriv is missing: cannot act as an unprivileged user')
        argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, '--import', 'tsx', probe]
      } else {
        argv = [process.execPath, '--import', 'tsx', probe]
      }
      const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
      if (r.status !== 0 && /EACCES|permission denied/i.test(r.stderr) && !r.stdout) {
        return ctx.skip(`an unprivileged user cannot read the repository here: ${r.stderr.split('\n')[0]}`)
      }
      const status = JSON.parse(r.stdout) as { ok: boolean; code?: string; message?: string }
      expect(status).toMatchObject({ ok: false, code: 'ENGINE_PERMISSION' })
      expect(status.message).toContain(`Permission denied on unix://${sock}`)
      expect(status.message).toMatch(/docker" group/)
    } finally {
      server.close()
    }
  })
})
