import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { LayerEntries } from '../model/layer-entries'
import { PathTable } from '../model/path-table'
import { OffThreadFileHasher } from './file-hash-worker'

describe('OffThreadFileHasher', () => {
  it('gives every file the digest sha256 gives, across batch and op-list boundaries', async () => {
    const e = new LayerEntries(new PathTable())
    const h = new OffThreadFileHasher()
    const contents: Buffer[] = []
    // One file bigger than a batch, 40,000 small ones (more ops than one message holds), an empty one.
    const big = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff
    contents.push(big, Buffer.alloc(0))
    for (let i = 0; i < 40_000; i++) contents.push(Buffer.from(`file ${i}\n`))
    try {
      for (const [k, c] of contents.entries()) {
        const i = e.push(e.paths.intern(`f${k}`), 0, 0, c.length, 0o644, 0, 0, 0)
        const sink = h.sink(e, e.allocDigest(i))
        for (let p = 0; p < c.length; p += 300_001) {
          const r = sink.write(c.subarray(p, p + 300_001))
          if (r) await r
        }
        await sink.end()
      }
      await h.flush()
    } finally {
      h.close()
    }
    for (const [k, c] of contents.entries()) expect(e.digestHex(k)).toBe(createHash('sha256').update(c).digest('hex'))
  })
})
