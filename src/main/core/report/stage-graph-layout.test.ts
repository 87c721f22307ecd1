import { describe, expect, it } from 'vitest'
import type { StageGraph, StageNode } from '../../../shared/models/dockerfile'
import { layoutStageGraph } from './stage-graph-layout'
import { dockerfileAnalysis } from './testdata/models'

const node = (id: string): StageNode => ({ id, kind: 'stage', name: id, instructions: [], isTarget: false, unused: false })

describe('layoutStageGraph', () => {
  it('puts bases left of the stages built from them and the target in the last column', () => {
    const g = dockerfileAnalysis().graph
    const l = layoutStageGraph(g, 1000)
    const x = Object.fromEntries(l.nodes.map((n) => [n.node.id, n.x]))
    expect(x['img:node']).toBeLessThan(x['build']!)
    expect(x['build']).toBeLessThan(x['runtime']!)
    expect(x['img:slim']).toBe(x['img:node'])
    // Every edge runs left to right, from a box's right side to the next box's left side.
    for (const e of l.edges) expect(e.x2).toBeGreaterThan(e.x1)
    expect(Math.max(...l.nodes.map((n) => n.x + n.w))).toBeLessThanOrEqual(1000)
  })

  it('survives a cycle and edges to unknown nodes', () => {
    const g: StageGraph = {
      target: 'a',
      nodes: [node('a'), node('b')],
      edges: [
        { from: 'a', to: 'b', kind: 'from', line: 1 },
        { from: 'b', to: 'a', kind: 'copy', line: 2 },
        { from: 'ghost', to: 'a', kind: 'mount', line: 3 }
      ]
    }
    const l = layoutStageGraph(g, 800)
    expect(l.nodes).toHaveLength(2)
    expect(l.edges).toHaveLength(2)
    expect(l.height).toBeGreaterThan(0)
  })
})
