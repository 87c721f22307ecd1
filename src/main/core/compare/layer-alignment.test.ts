import { describe, expect, it } from 'vitest'
import { alignLayers } from './layer-alignment'
import { layer } from './testdata/fake-images'

describe('alignLayers', () => {
  it('shares only the common prefix from the bottom', () => {
    const a = [layer(0, 'sha256:1', 10), layer(1, 'sha256:2', 20), layer(2, 'sha256:x', 30)]
    // Same diff ID as A's third layer but on another chain: not shared.
    const b = [layer(0, 'sha256:1', 10), layer(1, 'sha256:y', 5), layer(2, 'sha256:x', 30)]
    const al = alignLayers(a, b)
    expect(al.sharedLayers.map((l) => [l.diffId, l.indexA, l.indexB])).toEqual([['sha256:1', 0, 0]])
    expect(al.onlyA.map((l) => [l.diffId, l.indexA, l.contentBytes])).toEqual([['sha256:2', 1, 20], ['sha256:x', 2, 30]])
    expect(al.onlyB.map((l) => [l.diffId, l.indexB])).toEqual([['sha256:y', 1], ['sha256:x', 2]])
  })
  it('handles one image being a prefix of the other, and empty images', () => {
    const a = [layer(0, 'sha256:1', 10)]
    const b = [layer(0, 'sha256:1', 10), layer(1, 'sha256:2', 20)]
    expect(alignLayers(a, b)).toMatchObject({ onlyA: [], onlyB: [{ diffId: 'sha256:2', indexB: 1 }] })
    expect(alignLayers([], [])).toEqual({ sharedLayers: [], onlyA: [], onlyB: [] })
  })
})
