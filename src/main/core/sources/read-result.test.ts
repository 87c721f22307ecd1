import { describe, expect, it } from 'vitest'
import type { ReadImage } from '../archive/image-reader'
import { LayerEntries } from '../model/layer-entries'
import { PathTable } from '../model/path-table'
import { readImageResult } from './read-result'

const paths = new PathTable()
const entries = new LayerEntries(paths)
const read: ReadImage = {
  format: 'oci',
  id: 'sha256:' + 'c'.repeat(64),
  config: { os: 'linux', architecture: 'arm64' },
  repoTags: ['app:1'],
  layers: [
    { diffId: 'sha256:' + 'a'.repeat(64), entries, compressedBytes: 120, compression: 'gzip', uncompressedDigest: 'sha256:' + 'a'.repeat(64) },
    { diffId: 'sha256:' + 'b'.repeat(64), entries, compression: 'none' }
  ],
  platforms: ['linux/amd64', 'linux/arm64']
}

describe('readImageResult', () => {
  it("keeps the reader's image and, of each layer, its diff ID, entries and download bytes", () => {
    const r = readImageResult(read)
    expect(r).toEqual({
      format: 'oci',
      id: read.id,
      config: read.config,
      repoTags: ['app:1'],
      layers: [
        { diffId: read.layers[0]!.diffId, entries, compressedBytes: 120 },
        { diffId: read.layers[1]!.diffId, entries, compressedBytes: undefined }
      ],
      skipped: new Set(),
      platforms: ['linux/amd64', 'linux/arm64']
    })
    expect(r.layers[0]!.entries).toBe(entries)
  })
  it('takes what the source knew before the read over the tar, and the layers it skipped', () => {
    const skipped = new Set([read.layers[1]!.diffId])
    const r = readImageResult({ ...read, platforms: undefined }, { id: 'sha256:' + 'd'.repeat(64), repoTags: ['app:latest'], skipped })
    expect(r.id).toBe('sha256:' + 'd'.repeat(64))
    expect(r.repoTags).toEqual(['app:latest'])
    expect(r.skipped).toBe(skipped)
    expect('platforms' in r).toBe(false)
  })
})
