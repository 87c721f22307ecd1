// Real registries for the integration tests: Debian's `docker-registry` (distribution 2.8) on
// random 127.0.0.1 ports, each with its own storage and config file:
//   startRegistry()                          plain HTTP, anonymous
//   startRegistry({ tls, htpasswd })         HTTPS with a CA made here by openssl + Basic auth
//   startRegistry({ token: issuer })         token auth; the realm is a small JWT issuer run
//                                            in the test process (startTokenIssuer)
// Images get in with `skopeo copy` from the engine or from OCI layouts. Nothing here is a
// stand-in for the registry: it is always the real one.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { createHash, createSign, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const execFileAsync = promisify(execFile)
const HERE = dirname(fileURLToPath(import.meta.url))
/** skopeo through the shim that passes DOCKER_HOST on to its docker-daemon: transport. */
export const SKOPEO = resolve(HERE, 'bin/skopeo')

/** Why the registry tests cannot run here, or undefined when they can. */
export function registrySkipReason(): string | undefined {
  const need: Array<[string, string]> = [
    ['docker-registry', 'docker-registry'],
    ['skopeo', 'skopeo'],
    ['openssl', 'openssl'],
    ['htpasswd', 'apache2-utils']
  ]
  const missing = need.filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0)
  if (missing.length === 0) return undefined
  return `missing ${missing.map(([b]) => b).join(', ')}: apt-get install -y ${missing.map(([, p]) => p).join(' ')} (scripts/test.sh does this as root)`
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer()
    s.once('error', rej)
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => res(port))
    })
  })
}

// ---------------------------------------------------------------- certificates (openssl)

