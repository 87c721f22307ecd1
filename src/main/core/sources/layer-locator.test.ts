import { describe, expect, it } from 'vitest'
import type { BlobResult } from '../archive/blob-sink'
import { LayerEntries } from '../model/layer-entries'
import { PathTable } from '../model/path-table'
import { LayerLocator } from './layer-locator'

const h = (c: string): string => c.repeat(64)
const tar: BlobResult = { kind: 'tar', compression: 'none', blobBytes: 1024 }
const json = (parent?: string): BlobResult => ({ kind: 'json', blobBytes: 10, json: parent ? { id: 'x', parent } : { id: 'x' } })

describe('LayerLocator', () => {
  it('places legacy save folders by their v1 parent chain, whatever the stream order', () => {
    // Chain: 1 (bottom) <- 2 <- 3; folders arrive in name order: 2, 3, then 1.
    const got: string[] = []
    const loc = new LayerLocator((d) => got.push(d), ['sha256:d0', 'sha256:d1', 'sha256:d2'])
    loc.blob(`${h('2')}/VERSION`, { kind: 'unknown', blobBytes: 3 })
    loc.blob(`${h('2')}/json`, json(h('1')))
    loc.blob(`${h('2')}/layer.tar`, tar)
    expect(got).toEqual([])
    loc.blob(`${h('3')}/json`, json(h('2')))
    loc.blob(`${h('3')}/layer.tar`, tar)
    expect(got).toEqual([])
    loc.blob(`${h('1')}/json`, json())
    expect(got).toEqual(['sha256:d1', 'sha256:d2'])
    loc.blob(`${h('1')}/layer.tar`, tar)
    expect(got).toEqual(['sha256:d1', 'sha256:d2', 'sha256:d0'])
  })

  it('names an uncompressed OCI blob by its digest, a hashed blob by its diff ID, and waits for late layers', () => {
    const got: string[] = []
    const loc = new LayerLocator((d) => got.push(d))
    loc.blob(`blobs/sha256/${h('a')}`, tar)
    // Compressed and unhashed: its digest is not its diff ID, so it is not named.
    loc.blob(`blobs/sha256/${h('b')}`, { ...tar, kind: 'gzip', compression: 'gzip' })
    loc.blob(`blobs/sha256/${h('c')}`, { ...tar, kind: 'gzip', compression: 'gzip', diffId: `sha256:${h('9')}` })
    loc.blob(`blobs/sha256/${h('e')}`, { kind: 'json', blobBytes: 2, json: {} })
    expect(got).toEqual([`sha256:${h('a')}`, `sha256:${h('9')}`])
    // Legacy folders wait for the diff IDs (an archive's peek may answer after the first layers).
    loc.blob(`${h('1')}/json`, json())
    loc.blob(`${h('1')}/layer.tar`, tar)
    expect(got.length).toBe(2)
    loc.setLayers(['sha256:d0'])
    expect(got[2]).toBe('sha256:d0')
  })

  it('never loops on a parent cycle and ignores damaged blobs', () => {
    const got: string[] = []
    const loc = new LayerLocator((d) => got.push(d), ['sha256:d0', 'sha256:d1'])
    loc.blob(`${h('1')}/json`, json(h('2')))
    loc.blob(`${h('2')}/json`, json(h('1')))
    loc.blob(`${h('1')}/layer.tar`, tar)
    loc.blob(`blobs/sha256/${h('a')}`, { ...tar, error: new Error('x') as never })
    expect(got).toEqual([])
  })

  it("hands each layer's own entries on with its diff ID, also for a legacy layer placed later", () => {
    const got: Array<[string, LayerEntries | undefined]> = []
    const loc = new LayerLocator((d, e) => got.push([d, e]), ['sha256:d0', 'sha256:d1'])
    const paths = new PathTable()
    const e1 = new LayerEntries(paths)
    const e2 = new LayerEntries(paths)
    loc.blob(`${h('2')}/json`, json(h('1')))
    loc.blob(`${h('2')}/layer.tar`, tar, e2)
    loc.blob(`${h('1')}/json`, json())
    loc.blob(`${h('1')}/layer.tar`, tar, e1)
    expect(got).toEqual([
      ['sha256:d1', e2],
      ['sha256:d0', e1]
    ])
    expect(got[0]![1]).toBe(e2)
    const oci: Array<[string, LayerEntries | undefined]> = []
    const e3 = new LayerEntries(paths)
    new LayerLocator((d, e) => oci.push([d, e])).blob(`blobs/sha256/${h('a')}`, tar, e3)
    expect(oci[0]![1]).toBe(e3)
  })
})
