// The settings channels through the real dispatcher and Services, on a real settings file
// (no network): saved, applied to the one registry client at once, read back by the next
// process, a broken file named and repairable, and the CLI told to use its flag.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackend } from '../index'

const dir = mkdtempSync(join(tmpdir(), 'layerscope-settings-handler-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ctx = { front: 'browser' as const, emit: () => undefined }
const backend = (settingsFile: string | undefined, front: 'browser' | 'electron' | 'cli' = 'browser', insecureRegistries: string[] = []) =>
  createBackend({ cacheDir: join(dir, 'cache'), resourcesDir: '/nonexistent', front, version: 'test', insecureRegistries, ...(settingsFile ? { settingsFile } : {}) })

describe('settings:get / settings:set', () => {
  it('saves the list, applies it to the registry client already made, and the next process reads it', async () => {
    const file = join(dir, 'a', 'settings.json')
    const b = backend(file, 'browser', ['flag.lan:5000'])
    const client = b.services.registry()
    expect(client.insecureRegistries()).toEqual(['flag.lan:5000'])
    expect(client.mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(false)
    const r = await b.dispatcher.call('settings:set', { insecureRegistries: ['Registry.LAN:5000', 'registry.lan:5000'] }, ctx)
    expect(r).toEqual({ result: { insecureRegistries: ['registry.lan:5000'] } })
    expect(readFileSync(file, 'utf8')).toBe('{\n  "insecureRegistries": [\n    "registry.lan:5000"\n  ]\n}\n')
    // The flag and the setting together, on the same client object.
    expect(b.services.registry()).toBe(client)
    expect(client.insecureRegistries()).toEqual(['flag.lan:5000', 'registry.lan:5000'])
    expect(client.mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(true)

    const next = backend(file)
    expect(await next.dispatcher.call('settings:get', {}, ctx)).toEqual({ result: { insecureRegistries: ['registry.lan:5000'] } })
    expect(next.services.registry().mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(true)
    await next.dispatcher.call('settings:set', { insecureRegistries: [] }, ctx)
    expect(next.services.registry().mayUseHttp('registry.lan:5000', ['192.0.2.10'])).toBe(false)
  })

  it('a setting left out stays as it is', async () => {
    const file = join(dir, 'b', 'settings.json')
    const b = backend(file)
    await b.dispatcher.call('settings:set', { insecureRegistries: ['x.lan'] }, ctx)
    expect(await b.dispatcher.call('settings:set', {}, ctx)).toEqual({ result: { insecureRegistries: ['x.lan'] } })
  })

  it('a broken file is named (get and every registry use), and setting the list again repairs it', async () => {
    const file = join(dir, 'c', 'settings.json')
    mkdirSync(join(dir, 'c'))
    writeFileSync(file, '{"insecureRegistries": "registry.lan"}')
    const b = backend(file)
    const get = await b.dispatcher.call('settings:get', {}, ctx)
    expect(get.error?.code).toBe('INVALID_INPUT')
    expect(get.error?.message).toBe(`The settings file ${file} is not valid (insecureRegistries must be a list of registry hosts (HOST or HOST:PORT).): fix it, or remove it to start from the defaults.`)
    const tags = await b.dispatcher.call('registry:tags', { ref: 'registry://registry.lan:5000/app' }, ctx)
    expect(tags.error?.message).toBe(get.error?.message)
    expect(await b.dispatcher.call('settings:set', { insecureRegistries: ['registry.lan'] }, ctx)).toEqual({ result: { insecureRegistries: ['registry.lan'] } })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ insecureRegistries: ['registry.lan'] })
    expect(b.services.registry().insecureRegistries()).toEqual(['registry.lan'])
  })

  it('the CLI has no settings file: get answers the defaults, set points to the flag', async () => {
    const b = backend(undefined, 'cli')
    expect(await b.dispatcher.call('settings:get', {}, { ...ctx, front: 'cli' })).toEqual({ result: { insecureRegistries: [] } })
    expect(await b.dispatcher.call('settings:set', { insecureRegistries: ['x.lan'] }, { ...ctx, front: 'cli' })).toEqual({
      error: { code: 'INVALID_INPUT', message: 'Only the app keeps settings; on the command line pass --insecure-registry HOST instead.' }
    })
  })
})