export interface TestCa {
  dir: string
  caCert: string
  caKey: string
  /** A server certificate for 127.0.0.1 and localhost, signed by the CA. */
  serverCert: string
  serverKey: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** A CA and a server certificate (SAN IP:127.0.0.1, DNS:localhost), made with openssl now. */
export function makeTestCa(dir: string): TestCa {
  mkdirSync(dir, { recursive: true })
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Layerscope test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir)
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n')
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext'], dir)
  return { dir, caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key') }
}

/** A client certificate signed by the CA (what certs.d/HOST/client.cert + client.key hold). */
export function makeClientCert(ca: TestCa, name = 'client'): { cert: string; key: string } {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], ca.dir)
  writeFileSync(join(ca.dir, `${name}.ext`), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n')
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.cert`, '-days', '2', '-extfile', `${name}.ext`], ca.dir)
  return { cert: join(ca.dir, `${name}.cert`), key: join(ca.dir, `${name}.key`) }
}

// ---------------------------------------------------------------- token issuer

export interface TokenIssuer {
  url: string
  realm: string
  service: string
  issuer: string
  /** The certificate bundle the registry trusts tokens from (rootcertbundle). */
  rootCertBundle: string
  /** Every token request: the scope asked for, and whether it carried Basic credentials. */
  requests: Array<{ scope: string | null; service: string | null; user: string | null; authorization: boolean }>
  /** Repositories a logged-in user is refused (403); may be changed while it runs. */
  deny: string[]
  stop(): Promise<void>
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

/**
 * A token server as distribution's token auth expects (docs/spec/auth/token.md): GET
 * realm?service&scope with optional Basic credentials -> {token, expires_in}; the JWT is RS256
 * with its signing certificate in x5c, trusted by the registry through rootcertbundle.
 * Anonymous users get pull on repositories under `public/`; `users` get pull and push on all
 * (except `deny`: 403); POST with a refresh token of `refreshTokens` (user -> token) is the
 * OAuth2 grant docker uses for identity tokens.
 */
export async function startTokenIssuer(
  dir: string,
  users: Record<string, string>,
  opts: { deny?: string[]; refreshTokens?: Record<string, string> } = {}
): Promise<TokenIssuer> {
  mkdirSync(dir, { recursive: true })
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.crt', '-days', '2', '-subj', '/CN=Layerscope test token issuer'], dir)
  const key = readFileSync(join(dir, 'token.key'), 'utf8')
  const certPem = readFileSync(join(dir, 'token.crt'), 'utf8')
  const certDer = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  const service = 'layerscope-test-registry'
  const issuerName = 'layerscope-test-issuer'
  const requests: TokenIssuer['requests'] = []
  const deny = [...(opts.deny ?? [])]
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      // OAuth2 refresh-token grant (docker's identitytoken): the form names the token.
      let body = ''
      req.on('data', (b: Buffer) => (body += b.toString('utf8')))
      req.on('end', () => answer(req, res, new URLSearchParams(body)))
      return
    }
    answer(req, res, new URL(req.url ?? '/', 'http://x').searchParams)
  })
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, params: URLSearchParams): void => {
    const u = { searchParams: params }
    const scope = u.searchParams.get('scope')
    let user: string | null = null
    const auth = req.headers.authorization
    if (req.method === 'POST') {
      const owner = Object.entries(opts.refreshTokens ?? {}).find(([, t]) => t === params.get('refresh_token'))?.[0]
      if (params.get('grant_type') !== 'refresh_token' || !owner) {
        requests.push({ scope, service: params.get('service'), user: null, authorization: false })
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad refresh token"}')
        return
      }
      user = owner
    } else if (auth) {
      const m = /^Basic (.+)$/.exec(auth)
      const [name, ...rest] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : []
      if (!name || users[name] === undefined || users[name] !== rest.join(':')) {
        requests.push({ scope, service: u.searchParams.get('service'), user: null, authorization: true })
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong credentials"}')
        return
      }
      user = name
    }
    requests.push({ scope, service: u.searchParams.get('service'), user, authorization: !!auth })
    const access: Array<{ type: string; name: string; actions: string[] }> = []
    for (const s of (scope ?? '').split(' ').filter(Boolean)) {
      const [type, name, actions] = s.split(':')
      if (type !== 'repository' || !name || !actions) continue
      if (deny.includes(name) && user) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"details":"access to this repository is forbidden"}')
        return
      }
      const allowed = user ? actions.split(',') : name.startsWith('public/') ? actions.split(',').filter((a) => a === 'pull') : []
      if (allowed.length) access.push({ type, name, actions: allowed })
    }
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }
    const claims = { iss: issuerName, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    const sig = createSign('RSA-SHA256').update(signingInput).sign(key)
    const token = `${signingInput}.${b64url(sig)}`
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }))
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as net.AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    realm: `${url}/token`,
    service,
    issuer: issuerName,
    rootCertBundle: join(dir, 'token.crt'),
    requests,
    deny,
    stop: () => new Promise((r) => server.close(() => r()))
  }
}

// ---------------------------------------------------------------- the registry

export interface RegistryOptions {
  /** HTTPS with this CA's server certificate. */
  tls?: TestCa
  /** Require client certificates signed by this CA (http.tls.clientcas). */
  clientCa?: TestCa
  /** Basic auth (htpasswd, bcrypt) with these users. */
  htpasswd?: Record<string, string>
  /** Token auth against this issuer. */
  token?: TokenIssuer
}

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  host: string
  port: number
  url: string
  dir: string
  storage: string
  /** The file a blob's bytes are stored in (filesystem driver layout). */
  blobPath(digest: string): string
  logs(): string
  stop(): Promise<void>
}

function registryConfig(o: RegistryOptions, port: number, storage: string, dir: string): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`
  ]
  if (o.tls) lines.push('  tls:', `    certificate: ${o.tls.serverCert}`, `    key: ${o.tls.serverKey}`)
  if (o.tls && o.clientCa) lines.push('    clientcas:', `      - ${o.clientCa.caCert}`)
  if (o.htpasswd) {
    const file = join(dir, 'htpasswd')
    writeFileSync(file, '')
    for (const [u, p] of Object.entries(o.htpasswd)) {
      const line = execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim()
      writeFileSync(file, `${readFileSync(file, 'utf8')}${line}\n`)
    }
    lines.push('auth:', '  htpasswd:', '    realm: layerscope-test', `    path: ${file}`)
  } else if (o.token) {
    lines.push('auth:', '  token:', `    realm: ${o.token.realm}`, `    service: ${o.token.service}`, `    issuer: ${o.token.issuer}`, `    rootcertbundle: ${o.token.rootCertBundle}`)
  }
  return lines.join('\n') + '\n'
}

/** Up when the port accepts connections (the registry listens once it is ready; TLS may want a client cert). */
async function waitForRegistry(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`)
    const ok = await new Promise<boolean>((res) => {
      const sock = net.connect(port, '127.0.0.1')
      sock.once('connect', () => {
        sock.destroy()
        res(true)
      })
      sock.once('error', () => res(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`docker-registry did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`)
}

/** Starts a real docker-registry on a random 127.0.0.1 port with its own storage and config. */
export async function startRegistry(o: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-registry-'))
  const storage = join(dir, 'storage')
  mkdirSync(storage)
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const config = join(dir, 'config.yml')
    writeFileSync(config, registryConfig(o, port, storage, dir))
    let log = ''
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)))
    child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)))
    const url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`
    try {
      await waitForRegistry(port, child)
    } catch (e) {
      lastError = new Error(`${(e as Error).message}\n${log}`)
      child.kill('SIGKILL')
      continue
    }
    return {
      host: `127.0.0.1:${port}`,
      port,
      url,
      dir,
      storage,
      blobPath: (digest) => {
        const [alg, hex] = digest.split(':')
        return join(storage, 'docker/registry/v2/blobs', alg!, hex!.slice(0, 2), hex!, 'data')
      },
      logs: () => log,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r))
          child.kill('SIGTERM')
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
          if (child.exitCode === null) child.kill('SIGKILL')
        }
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}

