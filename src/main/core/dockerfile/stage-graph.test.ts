import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expand, parseDockerfile } from './parser'
import { buildStageGraph, fromChain } from './stage-graph'

const fixture = (name: string): string => readFileSync(join(__dirname, 'testdata', name), 'utf8')
const graphOf = (name: string, target?: string, buildArgs?: Record<string, string>) => {
  const parsed = parseDockerfile(fixture(name), { buildArgs })
  const { graph, problems } = buildStageGraph(parsed, target)
  const edge = (kind: string) =>
    graph.edges
      .filter((e) => e.kind === kind)
      .map((e) => `${graph.nodes.find((n) => n.id === e.from)!.name}->${graph.nodes.find((n) => n.id === e.to)!.name}@${e.line}`)
  return { parsed, graph, problems: [...parsed.problems, ...problems], edge }
}

describe('parser', () => {
  it('expands variables the way Docker does', () => {
    const v = new Map<string, string | undefined>([['A', 'x'], ['E', ''], ['U', undefined]])
    expect(expand('$A-${A}', v)).toBe('x-x')
    expect(expand('${E:-d}|${E-d}|${U-d}|${N:-d}', v)).toBe('d||d|d')
    expect(expand('${A:+y}|${E:+y}|${E+y}|${U+y}', v)).toBe('y||y|')
    expect(expand('\\$A ${A:-${E:-in}}', v)).toBe('$A x')
  })

  it('handles the escape directive, lower-case keywords, heredocs and continuations', () => {
    const { parsed, problems } = graphOf('heredoc.Dockerfile')
    expect(problems).toEqual([])
    expect(parsed.escape).toBe('`')
    expect(parsed.directives.escape).toBe('`')
    const [st] = parsed.stages
    expect(st!.base).toBe('alpine:3.20')
    const [run, copy, run2] = st!.instructions
    expect(run!.keyword).toBe('RUN')
    expect(run!.heredocs).toEqual([{ name: 'EOF', content: 'apk add --no-cache curl\necho done' }])
    expect(run!.range).toEqual({ startLine: 3, endLine: 6 })
    expect(copy!.keyword).toBe('COPY')
    expect(copy!.args).toEqual(['<<CONF', '/etc/app.conf'])
    expect(run2!.text).toBe('RUN echo one two')
    expect(run2!.range).toEqual({ startLine: 10, endLine: 11 })
  })

  it('expands global ARGs in FROM, with defaults, re-declaration and --build-arg overrides', () => {
    const { parsed } = graphOf('arg-from.Dockerfile')
    expect(parsed.stages[0]!.base).toBe('node:20-slim')
    expect(parsed.stages[0]!.platform).toBe('linux/amd64')
    expect(parsed.stages[0]!.args.get('VARIANT')).toBe('slim')
    expect(parsed.stages[1]!.base).toBe('node')
    expect(parsed.globalArgs.map((a) => [a.name, a.value, a.line])).toEqual([
      ['BASE', 'node', 1],
      ['VERSION', undefined, 2],
      ['VARIANT', 'slim', 3]
    ])
    const over = graphOf('arg-from.Dockerfile', undefined, { BASE: 'python', VERSION: '3.12', VARIANT: 'alpine' })
    expect(over.parsed.stages[0]!.base).toBe('python:3.12-alpine')
    expect(over.graph.nodes.map((n) => n.id)).toContain('image:python:3.12-alpine')
  })

  it('reports syntax problems with their lines', () => {
    const { problems } = graphOf('syntax-error.Dockerfile')
    const byLine = problems.map((p) => [p.line, p.message.split(' ').slice(0, 3).join(' ')])
    expect(byLine).toEqual([
      [1, 'RUN comes before'],
      [3, 'Unknown instruction "FROBNICATE".'],
      [4, 'COPY needs at'],
      [5, 'Duplicate stage name'],
      [6, 'COPY --from refers']
    ])
    expect(problems.find((p) => p.line === 6)!.message).toContain('defined later (line 7)')
  })

  it('says when there is no FROM at all', () => {
    const parsed = parseDockerfile('# nothing\nRUN echo hi\n')
    expect(parsed.problems.map((p) => p.message)).toContain('No FROM instruction: a Dockerfile must start a stage with FROM <image>.')
  })
})

