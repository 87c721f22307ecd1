import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
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
})
