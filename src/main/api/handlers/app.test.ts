import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listSamples } from './app'

const SAMPLES = resolve(__dirname, '../../../../resources/samples')

function head(path: string, bytes: number, offset = 0): Buffer {
  const fd = openSync(path, 'r')
  try {
    const b = Buffer.alloc(bytes)
    readSync(fd, b, 0, bytes, offset)
    return b
  } finally {
    closeSync(fd)
  }
}

describe('images:samples', () => {
  it('lists the bundled archives: a gzip docker save and an OCI layout tar, a few MB in all', () => {
    const samples = listSamples(SAMPLES)
    expect(samples.map((s) => s.title)).toEqual(['layerscope-sample/app:single-stage', 'layerscope-sample/app:multi-stage'])
    const [single, multi] = samples
    expect(head(single!.path, 2).toString('hex')).toBe('1f8b')
    expect(head(multi!.path, 5, 257).toString('latin1')).toBe('ustar')
    const total = samples.reduce((n, s) => n + s.fileBytes, 0)
    expect(total).toBeGreaterThan(100_000)
    expect(total).toBeLessThan(6_000_000)
    for (const s of samples) expect(s.description.length).toBeGreaterThan(20)
  })

  it('offers nothing (rather than failing) without a manifest, and skips missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerscope-samples-'))
    try {
      expect(listSamples(dir)).toEqual([])
      writeFileSync(join(dir, 'samples.json'), JSON.stringify({ samples: [{ file: 'gone.tar', title: 't', description: 'd' }, { file: 'here.tar', title: 'h', description: 'd' }] }))
      writeFileSync(join(dir, 'here.tar'), 'abc')
      expect(listSamples(dir)).toEqual([{ path: join(dir, 'here.tar'), title: 'h', description: 'd', fileBytes: 3 }])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
