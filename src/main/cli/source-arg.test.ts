import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseSource } from './source-arg'

const dir = mkdtempSync(join(tmpdir(), 'ls-source-arg-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('parseSource: the one image-argument parser', () => {
  it('reads registry:// as a registry image, normalised as docker does', () => {
    expect(parseSource('registry://127.0.0.1:5000/team/app:1.4')).toEqual({ kind: 'registry', ref: '127.0.0.1:5000/team/app:1.4' })
    expect(parseSource('registry://nginx:1.27')).toEqual({ kind: 'registry', ref: 'docker.io/library/nginx:1.27' })
    expect(parseSource('registry://localhost:5000/app')).toEqual({ kind: 'registry', ref: 'localhost:5000/app:latest' })
  })
  it('refuses a bad registry reference before any work, saying why', () => {
    expect(() => parseSource('registry://127.0.0.1:5000/App:1')).toThrow(/not an image reference/)
  })
  it('refuses a URL or a bad name for the engine, pointing at registry://', () => {
    expect(() => parseSource('http://127.0.0.1:5000/app:1')).toThrow(/registry:\/\/127\.0\.0\.1:5000\/app:1/)
    expect(parseSource('sha256:' + 'a'.repeat(64))).toEqual({ kind: 'engine', ref: 'sha256:' + 'a'.repeat(64) })
  })
  it('keeps archives and engine references as they were', () => {
    const f = join(dir, 'x.tar')
    writeFileSync(f, '')
    expect(parseSource(f)).toEqual({ kind: 'archive', path: f })
    expect(parseSource('my/app:1')).toEqual({ kind: 'engine', ref: 'my/app:1' })
    expect(parseSource('docker:registry.example/app:1')).toEqual({ kind: 'engine', ref: 'registry.example/app:1' })
  })
})
