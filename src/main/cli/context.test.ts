import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Command } from 'commander'
import { VERSION, collect, readVersion, themeFlag } from './context'

describe('version', () => {
  it('is the one in package.json, not a copy', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })

  it('reads the package.json of the root it is given, and says unknown when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerscope-version-'))
    try {
      expect(readVersion(dir)).toBe('0.0.0-unknown')
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '9.8.7' }))
      expect(readVersion(dir)).toBe('9.8.7')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('repeatable options', () => {
  it('collects every value of a repeated flag in order, through commander', () => {
    const p = new Command().exitOverride().option('--build-arg <kv>', 'repeatable', collect, [])
    p.parse(['--build-arg', 'A=1', '--build-arg', 'B=2', '--build-arg', 'A=3'], { from: 'user' })
    expect(p.opts().buildArg).toEqual(['A=1', 'B=2', 'A=3'])
    expect(new Command().option('--x <v>', '', collect, []).parse([], { from: 'user' }).opts().x).toEqual([])
  })
})

describe('--theme', () => {
  it('takes light or dark and refuses anything else in words, as INVALID_INPUT', () => {
    expect(themeFlag('dark')).toBe('dark')
    expect(themeFlag('light')).toBe('light')
    expect(() => themeFlag('blue')).toThrow('--theme must be light or dark, not "blue".')
    expect(() => themeFlag('Dark')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})
