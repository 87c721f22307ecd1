import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkWritable, writeFileAtomic } from './atomic-write'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'layerscope-atomic-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('writeFileAtomic', () => {
  it('writes the whole file and replaces an old one', async () => {
    const p = join(dir, 'r.md')
    writeFileSync(p, 'old')
    await writeFileAtomic(p, 'new report')
    expect(readFileSync(p, 'utf8')).toBe('new report')
    expect(readdirSync(dir)).toEqual(['r.md'])
  })

  it('leaves neither a partial file nor its temporary file when the write fails', async () => {
    const target = join(dir, 'taken')
    mkdirSync(join(target, 'child'), { recursive: true }) // renaming a file over a non-empty folder fails
    await expect(writeFileAtomic(target, Buffer.alloc(1000))).rejects.toThrow(/Cannot write .*taken/)
    expect(readdirSync(dir)).toEqual(['taken'])
  })
})

describe('checkWritable', () => {
  it('names the missing folder, a folder given as the file, a file used as a folder', () => {
    expect(() => checkWritable(join(dir, 'nope', 'r.png'))).toThrow(`the folder ${join(dir, 'nope')} does not exist`)
    expect(() => checkWritable(dir)).toThrow('it is a folder')
    writeFileSync(join(dir, 'f'), '')
    expect(() => checkWritable(join(dir, 'f', 'r.png'))).toThrow('is not a folder')
    expect(() => checkWritable(join(dir, 'ok.png'))).not.toThrow()
  })
})
