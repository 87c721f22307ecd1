// settings.json on a real folder: defaults without a file, a round trip, broken files refused
// by name, and writes that leave no temporary file behind.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SettingsFile } from './settings-file'

const dir = mkdtempSync(join(tmpdir(), 'layerscope-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SettingsFile', () => {
  it('no file yet: the defaults', () => {
    expect(new SettingsFile(join(dir, 'none', 'settings.json')).read()).toEqual({ insecureRegistries: [] })
  })

  it('writes the whole file (making its folder), reads it back, leaves no temp file', async () => {
    const path = join(dir, 'app', 'settings.json')
    const f = new SettingsFile(path)
    await f.write({ insecureRegistries: ['registry.lan:5000', 'build.lan'] })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ insecureRegistries: ['registry.lan:5000', 'build.lan'] })
    expect(new SettingsFile(path).read()).toEqual({ insecureRegistries: ['registry.lan:5000', 'build.lan'] })
    await f.write({ insecureRegistries: [] })
    expect(f.read()).toEqual({ insecureRegistries: [] })
    expect(readdirSync(join(dir, 'app'))).toEqual(['settings.json'])
  })

  it('a file edited by hand gets the same checks as a request', () => {
    const path = join(dir, 'hand.json')
    writeFileSync(path, '{"insecureRegistries": ["Registry.LAN:5000"]}')
    expect(new SettingsFile(path).read()).toEqual({ insecureRegistries: ['registry.lan:5000'] })
    writeFileSync(path, '{}')
    expect(new SettingsFile(path).read()).toEqual({ insecureRegistries: [] })
    writeFileSync(path, '{"insecureRegistries": ["http://registry.lan"]}')
    expect(() => new SettingsFile(path).read()).toThrow(`The settings file ${path} is not valid ("http://registry.lan" has a scheme: write the host only, e.g. registry.lan.): fix it, or remove it to start from the defaults.`)
    writeFileSync(path, '{"insecureRegistries": [')
    expect(() => new SettingsFile(path).read()).toThrow(`The settings file ${path} is not JSON: fix it, or remove it to start from the defaults.`)
  })

  it('refuses to write settings that are not valid (never saves what it could not read back)', async () => {
    const path = join(dir, 'bad-write.json')
    await expect(new SettingsFile(path).write({ insecureRegistries: ['a/b'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: '"a/b" has a path: write the registry host only (HOST or HOST:PORT), e.g. a.' })
    expect(readdirSync(dir)).not.toContain('bad-write.json')
  })
})
