import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entries, mutate, rng } from './mutate'
import { childPids } from './run'

let dir: string
let archive: Buffer
const bigWindowZstd = execFileSync('sh', ['-c', 'head -c 1000 /dev/zero | zstd -q -c --long=31'])

beforeAll(() => {
  // An outer tar of a zstd layer, a gzip layer and a JSON document, made by GNU tar and zstd.
  dir = mkdtempSync(join(tmpdir(), 'ls-mutate-'))
  mkdirSync(join(dir, 'root/app'), { recursive: true })
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, `root/app/f${i}`), `file ${i}\n`.repeat(i * 10))
  const layer = execFileSync('tar', ['-C', join(dir, 'root'), '-cf', '-', '.'], { maxBuffer: 1 << 26 })
  mkdirSync(join(dir, 'out'))
  writeFileSync(join(dir, 'out/a.tar.zst'), execFileSync('zstd', ['-q', '-c'], { input: layer }))
  writeFileSync(join(dir, 'out/b.tar.gz'), gzipSync(layer))
  writeFileSync(join(dir, 'out/index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: 'sha256:' + '0'.repeat(64), size: 1 }] }))
  archive = execFileSync('tar', ['-C', join(dir, 'out'), '-cf', '-', 'a.tar.zst', 'b.tar.gz', 'index.json'])
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('mutate', () => {
  it('is the same input for the same case number, whether or not a layer was unpacked before', () => {
    // The second pass hits the cache of unpacked seed layers: it must not change a byte.
    const run = (): Buffer[] => Array.from({ length: 60 }, (_, id) => mutate(archive, rng(id * 2654435761 + 1), { bigWindowZstd, depth: 0 }))
    const first = run()
    const second = run()
    for (let id = 0; id < 60; id++) expect(second[id]!.equals(first[id]!), `case ${id}`).toBe(true)
    // And it mutates: most cases differ from the seed, and from each other.
    expect(first.filter((b) => !b.equals(archive)).length).toBeGreaterThan(45)
    expect(new Set(first.map((b) => b.toString('base64'))).size).toBeGreaterThan(45)
  })

  it('leaves the seed unchanged', () => {
    const copy = Buffer.from(archive)
    for (let id = 0; id < 40; id++) mutate(archive, rng(id), { bigWindowZstd, depth: 0 })
    expect(archive.equals(copy)).toBe(true)
    expect(entries(archive).map((e) => e.size)).toHaveLength(3)
  })
})

describe('childPids', () => {
  it("lists this process's children from /proc/self/task/*/children", async () => {
    const c = spawn('sleep', ['5'])
    try {
      await new Promise((r) => c.once('spawn', r))
      expect(childPids('self')).toContain(c.pid)
      expect(childPids(process.pid)).toContain(c.pid)
    } finally {
      c.kill('SIGKILL')
    }
    expect(childPids(2 ** 22 + 12345)).toEqual([])
  })
})
