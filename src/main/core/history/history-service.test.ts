// The jumps' orchestration on a hand-made engine listing and compare answers (pure unit: the
// real engine and compare are in history.int.test.ts).
import { describe, expect, it } from 'vitest'
import type { Comparison } from '../../../shared/models/compare'
import type { EngineClient } from '../engine/engine-client'
import { HistoryService, type StepComparer } from './history-service'
import { RegistryClient } from '../registry'

const tags = [
  { tag: '1', size: 100, layers: ['b', 'x1'], created: '2026-01-01T00:00:00Z' },
  { tag: '2', size: 900, layers: ['b', 'x2'], created: '2026-01-02T00:00:00Z' },
  { tag: '3', size: 850, layers: ['b', 'x3'], created: '2026-01-03T00:00:00Z' }
]

const engine = {
  listImageEntries: async () => tags.map((t) => ({ Id: `id${t.tag}`, RepoTags: [`app:${t.tag}`, `other:${t.tag}`], Created: 0 })),
  inspectImage: async (ref: string) => {
    const t = tags.find((x) => `app:${x.tag}` === ref || `id${x.tag}` === ref)!
    return { Id: `id${t.tag}`, Size: t.size, Created: t.created, RootFS: { Layers: t.layers } }
  },
  imageHistory: async () => [
    { CreatedBy: 'RUN x', Size: 5 },
    { CreatedBy: 'ADD base', Size: 50 }
  ]
} as unknown as EngineClient

function comparer(calls: string[]): StepComparer {
  return {
    open: async (a, b) => {
      const ra = (a as { ref: string }).ref
      const rb = (b as { ref: string }).ref
      calls.push(`${ra}>${rb}`)
      const delta = tags.find((t) => `app:${t.tag}` === rb)!.size - tags.find((t) => `app:${t.tag}` === ra)!.size
      return {
        a: { key: `k-${ra}`, image: { size: 0, sizeKind: 'engine' } },
        b: { key: `k-${rb}`, image: { size: 0, sizeKind: 'engine' } },
        delta: { bytes: delta, basis: 'engine' },
        contributors: [{ path: '/usr/lib/gcc', bytesA: 0, bytesB: delta, delta, status: 'onlyB', hasChildren: true, kind: 'dir', churn: Math.abs(delta), differing: 1 }],
        sentence: `${rb} vs ${ra}`
      } as unknown as Comparison
    }
  }
}

describe('HistoryService.jumps', () => {
  it('compares the biggest steps only, biggest first, one after the other', async () => {
    const calls: string[] = []
    const h = new HistoryService({ engine: () => engine, compare: () => comparer(calls), registry: () => new RegistryClient({ env: {} }) })
    const r = await h.jumps({ repository: 'app', limit: 1 })
    expect(calls).toEqual(['app:1>app:2'])
    expect(r.steps.map((s) => [s.to, s.bytes])).toEqual([
      ['2', 800],
      ['3', -50]
    ])
    expect(r.jumps).toHaveLength(1)
    expect(r.jumps[0]).toMatchObject({ to: '2', bytes: 800, compareBytes: 800, aKey: 'k-app:1', bKey: 'k-app:2', line: '2: +800 B, /usr/lib/gcc: the build toolchain reached the final stage' })
    // Only the repository's own tags; the series was read once and kept for the jumps.
    const s = await h.series({ repository: 'app' })
    expect(s.tags.map((t) => t.ref)).toEqual(['app:1', 'app:2', 'app:3'])
    expect(s.tags.map((t) => t.baseBytes)).toEqual([50, 50, 50])
  })
})
