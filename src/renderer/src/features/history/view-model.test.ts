import { describe, expect, it } from 'vitest'
import type { TagSeries } from '../../../../shared/models/history'
import { chartRows, jumpOf, sizeName } from './view-model'

const series: TagSeries = {
  repository: 'app',
  kind: 'engine',
  order: 'created',
  baseLayers: 1,
  skipped: [],
  requests: { tags: 1, manifests: 0, blobs: 0, inspects: 4 },
  tags: [
    { tag: '1', ref: 'app:1', source: { kind: 'engine', ref: 'app:1' }, digest: 'a', unpackedBytes: 300, layers: 2, sharedWithPrevious: 0, baseBytes: 100 },
    { tag: '2', ref: 'app:2', source: { kind: 'engine', ref: 'app:2' }, digest: 'b', unpackedBytes: 80, layers: 3, sharedWithPrevious: 1, baseBytes: 100 }
  ]
}

describe('history view model', () => {
  it('splits each bar into the base band and the rest, never more band than bar', () => {
    expect(chartRows(series)).toEqual([
      { tag: '1', size: 300, base: 100, rest: 200, unpacked: 300, layers: 2, shared: 0 },
      { tag: '2', size: 80, base: 80, rest: 0, unpacked: 80, layers: 3, shared: 1 }
    ])
    expect(sizeName(series)).toBe('Unpacked size (docker images)')
    expect(sizeName({ ...series, kind: 'registry' })).toBe('Download size')
  })

  it('finds the explained jump of a step', () => {
    const step = { index: 1, from: '1', to: '2', a: series.tags[0]!.source, b: series.tags[1]!.source, bytes: -220, basis: 'unpacked' as const, baseChanged: false }
    expect(jumpOf(step, undefined)).toBeUndefined()
    expect(jumpOf(step, [{ ...step, compareBytes: -220, compareBasis: 'engine', contributors: [], line: '2: -220 B', sentence: '', aKey: 'x', bKey: 'y' }])?.line).toBe('2: -220 B')
  })
})