describe('stage graph', () => {
  it('two-stage: builder image, runtime image, copy edge with paths', () => {
    const { graph, edge } = graphOf('two-stage.Dockerfile')
    expect(graph.nodes.map((n) => [n.id, n.kind, n.name])).toEqual([
      ['stage:0', 'stage', 'build'],
      ['image:golang:1.22', 'image', 'golang:1.22'],
      ['stage:1', 'stage', '1'],
      ['image:debian:12', 'image', 'debian:12']
    ])
    expect(edge('from')).toEqual(['golang:1.22->build@1', 'debian:12->1@6'])
    expect(edge('copy')).toEqual(['build->1@7'])
    expect(graph.edges.find((e) => e.kind === 'copy')!.paths).toEqual(['/out/app'])
    expect(graph.target).toBe('stage:1')
    expect(graph.nodes.every((n) => !n.unused)).toBe(true)
  })

  it('three-stage Node: deps feeds build (FROM) and final (COPY)', () => {
    const { graph, edge, parsed } = graphOf('node-three-stage.Dockerfile')
    expect(parsed.directives.syntax).toBe('docker/dockerfile:1')
    expect(edge('from')).toEqual(['node:20->deps@2', 'deps->build@7', 'node:20->2@11'])
    expect(edge('copy')).toEqual(['deps->2@13', 'build->2@14'])
    expect(graph.nodes.filter((n) => n.kind === 'image')).toHaveLength(1)
    expect(fromChain(parsed, parsed.stages[1]!).map((s) => s.name)).toEqual(['deps', 'build'])
    const deps = graph.nodes.find((n) => n.name === 'deps')!
    expect(deps.instructions.map((i) => i.keyword)).toEqual(['FROM', 'WORKDIR', 'COPY', 'RUN'])
    expect(deps.range).toEqual({ startLine: 2, endLine: 5 })
  })

  it('scratch final stage is a node of its own kind', () => {
    const { graph, edge } = graphOf('scratch-final.Dockerfile')
    expect(graph.nodes.find((n) => n.id === 'scratch')!.kind).toBe('scratch')
    expect(edge('from')).toContain('scratch->1@3')
  })

  it('RUN --mount from= makes mount edges, to stages and to images; cache mounts without from do not', () => {
    const { graph, edge } = graphOf('run-mount.Dockerfile')
    expect(edge('mount')).toEqual(['cache->1@5', 'busybox:1.36->1@8'])
    expect(graph.edges.find((e) => e.kind === 'mount')!.paths).toEqual(['/cache'])
    expect(graph.nodes.find((n) => n.name === 'cache')!.unused).toBe(false)
  })

  it('marks stages that cannot reach the target as unused; --target changes that', () => {
    const { graph, edge } = graphOf('unused-stage.Dockerfile')
    expect(edge('copy')).toEqual(['base->3@11'])
    const unused = graph.nodes.filter((n) => n.unused).map((n) => n.name)
    expect(unused).toEqual(['test'])
    expect(graph.nodes.find((n) => n.isTarget)!.name).toBe('3')

    const t = graphOf('unused-stage.Dockerfile', 'TEST')
    expect(t.graph.nodes.filter((n) => n.unused).map((n) => n.name)).toEqual(['release', '3'])
    expect(t.graph.target).toBe('stage:1')
    expect(() => graphOf('unused-stage.Dockerfile', 'nope')).toThrow(/Target stage "nope" is not in this Dockerfile. Stages: base, test, release, 3/)
  })

  it('keeps builder-provided platform args as written', () => {
    const parsed = parseDockerfile('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /a /a\n')
    expect(parsed.stages[0]!.platform).toBe('$BUILDPLATFORM')
    expect(parsed.problems).toEqual([])
  })

  it('ARG-based FROM between stages resolves to stage nodes', () => {
    const parsed = parseDockerfile('ARG STAGE=one\nFROM alpine AS one\nFROM ${STAGE}\n')
    const { graph } = buildStageGraph(parsed)
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['image:alpine->stage:0', 'stage:0->stage:1'])
  })
})
