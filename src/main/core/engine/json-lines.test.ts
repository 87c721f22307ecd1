import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { jsonLines } from './json-lines'

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const v of it) out.push(v)
  return out
}

describe('jsonLines', () => {
  it('parses lines split anywhere across chunks; text lines come as { stream }', async () => {
    const text = '{"stream":"Step 1/2"}\n{"aux":{"ID":"sha256:ab"}}\nplain text\n\n{"status":"x"}'
    const chunks = [...text].map((c) => Buffer.from(c))
    expect(await all(jsonLines(Readable.from(chunks)))).toEqual([{ stream: 'Step 1/2' }, { aux: { ID: 'sha256:ab' } }, { stream: 'plain text' }, { status: 'x' }])
  })

  it('refuses a line longer than the bound instead of holding it', async () => {
    const src = Readable.from([Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x61)])
    await expect(all(jsonLines(src, undefined, 1000))).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/longer than 1000 bytes/) })
  })

  it('stops with CANCELLED when the signal fires', async () => {
    const ac = new AbortController()
    const src = new Readable({ read() {} })
    const p = all(jsonLines(src, ac.signal))
    src.push('{"a":1}\n')
    ac.abort()
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
