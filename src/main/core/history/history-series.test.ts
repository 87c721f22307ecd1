import { describe, expect, it } from 'vitest'
import type { Contributor } from '../../../shared/models/compare'
import { jumpLine, leadContributor } from './jump-cause'
import { orderTags, sharedPrefix, tagVersion } from './series-order'
import { rankSteps, seriesSteps } from './steps'
import { buildSeries, type MeasuredTag } from './tag-series'
import { engineImageSource } from './tag-source'

const tag = (t: string, created: string | undefined, diffIds: string[], size: number, layerBytes?: number[]): MeasuredTag => ({
  tag: t,
  ref: `app:${t}`,
  source: engineImageSource(`app:${t}`),
  digest: `sha256:${t}`,
  ...(created ? { created } : {}),
  unpackedBytes: size,
  diffIds,
  ...(layerBytes ? { layerBytes } : {})
})

describe('tag order', () => {
  it('orders by created time, oldest first, and leaves out tags without one', () => {
    const { ordered, skipped } = orderTags(
      [
        { tag: 'b', created: '2026-03-01T00:00:00Z' },
        { tag: 'a', created: '2026-01-01T00:00:00.5Z' },
        { tag: 'x' }
      ],
      'created'
    )
    expect(ordered.map((t) => t.tag)).toEqual(['a', 'b'])
    expect(skipped).toEqual([{ tag: 'x', reason: 'its config has no created time (created order)' }])
  })

  it('orders by version, not by text, and leaves out tags that are not versions', () => {
    const { ordered, skipped } = orderTags(['1.10.0', 'v1.9.2', '1.2', 'latest', '1.10.0-rc.1', '2'].map((tag) => ({ tag })), 'semver')
    expect(ordered.map((t) => t.tag)).toEqual(['1.2', 'v1.9.2', '1.10.0-rc.1', '1.10.0', '2'])
    expect(skipped.map((s) => s.tag)).toEqual(['latest'])
    expect(tagVersion('main')).toBeNull()
  })

  it('counts the common diff-ID prefix', () => {
    expect(sharedPrefix(['a', 'b', 'c'], ['a', 'b', 'd', 'e'])).toBe(2)
    expect(sharedPrefix(['x'], ['a'])).toBe(0)
    expect(sharedPrefix([], ['a'])).toBe(0)
  })
})

describe('series', () => {
  const measured = [
    tag('3', '2026-01-03T00:00:00Z', ['b0', 'b1', 'd', 'c3'], 400, [100, 10, 50, 240]),
    tag('1', '2026-01-01T00:00:00Z', ['b0', 'b1', 'c1'], 150, [100, 10, 40]),
    tag('2', '2026-01-02T00:00:00Z', ['b0', 'b1', 'd', 'c2'], 180, [100, 10, 50, 20]),
    tag('4', '2026-01-04T00:00:00Z', ['b0', 'B1', 'd2', 'c4'], 170, [100, 12, 50, 8])
  ]
  const series = buildSeries(measured, { repository: 'app', kind: 'engine', order: 'created', requests: { tags: 1, manifests: 0, blobs: 0, inspects: 8 } })

  it('carries shared layers with the previous tag and the common base, in bytes', () => {
    expect(series.tags.map((t) => [t.tag, t.layers, t.sharedWithPrevious, t.sharedBytes ?? null, t.baseBytes])).toEqual([
      ['1', 3, 0, null, 100],
      ['2', 4, 2, 110, 100],
      ['3', 4, 3, 160, 100],
      ['4', 4, 1, 100, 100]
    ])
    expect(series.baseLayers).toBe(1)
  })

  it('keeps the last N and says which were left out', () => {
    const last = buildSeries(measured, { repository: 'app', kind: 'engine', order: 'created', last: 2, requests: series.requests })
    expect(last.tags.map((t) => t.tag)).toEqual(['3', '4'])
    expect(last.skipped).toEqual([
      { tag: '1', reason: 'older than the last 2' },
      { tag: '2', reason: 'older than the last 2' }
    ])
    expect(last.baseLayers).toBe(1)
  })

  it('ranks steps by size change and marks the one that moved the base', () => {
    const steps = seriesSteps(series)
    expect(steps.map((s) => [s.from, s.to, s.bytes, s.baseChanged])).toEqual([
      ['1', '2', 30, false],
      ['2', '3', 220, false],
      ['3', '4', -230, true]
    ])
    expect(rankSteps(steps).map((s) => s.to)).toEqual(['4', '3', '2'])
    expect(steps[0]!.a).toEqual({ kind: 'engine', ref: 'app:1' })
  })
})

describe('jump line', () => {
  const row = (path: string, bytesA: number, bytesB: number, status: Contributor['status'], kind: Contributor['kind'] = 'dir'): Contributor => ({
    path,
    bytesA,
    bytesB,
    delta: bytesB - bytesA,
    status,
    hasChildren: kind === 'dir',
    kind,
    churn: Math.abs(bytesB - bytesA),
    differing: 1
  })

  it('names a toolchain that reached the final stage', () => {
    const rows = [row('/app', 100, 90, 'changed'), row('/usr/lib/gcc/x86_64-linux-gnu/12', 0, 212_000_000, 'onlyB')]
    expect(jumpLine('1.7.0', 211_999_990, rows, false)).toBe('1.7.0: +212 MB, /usr/lib/gcc/x86_64-linux-gnu/12: the build toolchain reached the final stage')
  })

  it('takes the biggest row moving the way the jump moves', () => {
    const rows = [row('/opt/dep', 5_000_000, 0, 'onlyA'), row('/srv', 0, 1_000, 'onlyB')]
    expect(leadContributor(rows, -4_999_000)?.path).toBe('/opt/dep')
    expect(jumpLine('3', -4_999_000, rows, false)).toBe('3: -5 MB, /opt/dep: removed')
    expect(jumpLine('4', 1_000, [row('/usr/share/doc', 0, 1_000, 'onlyB')], false)).toBe('4: +1 kB, /usr/share/doc: Documentation and man pages (/usr/share/doc, man, info) added')
    expect(jumpLine('5', 10, [row('/bin/tool', 5, 15, 'changed', 'file')], true)).toBe('5: +10 B, /bin/tool: grew as the base layers changed')
    expect(jumpLine('6', 0, [], true)).toBe('6: 0 B, the base layers changed')
  })
})
