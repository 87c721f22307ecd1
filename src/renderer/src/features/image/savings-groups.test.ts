import { describe, expect, it } from 'vitest'
import type { ImageAnalysis, SavingsCandidate } from '../../../../shared/models/analysis'
import { baseFacts, groupSavings } from './savings-groups'

const cand = (id: string, layers: Array<[number, number]>): SavingsCandidate => ({
  id,
  group: 'cache',
  title: id,
  fix: '',
  bytes: layers.reduce((s, [, b]) => s + b, 0),
  files: 1,
  paths: [],
  layers: layers.map(([layerIndex, bytes]) => ({ layerIndex, bytes, files: 1 }))
})

const layers = [
  { isBase: true, contentBytes: 1000 },
  { isBase: true, contentBytes: 500 },
  { isBase: false, contentBytes: 300 }
] as unknown as ImageAnalysis['layers']

describe('groupSavings', () => {
  it("puts the user's own layers first and base-image items apart, by where most bytes came from", () => {
    const savings = { version: 1, bytes: 0, files: 0, afterBytes: 0, candidates: [cand('docs', [[0, 400]]), cand('apt', [[2, 200], [1, 50]]), cand('mixed', [[0, 60], [2, 40]])] }
    const g = groupSavings({ layers, savings })
    expect(g.map((x) => x.id)).toEqual(['own', 'base'])
    expect(g[0]!.candidates.map((c) => c.id)).toEqual(['apt'])
    expect(g[1]!.candidates.map((c) => c.id)).toEqual(['docs', 'mixed'])
    expect(g[1]!.bytes).toBe(500)
  })
  it('leaves out an empty group', () => {
    const savings = { version: 1, bytes: 0, files: 0, afterBytes: 0, candidates: [cand('apt', [[2, 200]])] }
    expect(groupSavings({ layers, savings }).map((x) => x.id)).toEqual(['own'])
  })
  it('measures the base from its layers', () => {
    expect(baseFacts({ layers, base: { ref: 'debian:12', layers: 2 } })).toEqual({ ref: 'debian:12', layers: 2, bytes: 1500 })
    expect(baseFacts({ layers: [layers[2]!], base: undefined })).toBeUndefined()
  })
})
