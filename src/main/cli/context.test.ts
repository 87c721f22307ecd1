import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VERSION, readVersion } from './context'

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