// ---------------------------------------------------------------- pushing images

export interface PushOptions {
  /** skopeo --dest-creds user:password */
  creds?: string
  /** A certs.d-style folder with the CA (skopeo --dest-cert-dir); else TLS is not verified. */
  certDir?: string
  /** Layers recompressed with zstd (skopeo --dest-compress-format zstd). */
  zstd?: boolean
  /** Copy every image of an index (skopeo --all). */
  all?: boolean
  /** Manifest format (skopeo --format oci|v2s2). */
  format?: 'oci' | 'v2s2'
}

/** Async: the token issuer runs in this process and must keep answering while skopeo works. */
async function skopeo(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(SKOPEO, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    return stdout
  } catch (e) {
    throw new Error(`skopeo ${args.join(' ')} failed: ${String((e as { stderr?: string }).stderr ?? e).slice(-2000)}`)
  }
}

/** skopeo copy SRC docker://HOST/REPO:TAG; src is a skopeo transport reference (docker-daemon:…, oci:DIR:TAG). */
export async function pushImage(src: string, registryHost: string, repoTag: string, o: PushOptions = {}): Promise<void> {
  const args = ['copy', '-q', '--retry-times', '2']
  if (o.certDir) args.push('--dest-cert-dir', o.certDir)
  else args.push('--dest-tls-verify=false')
  if (o.creds) args.push('--dest-creds', o.creds)
  if (o.zstd) args.push('--dest-compress', '--dest-compress-format', 'zstd')
  if (o.all) args.push('--all')
  if (o.format) args.push('--format', o.format)
  args.push(src, `docker://${registryHost}/${repoTag}`)
  await skopeo(args)
}

/** skopeo inspect --raw of a registry manifest (an independent reader's view of it). */
export async function skopeoRawManifest(registryHost: string, ref: string, o: { creds?: string; certDir?: string } = {}): Promise<{ body: Buffer; digest: string; json: Record<string, unknown> }> {
  const args = ['inspect', '--raw']
  if (o.certDir) args.push('--cert-dir', o.certDir)
  else args.push('--tls-verify=false')
  if (o.creds) args.push('--creds', o.creds)
  args.push(`docker://${registryHost}/${ref}`)
  const raw = Buffer.from(await skopeo(args), 'utf8')
  return { body: raw, digest: `sha256:${createHash('sha256').update(raw).digest('hex')}`, json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> }
}

/** A certs.d tree under a fresh DOCKER_CONFIG, trusting `ca` for host (what a user would set up). */
export function dockerConfigWithCa(root: string, host: string, ca: TestCa): { dockerConfig: string; certsDir: string } {
  const dockerConfig = join(root, 'docker-config')
  const certsDir = join(dockerConfig, 'certs.d', host)
  mkdirSync(certsDir, { recursive: true })
  writeFileSync(join(certsDir, 'ca.crt'), readFileSync(ca.caCert))
  if (!existsSync(join(dockerConfig, 'config.json'))) writeFileSync(join(dockerConfig, 'config.json'), '{}')
  return { dockerConfig, certsDir }
}

// ---------------------------------------------------------------- raw pushes (the registry API itself)

/** Uploads one blob (monolithic: POST then PUT ?digest=) with the registry's own upload API. */
export async function putBlob(registryUrl: string, repo: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  const start = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers })
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`)
  const loc = new URL(start.headers.get('location')!, registryUrl)
  loc.searchParams.set('digest', digest)
  const put = await fetch(loc, { method: 'PUT', body: bytes, headers: { ...headers, 'content-type': 'application/octet-stream' } })
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`)
  return digest
}

/** PUTs a manifest under a tag; returns its digest. */
export async function putManifest(registryUrl: string, repo: string, tag: string, mediaType: string, body: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const r = await fetch(`${registryUrl}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body, headers: { ...headers, 'content-type': mediaType } })
  if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${await r.text()}`)
  return `sha256:${createHash('sha256').update(body).digest('hex')}`
}
