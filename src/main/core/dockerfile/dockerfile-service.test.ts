import { describe, expect, it } from 'vitest'
import type { StageGraph } from '../../../shared/models/dockerfile'
import { MAX_MEASUREMENTS, MeasurementStore } from './dockerfile-service'

const m = (n: number) => ({ graph: { nodes: [], edges: [], builder: n % 2 ? 'legacy' : 'buildkit' } as unknown as StageGraph, lineBytes: new Map([[n, n]]) })

describe('MeasurementStore', () => {
  it('keeps the last MAX_MEASUREMENTS builds, forgetting the least recently used first', () => {
    const s = new MeasurementStore()
    for (let i = 0; i < MAX_MEASUREMENTS; i++) s.set(`k${i}`, m(i))
    expect(s.get('k0')?.lineBytes.get(0)).toBe(0) // k0 is now the most recently used
    s.set('new', m(99))
    expect(s.size).toBe(MAX_MEASUREMENTS)
    expect(s.get('k1')).toBeUndefined()
    expect(s.get('k0')).toBeDefined()
    expect(s.get('new')?.lineBytes.get(99)).toBe(99)
  })

  it('a re-measured key replaces its old figures', () => {
    const s = new MeasurementStore(2)
    s.set('a', m(1))
    s.set('a', m(2))
    expect(s.size).toBe(1)
    expect(s.get('a')?.lineBytes.get(2)).toBe(2)
  })
})
