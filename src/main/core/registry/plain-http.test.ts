// The plain-HTTP policy (dockerd's isSecureIndex rule) and the one wording of how to allow a host.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryClient } from './client'
import { allowPlainHttpAdvice, isLoopbackAddress, plainHttpAllowed, systemLookup } from './plain-http'

describe('plainHttpAllowed (docker: 127.0.0.0/8 and ::1/128 by address, plus the named hosts)', () => {
  it('an IP literal stands for itself', () => {
    for (const h of ['127.0.0.1:5000', '127.255.1.2', '[::1]:5000', '[0:0:0:0:0:0:0:1]']) expect(plainHttpAllowed(h, [], [])).toBe(true)
    for (const h of ['10.0.0.1:5000', '128.0.0.1', '[2001:db8::1]:5000', '192.0.2.2:5000']) expect(plainHttpAllowed(h, [], [])).toBe(false)
    // What a literal "resolves" to is ignored: 10.0.0.1 is not loopback whatever a resolver says.
    expect(plainHttpAllowed('10.0.0.1:5000', [], ['127.0.0.1'])).toBe(false)
  })

  it('a name is judged by what it resolves to, as dockerd resolves it', () => {
    expect(plainHttpAllowed('registry.lan:5000', [], ['127.0.1.1'])).toBe(true)
    expect(plainHttpAllowed('registry.lan:5000', [], ['::ffff:127.0.0.1'])).toBe(true)
    expect(plainHttpAllowed('registry.lan:5000', [], ['192.0.2.10', '::1'])).toBe(true)
    expect(plainHttpAllowed('registry.lan:5000', [], ['192.0.2.10'])).toBe(false)
    // A name that does not resolve: only the named list counts (docker: no addresses, no CIDR match).
    expect(plainHttpAllowed('registry.lan:5000', [], [])).toBe(false)
    // Even "localhost" is loopback because it resolves so, not by its spelling.
    expect(plainHttpAllowed('localhost:5000', [], ['192.0.2.10'])).toBe(false)
  })

  it('a named host is allowed whatever it resolves to (host:port exactly, or the host for any port)', () => {
    expect(plainHttpAllowed('registry.lan:5000', ['registry.lan:5000'], ['192.0.2.10'])).toBe(true)
    expect(plainHttpAllowed('registry.lan:5000', ['registry.lan'], [])).toBe(true)
    expect(plainHttpAllowed('Registry.LAN:5000', ['registry.lan:5000'], [])).toBe(true)
    expect(plainHttpAllowed('registry.lan:5001', ['registry.lan:5000'], [])).toBe(false)
    expect(plainHttpAllowed('other.lan:5000', ['registry.lan:5000'], [])).toBe(false)
  })

  it('loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.2', '[::1]']) expect(isLoopbackAddress(a)).toBe(true)
    for (const a of ['128.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', 'fe80::1', 'localhost', '']) expect(isLoopbackAddress(a)).toBe(false)
  })

  it('the system resolver: localhost resolves to loopback here (/etc/hosts), so it needs no setting', async () => {
    const addrs = await systemLookup('localhost')
    expect(addrs.length).toBeGreaterThan(0)
    expect(plainHttpAllowed('localhost:5000', [], addrs)).toBe(true)
  })

  it('the client follows the policy, and its list can change (the app setting)', () => {
    const c = new RegistryClient({ insecureRegistries: ['registry.lan:5000'], env: {} })
    expect(c.mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(true)
    expect(c.mayUseHttp('build.lan:5000', ['192.0.2.11'])).toBe(false)
    c.setInsecureRegistries(['build.lan:5000'])
    expect(c.insecureRegistries()).toEqual(['build.lan:5000'])
    expect(c.mayUseHttp('build.lan:5000', ['192.0.2.11'])).toBe(true)
    expect(c.mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(false)
  })
})

describe('how to allow plain HTTP, in the front\'s words', () => {
  it('the CLI names its flag, the app its setting and the risk', () => {
    expect(allowPlainHttpAdvice('registry.lan:5000', 'flag')).toBe('name it insecure (--insecure-registry registry.lan:5000)')
    expect(allowPlainHttpAdvice('registry.lan:5000', 'setting')).toBe(
      'add registry.lan:5000 to "Plain HTTP allowed for" in Open from registry… (its traffic and credentials then travel unencrypted)'
    )
  })
})

describe('refusals to follow plain HTTP elsewhere name the setting (a local HTTP server on 127.0.0.1)', () => {
  // It redirects manifests to http://blobs.lan:5000 and asks for a token at http://auth.lan; the
  // policy is told those names resolve to LAN addresses, so nothing is looked up or left 127.0.0.1.
  let server: Server
  let port = 0
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('/manifests/redirect')) res.writeHead(307, { location: 'http://blobs.lan:5000/blob' }).end()
      else res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.lan/token",service="test"' }).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))
  const client = (insecureHint: 'flag' | 'setting'): RegistryClient => new RegistryClient({ env: {}, insecureHint, retries: 0, lookupAddresses: async () => ['192.0.2.20'] })

  it('a redirect to plain HTTP on a host not named', async () => {
    const c = client('setting')
    await expect(c.getManifest(`registry://127.0.0.1:${port}/app:redirect`)).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: `127.0.0.1:${port}/app:redirect: the registry redirects to plain HTTP at blobs.lan:5000; not followed (to allow it, add blobs.lan:5000 to "Plain HTTP allowed for" in Open from registry… (its traffic and credentials then travel unencrypted)).`
    })
    c.close()
  })

  it('a token realm on plain HTTP', async () => {
    for (const [hint, advice] of [
      ['setting', 'add auth.lan to "Plain HTTP allowed for" in Open from registry… (its traffic and credentials then travel unencrypted)'],
      ['flag', 'name it insecure (--insecure-registry auth.lan)']
    ] as const) {
      const c = client(hint)
      await expect(c.getManifest(`registry://127.0.0.1:${port}/app:1`)).rejects.toMatchObject({
        code: 'REGISTRY_AUTH',
        message: `127.0.0.1:${port} asks for a login at http://auth.lan, which is not HTTPS; refused (to allow it, ${advice}).`
      })
      c.close()
    }
  })
})
