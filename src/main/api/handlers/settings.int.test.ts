// The insecure-registries setting end to end, against a REAL registry (Debian's docker-registry,
// plain HTTP on 127.0.0.1): settings:set saves settings.json, the one registry client of
// Services allows the host at once, a request to it goes over http://, and without the setting
// the refusal names the setting (the CLI's names its flag).
//
// Network tests here reach 127.0.0.1 only. To have a host the policy does NOT count as loopback,
// the registry is reached as localhost:PORT (the socket still goes to 127.0.0.1 through
// /etc/hosts) while the policy's resolver is told localhost is 192.0.2.10, as a LAN registry's
// name would resolve. Only that one answer is made up; the requests, the registry and the file are real.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, ensureBaseImage } from '../../../../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'
import type { ImageAnalysis } from '../../../shared/models/analysis'
import type { RequestRecord } from '../../core/registry'
import { createBackend, type Backend } from '../index'

const SKIP = registrySkipReason()
if (SKIP) console.warn(`settings integration tests skipped: ${SKIP}`)

const ctx = { front: 'browser' as const, emit: () => undefined }

describe.skipIf(!!SKIP)('insecure registries setting (real registry, real settings file)', () => {
  let reg: TestRegistry
  let tmp: string
  let host: string
  const records: RequestRecord[] = []
  const backends: Backend[] = []

  const backend = (front: 'browser' | 'cli', settingsFile?: string): Backend => {
    const b = createBackend(
      { cacheDir: join(tmp, `cache-${backends.length}`), resourcesDir: join(tmp, 'none'), front, version: 'test', ...(settingsFile ? { settingsFile } : {}) },
      // localhost "resolves" to a LAN address for the policy only (see the header).
      { registry: { onRequest: (r) => records.push(r), lookupAddresses: async (h) => (h === 'localhost' ? ['192.0.2.10'] : []) } }
    )
    backends.push(b)
    return b
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'layerscope-settings-int-'))
    await ensureBaseImage()
    reg = await startRegistry()
    host = `localhost:${reg.port}`
    await pushImage(`docker-daemon:${BASE_IMAGE}`, reg.host, 'plain/base:1')
  })

  afterAll(async () => {
    for (const b of backends) b.services.registry().close()
    await reg?.stop()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('without the setting: refused, and the message names the setting (app) or the flag (CLI)', async () => {
    const settingsFile = join(tmp, 'app-a', 'settings.json')
    const app = backend('browser', settingsFile)
    records.length = 0
    const r = await app.dispatcher.call('analysis:open', { source: { kind: 'registry', ref: `${host}/plain/base:1` } }, ctx)
    expect(r.error?.code).toBe('REGISTRY_TLS')
    expect(r.error?.message).toBe(
      `${host} does not speak TLS (HTTPS). If it is a plain-HTTP registry you trust, add ${host} to "Plain HTTP allowed for" in Open from registry… (its traffic and credentials then travel unencrypted).`
    )
    expect(records.filter((x) => x.url.startsWith('http://'))).toEqual([])

    const cli = backend('cli')
    const c = await cli.dispatcher.call('registry:tags', { ref: `registry://${host}/plain/base` }, { ...ctx, front: 'cli' })
    expect(c.error?.message).toBe(`${host} does not speak TLS (HTTPS). If it is a plain-HTTP registry you trust, name it insecure (--insecure-registry ${host}).`)
    // The CLI has no settings of its own: its settings are its flags.
    const cs = await cli.dispatcher.call('settings:set', { insecureRegistries: [host] }, { ...ctx, front: 'cli' })
    expect(cs.error).toEqual({ code: 'INVALID_INPUT', message: 'Only the app keeps settings; on the command line pass --insecure-registry HOST instead.' })
  })

  it('settings:set saves settings.json and the same client then speaks plain HTTP to the host', async () => {
    const settingsFile = join(tmp, 'app-b', 'settings.json')
    const app = backend('browser', settingsFile)
    expect((await app.dispatcher.call('settings:get', {}, ctx)).result).toEqual({ insecureRegistries: [] })
    const client = app.services.registry() // made before the change: it must follow it
    expect(client.mayUseHttp(host, ['192.0.2.10'])).toBe(false)

    const set = await app.dispatcher.call('settings:set', { insecureRegistries: [` LOCALHOST:${reg.port} `] }, ctx)
    expect(set.result).toEqual({ insecureRegistries: [host] })
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ insecureRegistries: [host] })
    expect(app.services.registry()).toBe(client)
    expect(client.insecureRegistries()).toEqual([host])
    expect(client.mayUseHttp(host, ['192.0.2.10'])).toBe(true)

    records.length = 0
    const r = await app.dispatcher.call('analysis:open', { source: { kind: 'registry', ref: `${host}/plain/base:1` } }, ctx)
    expect(r.error).toBeUndefined()
    const a = r.result as ImageAnalysis
    const raw = (await skopeoRawManifest(reg.host, 'plain/base:1')).json as { config: { size: number }; layers: Array<{ size: number }> }
    expect(a.image.downloadSize).toBe(raw.layers.reduce((s, l) => s + l.size, 0) + raw.config.size)
    const urls = records.map((x) => `${x.status} ${x.url}`)
    expect(urls).toContain(`200 http://${host}/v2/plain/base/manifests/1`)
    expect(records.every((x) => x.url.startsWith(`http://${host}/`))).toBe(true)
  })

  it('the saved setting applies in the next process; taking the host out refuses it again, naming the setting', async () => {
    const settingsFile = join(tmp, 'app-b', 'settings.json')
    const next = backend('browser', settingsFile)
    expect((await next.dispatcher.call('settings:get', {}, ctx)).result).toEqual({ insecureRegistries: [host] })
    const tags = await next.dispatcher.call('registry:tags', { ref: `registry://${host}/plain/base` }, ctx)
    expect(tags.result).toEqual({ repository: `${host}/plain/base`, tags: ['1'] })

    // The client remembered http:// for the host; the change makes it find the scheme again.
    await next.dispatcher.call('settings:set', { insecureRegistries: [] }, ctx)
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ insecureRegistries: [] })
    const again = await next.dispatcher.call('registry:tags', { ref: `registry://${host}/plain/base` }, ctx)
    expect(again.error?.code).toBe('REGISTRY_TLS')
    expect(again.error?.message).toContain(`add ${host} to "Plain HTTP allowed for" in Open from registry…`)
  })

  it('a bad host is refused by name and nothing is saved', async () => {
    const settingsFile = join(tmp, 'app-c', 'settings.json')
    const app = backend('browser', settingsFile)
    const r = await app.dispatcher.call('settings:set', { insecureRegistries: [`http://${host}`] }, ctx)
    expect(r.error).toEqual({ code: 'INVALID_INPUT', message: `"http://${host}" has a scheme: write the host only, e.g. ${host}.` })
    expect(() => readFileSync(settingsFile)).toThrow(/ENOENT/)
  })
})
