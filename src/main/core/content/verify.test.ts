import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { readImageStream } from '../archive/image-reader'
import { makeTar } from '../archive/testdata/tar-writer'

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A docker save whose config claims `claims` as diff IDs for two layers (the second gzipped). */
function save(claims?: string[]): Buffer {
  const l1 = makeTar([{ path: 'etc/os-release', content: 'ID=test\n' }])
  const l2 = makeTar([{ path: 'app/main', content: 'binary' }])
  const diffIds = claims ?? [sha(l1), sha(l2)]
  const config = { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: diffIds }, history: [{ created_by: 'a' }, { created_by: 'b' }] }
  const manifest = [{ Config: `${'c'.repeat(64)}.json`, RepoTags: ['t:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]
  return makeTar([
    { path: 'l1/layer.tar', content: l1 },
    { path: 'l2/layer.tar', content: gzipSync(l2) },
    { path: `${'c'.repeat(64)}.json`, content: JSON.stringify(config) },
    { path: 'manifest.json', content: JSON.stringify(manifest) }
  ])
}

describe('diff ID verification', () => {
  it('believes layers whose uncompressed bytes hash to the claimed diff IDs (compressed or not)', async () => {
    const r = await readImageStream(Readable.from([save()]), { paths: new PathTable(), label: 'ok.tar', verifyDiffIds: true })
    expect(r.layers.map((l) => l.uncompressedDigest)).toEqual(r.layers.map((l) => l.diffId))
  })

  it('refuses a layer that claims another diff ID, naming it', async () => {
    const l1 = makeTar([{ path: 'etc/os-release', content: 'ID=test\n' }])
    const popular = `sha256:${'a'.repeat(64)}`
    await expect(readImageStream(Readable.from([save([sha(l1), popular])]), { paths: new PathTable(), label: 'evil.tar', verifyDiffIds: true })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining(`evil.tar: layer 2 (l2/layer.tar) is not the layer its config claims: its uncompressed bytes hash to sha256:`)
    })
  })

  it('does not hash whole layers when asked not to verify (the engine export)', async () => {
    const r = await readImageStream(Readable.from([save([`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`])]), { paths: new PathTable(), label: 'engine' })
    expect(r.layers.map((l) => l.uncompressedDigest)).toEqual([undefined, undefined])
    // File digests are taken either way.
    expect(r.layers[1]!.entries.digestHex(0)).toBe(sha(Buffer.from('binary')).slice(7))
  })
})
