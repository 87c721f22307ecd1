import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PathTable } from '../model/path-table'
import { cleanCreatedBy } from '../analysis/history'
import { readImageStream } from './image-reader'
import { selectOciImage } from './oci'
import { makeTar } from './testdata/tar-writer'

const hex = (c: string): string => c.repeat(64)

function legacySave(opts: { dropLayer?: boolean; badLayer?: boolean } = {}): Buffer {
  const l1 = makeTar([{ path: 'a', size: 10 }])
  const l2 = makeTar([{ path: 'b', size: 20 }, { path: '.wh.a' }])
  const config = { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [`sha256:${hex('1')}`, `sha256:${hex('2')}`, `sha256:${hex('1')}`] }, history: [{ created_by: 'x' }, { created_by: 'y' }, { created_by: 'z' }] }
  const manifest = [{ Config: `${hex('c')}.json`, RepoTags: ['demo:1'], Layers: ['l1/layer.tar', 'l2/layer.tar', 'l3/layer.tar'] }]
  const entries = [
    { path: 'l1', type: 'dir' as const },
    ...(opts.dropLayer ? [] : [{ path: 'l1/layer.tar', content: l1 }]),
    { path: 'l2/layer.tar', content: opts.badLayer ? Buffer.from('BZh91AY&SY not supported here') : gzipSync(l2) },
    // docker save writes a repeated layer as a symlink to its first copy
    { path: 'l3/layer.tar', type: 'symlink' as const, linkName: '../l1/layer.tar' },
    { path: `${hex('c')}.json`, content: JSON.stringify(config) },
    // a streamed save puts the manifest last
    { path: 'manifest.json', content: JSON.stringify(manifest) }
  ]
  return makeTar(entries)
}

function chunks(buf: Buffer, n = 1000): Readable {
  const parts: Buffer[] = []
  for (let i = 0; i < buf.length; i += n) parts.push(buf.subarray(i, i + n))
  return Readable.from(parts)
}

describe('readImageStream (docker-archive)', () => {
  it('parses layers as they pass and joins them to a manifest that comes last', async () => {
    const r = await readImageStream(chunks(legacySave()), { paths: new PathTable(), label: 'demo.tar' })
    expect(r.format).toBe('docker-archive')
    expect(r.id).toBe(`sha256:${hex('c')}`)
    expect(r.repoTags).toEqual(['demo:1'])
    expect(r.layers.map((l) => [l.diffId.slice(7, 8), l.entries.contentBytes, l.compression])).toEqual([
      ['1', 10, 'none'],
      ['2', 20, 'gzip'],
      ['1', 10, 'none']
    ])
    expect(r.layers[1]!.compressedBytes).toBeGreaterThan(0)
  })

  it('names a missing layer and an unknown compression', async () => {
    await expect(readImageStream(chunks(legacySave({ dropLayer: true })), { paths: new PathTable(), label: 'demo.tar' })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining('missing layer 1')
    })
    await expect(readImageStream(chunks(legacySave({ badLayer: true })), { paths: new PathTable(), label: 'demo.tar' })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining('unknown compression')
    })
  })

  it('refuses a tar that is not an image archive, and a truncated one', async () => {
    await expect(readImageStream(chunks(makeTar([{ path: 'readme.txt', content: 'hi' }])), { paths: new PathTable(), label: 'x.tar' })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining('not an image archive')
    })
    const full = legacySave()
    await expect(readImageStream(chunks(full.subarray(0, full.length - 2000)), { paths: new PathTable(), label: 'x.tar' })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' })
  })

  it('stops when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(readImageStream(chunks(legacySave()), { paths: new PathTable(), label: 'x', signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})

describe('selectOciImage', () => {
  const manifests: Record<string, unknown> = {
    'sha256:amd': { config: { digest: 'sha256:cfg-amd' }, layers: [] },
    'sha256:arm': { config: { digest: 'sha256:cfg-arm' }, layers: [] },
    'sha256:nested': {
      manifests: [
        { digest: 'sha256:amd', mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:arm', mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { digest: 'sha256:att', platform: { os: 'unknown', architecture: 'unknown' } }
      ]
    }
  }
  const read = async (d: { digest: string }): Promise<unknown> => manifests[d.digest]
  const index = { manifests: [{ digest: 'sha256:nested', mediaType: 'application/vnd.oci.image.index.v1+json', annotations: { 'io.containerd.image.name': 'demo:2' } }] }

  it('follows a nested index and picks the asked platform', async () => {
    const arm = await selectOciImage(index, 'linux/arm64', read, 'x')
    expect(arm.manifest.config.digest).toBe('sha256:cfg-arm')
    expect(arm.tags).toEqual(['demo:2'])
    const amd = await selectOciImage(index, 'linux/amd64', read, 'x')
    expect(amd.manifest.config.digest).toBe('sha256:cfg-amd')
    // What else the index holds (attestations are not images).
    expect(amd.platforms).toEqual(['linux/amd64', 'linux/arm64/v8'])
  })

  it('names no platforms when the index holds one image', async () => {
    const one = { manifests: [{ digest: 'sha256:amd', mediaType: 'application/vnd.oci.image.manifest.v1+json' }] }
    expect((await selectOciImage(one, undefined, read, 'x')).platforms).toBeUndefined()
  })

  it('says which platforms exist when the asked one does not', async () => {
    await expect(selectOciImage(index, 'linux/s390x', read, 'x')).rejects.toMatchObject({
      code: 'PLATFORM_MISMATCH',
      message: expect.stringContaining('linux/amd64, linux/arm64/v8')
    })
  })
})

describe('cleanCreatedBy', () => {
  it('cleans legacy and BuildKit forms', () => {
    expect(cleanCreatedBy('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]')
    expect(cleanCreatedBy('/bin/sh -c #(nop) COPY file:abc in /x ')).toBe('COPY file:abc in /x')
    expect(cleanCreatedBy('/bin/sh -c apk add x')).toBe('RUN apk add x')
    expect(cleanCreatedBy('|2 A=1 B=two words /bin/sh -c make')).toBe('RUN make')
    expect(cleanCreatedBy('|1 A=1 ["/app", "x"]')).toBe('RUN ["/app", "x"]')
    expect(cleanCreatedBy('RUN |1 V=3 /bin/sh -c echo $V # buildkit')).toBe('RUN echo $V')
    expect(cleanCreatedBy('RUN /bin/sh -c npm ci # buildkit')).toBe('RUN npm ci')
    expect(cleanCreatedBy('COPY . . # buildkit')).toBe('COPY . .')
    expect(cleanCreatedBy('ENV A=1')).toBe('ENV A=1')
  })
})
