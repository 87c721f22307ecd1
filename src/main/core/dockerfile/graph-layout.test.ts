import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { StageGraph, StageNode } from '../../../shared/models/dockerfile'
import { dockerfileAnalysis } from '../report/testdata/models'
import { layoutStageGraph } from './graph-layout'
import { parseDockerfile } from './parser'
import { buildStageGraph } from './stage-graph'

describe('graph layout', () => {
  it('places every node without overlap, dependencies above dependents, one path per edge', () => {
    const parsed = parseDockerfile(readFileSync(join(__dirname, 'testdata', 'node-three-stage.Dockerfile'), 'utf8'))
    const { graph } = buildStageGraph(parsed)
    const l = layoutStageGraph(graph)
    expect(Object.keys(l.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort())
    const boxes = Object.values(l.nodes)
    for (const a of boxes)
      for (const b of boxes) {
        if (a === b) continue
        const overlap = Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height
        expect(overlap).toBe(false)
      }
    for (const e of graph.edges) expect(l.nodes[e.from]!.y).toBeLessThan(l.nodes[e.to]!.y)
    expect(l.edges).toHaveLength(graph.edges.length)
    expect(l.edges.every((e) => e.points.length >= 2)).toBe(true)
    const deps = l.nodes['stage:0']!
    expect(deps).toMatchObject({ title: 'deps', subtitle: 'FROM node:20', lines: ['WORKDIR /app', 'COPY package.json package-lock.json ./', 'RUN npm install'] })
    expect(l.nodes['stage:2']!.title).toBe('stage 2')
    for (const b of boxes) {
      expect(b.x - b.width / 2).toBeGreaterThanOrEqual(0)
      expect(b.x + b.width / 2).toBeLessThanOrEqual(l.width)
    }
    for (const p of l.edges.flatMap((e) => e.points)) {
      expect(p.x).toBeGreaterThanOrEqual(0)
      expect(p.x).toBeLessThanOrEqual(l.width)
      expect(p.y).toBeGreaterThanOrEqual(0)
      expect(p.y).toBeLessThanOrEqual(l.height)
    }
  })

  // Moved from the report's own left-to-right layout (report/stage-graph-layout.test.ts), which
  // this one layout replaces: top to bottom, so "left of" reads "above".
  it('puts bases above the stages built from them and the target below its sources', () => {
    const g = dockerfileAnalysis().graph
    const l = layoutStageGraph(g)
    const y = (id: string): number => l.nodes[id]!.y
    expect(y('img:node')).toBeLessThan(y('build'))
    expect(y('build')).toBeLessThan(y('runtime'))
    expect(y('img:slim')).toBeLessThan(y('runtime'))
    // Every edge runs downwards, from the bottom of one box to the top of the next.
    g.edges.forEach((e, i) => {
      const pts = l.edges[i]!.points
      expect(pts.at(-1)!.y).toBeGreaterThan(pts[0]!.y)
      expect(pts[0]!.y).toBeCloseTo(l.nodes[e.from]!.y + l.nodes[e.from]!.height / 2, 0)
      expect(pts.at(-1)!.y).toBeCloseTo(l.nodes[e.to]!.y - l.nodes[e.to]!.height / 2, 0)
    })
    // The COPY --from edge keeps room for its label.
    expect(l.edges[3]!.label).toBeDefined()
  })

  it('survives a cycle and edges to unknown nodes', () => {
    const node = (id: string): StageNode => ({ id, kind: 'stage', name: id, instructions: [], isTarget: false, unused: false })
    const g: StageGraph = {
      target: 'a',
      nodes: [node('a'), node('b')],
      edges: [
        { from: 'a', to: 'b', kind: 'from', line: 1 },
        { from: 'b', to: 'a', kind: 'copy', line: 2 },
        { from: 'ghost', to: 'a', kind: 'mount', line: 3 }
      ]
    }
    const l = layoutStageGraph(g)
    expect(Object.keys(l.nodes)).toHaveLength(2)
    // Parallel to graph.edges: two routed, the one from a node the graph does not hold is not.
    expect(l.edges).toHaveLength(3)
    expect(l.edges.filter((e) => e.points.length >= 2)).toHaveLength(2)
    expect(l.edges[2]!.points).toEqual([])
    expect(l.height).toBeGreaterThan(0)
  })
})
