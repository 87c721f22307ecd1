import { describe, expect, it } from 'vitest'
import type { LayoutBox, StageGraph, StageGraphLayout, StageNode } from './models/dockerfile'
import { boxContent, drawLegend, drawStageGraph, edgeLabel, EDGE_STYLE, EXTERNAL_DASH, imageSubtitle, imageTitle, nodeFooter, slimmerLines, stageGraphDocument, UNUSED_DASH } from './stage-graph-drawing'
import { svgMarkup, type SvgEl } from './svg'
import { THEMES } from './theme'

const stage = (id: string, extra: Partial<StageNode> = {}): StageNode => ({
  id,
  kind: 'stage',
  name: id,
  instructions: [{ keyword: 'FROM', text: 'FROM base', range: { startLine: 1, endLine: 1 } }],
  range: { startLine: 1, endLine: 3 },
  isTarget: false,
  unused: false,
  ...extra
})

const graph: StageGraph = {
  target: 'app',
  nodes: [
    { id: 'img:alpine', kind: 'image', name: 'alpine:3.20', instructions: [], isTarget: false, unused: false },
    stage('build', { measured: { imageId: 'sha256:1', size: 12_345_678, layers: 3 }, passesBytes: 512_000 }),
    stage('cache'),
    stage('app', { isTarget: true, measured: { imageId: 'sha256:2', size: 110_000_000, layers: 2 } }),
    stage('old', { unused: true })
  ],
  edges: [
    { from: 'img:alpine', to: 'build', kind: 'from', line: 1 },
    { from: 'build', to: 'app', kind: 'copy', line: 5, paths: ['/very/long/path/to/the/build/output/dist'], bytes: 512_000 },
    { from: 'cache', to: 'app', kind: 'mount', line: 6 },
    { from: 'build', to: 'old', kind: 'from', line: 7 }
  ]
}

// A hand-made layout (the real one is dagre, in the backend): boxes in a row, straight edges.
function layoutOf(g: StageGraph): StageGraphLayout {
  const nodes: Record<string, LayoutBox> = {}
  g.nodes.forEach((n, i) => (nodes[n.id] = { x: 150 + i * 300, y: 100, width: 262, height: 90, ...boxContent(n) }))
  const edges = g.edges.map((e) => ({ points: [{ x: nodes[e.from]!.x, y: 145 }, { x: nodes[e.to]!.x, y: 55 }], label: { x: (nodes[e.from]!.x + nodes[e.to]!.x) / 2, y: 100 } }))
  return { width: 1500, height: 200, nodes, edges }
}

const all = (e: SvgEl): SvgEl[] => [e, ...(e.children ?? []).flatMap((c) => (typeof c === 'string' ? [] : all(c)))]
const textOf = (e: SvgEl): string => (e.children ?? []).map((c) => (typeof c === 'string' ? c : textOf(c))).join('')

describe('stage graph drawing', () => {
  const t = THEMES.light
  const d = drawStageGraph(graph, layoutOf(graph), { theme: t, selected: 'cache', building: null })
  const els = d.items.flatMap(all)
  const nodeOf = (id: string): SvgEl => d.items.find((i) => i.attrs['data-node-id'] === id)!

  it("draws edges in dockerfilegraph's styles: FROM solid, COPY --from dashed, RUN --mount dotted", () => {
    const paths = els.filter((e) => e.tag === 'path' && e.attrs['marker-end'])
    expect(paths.map((p) => [p.attrs['marker-end'], p.attrs['stroke-dasharray']])).toEqual([
      ['url(#arrow-from)', undefined],
      ['url(#arrow-copy)', '7 5'],
      ['url(#arrow-mount)', '2 4'],
      ['url(#arrow-from)', undefined]
    ])
    expect(paths.map((p) => p.attrs.stroke)).toEqual([t.edgeFrom, t.edgeCopy, t.edgeMount, t.edgeFrom])
    expect(EDGE_STYLE.copy.dash).not.toBe(EDGE_STYLE.mount.dash)
  })

  it('draws external images as dashed pills, marks the target, greys unused stages, shows the selection', () => {
    const pill = all(nodeOf('img:alpine')).find((e) => e.tag === 'rect')!
    expect(pill.attrs['stroke-dasharray']).toBe(EXTERNAL_DASH)
    expect(pill.attrs.rx).toBe(45)
    const target = nodeOf('app')
    expect(target.attrs.class).toContain('target')
    expect(all(target).some((e) => e.tag === 'text' && textOf(e) === 'TARGET')).toBe(true)
    expect(all(target).find((e) => e.attrs.class === 'df-node-box')!.attrs).toMatchObject({ stroke: t.accent, 'stroke-width': 2.4 })
    const old = nodeOf('old')
    expect(old.children!.filter((c) => typeof c !== 'string' && c.attrs.opacity === 0.5)).toHaveLength(1)
    expect(all(old).find((e) => e.attrs.class === 'df-node-box')!.attrs['stroke-dasharray']).toBe(UNUSED_DASH)
    expect(nodeOf('cache').attrs.class).toContain('selected')
    // The edge into an unused stage fades with it.
    expect(d.items.filter((i) => i.attrs.class === 'df-edge df-edge-from unused')).toHaveLength(1)
  })

  it('writes the same words everywhere: footers, edge labels clipped from the end of the path', () => {
    expect(nodeFooter(graph.nodes[1]!)).toBe('12.3 MB · 3 layers · passes 512 kB')
    expect(nodeFooter(graph.nodes[3]!)).toBe('target · 110 MB · 2 layers')
    expect(nodeFooter(graph.nodes[4]!)).toBe('unused: cannot reach the target')
    expect(nodeFooter(graph.nodes[2]!)).toBe('not built yet')
    expect(nodeFooter(graph.nodes[2]!, true)).toBe('building…')
    expect(nodeFooter({ ...graph.nodes[2]!, buildError: { message: 'x', line: 4 } })).toBe('build failed at line 4')
    expect(edgeLabel(graph.edges[1]!)).toBe('…th/to/the/build/output/dist · 512 kB')
    expect(edgeLabel(graph.edges[0]!)).toBe('')
    expect(edgeLabel({ from: 'a', to: 'b', kind: 'copy', line: 1, paths: ['/a', '/b', '/c'] })).toBe('/a +2')
    const texts = els.filter((e) => e.tag === 'text').map(textOf)
    expect(texts).toEqual(expect.arrayContaining(['alpine:3.20', 'external image', 'target · 110 MB · 2 layers', '…th/to/the/build/output/dist · 512 kB']))
    // Measured sizes and edge bytes carry the test ids the app's e2e reads.
    expect(els.filter((e) => e.attrs['data-testid'] === 'stage-size')).toHaveLength(2)
    expect(els.filter((e) => e.attrs['data-testid'] === 'edge-bytes')).toHaveLength(1)
  })

  it('marks the stage being built', () => {
    const b = drawStageGraph(graph, layoutOf(graph), { theme: t, building: 'cache' })
    const cache = b.items.find((i) => i.attrs['data-node-id'] === 'cache')!
    expect(cache.attrs.class).toContain('building')
    expect(all(cache).some((e) => e.tag === 'text' && textOf(e) === 'building…')).toBe(true)
  })

  it('takes its colours from the theme it is given', () => {
    const dark = drawStageGraph(graph, layoutOf(graph), { theme: THEMES.dark }).items.flatMap(all)
    const fills = new Set(dark.map((e) => e.attrs.fill).filter(Boolean))
    for (const f of fills) expect(f === 'none' || Object.values(THEMES.dark).includes(f as string)).toBe(true)
    expect(fills.has(THEMES.dark.panel)).toBe(true)
  })

  it('escapes hostile names and prefixes marker ids', () => {
    const g: StageGraph = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'img:alpine' ? { ...n, name: '<script>&"x"' } : n)) }
    const doc = svgMarkup(stageGraphDocument(g, layoutOf(g), { theme: t, idPrefix: 'p-', title: 'a & b' }))
    expect(doc).toContain('&lt;script&gt;&amp;&quot;x&quot;')
    expect(doc).not.toContain('<script>')
    expect(doc).toContain('id="p-arrow-copy"')
    expect(doc).toContain('marker-end="url(#p-arrow-copy)"')
    expect(doc).toContain('>a &amp; b<')
    const legend = svgMarkup(drawLegend(t, 0, 0).el)
    for (const s of Object.values(EDGE_STYLE)) expect(legend).toContain(`>${s.label}<`)
    expect(legend).toContain('stroke-dasharray="7 5"')
    expect(legend).toContain('stroke-dasharray="2 4"')
  })

  it('sizes external images without a build and says which size it is', () => {
    const img = graph.nodes[0]!
    expect(imageSubtitle(img)).toBe('external image')
    const local = { ...img, imageSize: { bytes: 7_340_000, kind: 'engine' as const, ref: 'alpine:3.20' } }
    expect(imageSubtitle(local)).toBe('7.34 MB · in the engine')
    expect(imageTitle(local)).toBe('External image alpine:3.20: 7,340,000 bytes as docker images shows it (engine inspect)')
    const remote = { ...img, name: 'node:22', imageSize: { bytes: 398_000_000, kind: 'download' as const, ref: 'docker.io/library/node:22' } }
    expect(imageSubtitle(remote)).toBe('398 MB download · registry')
    expect(imageTitle({ ...img, imageSizeNote: 'Not sized: the engine does not have it.' })).toBe('External image alpine:3.20 · Not sized: the engine does not have it.')
  })

  it('lists measured slimmer siblings under the image, the size kept whole when the name is long', () => {
    const sib = (tag: string, downloadSize: number) => ({ tag, ref: `docker.io/library/node:${tag}`, downloadSize, savesBytes: 398_000_000 - downloadSize })
    const node: StageNode = { ...graph.nodes[0]!, name: 'node:22', slimmer: { base: 'docker.io/library/node:22', downloadSize: 398_000_000, siblings: [sib('22-slim', 74_000_000), sib('22-alpine', 55_100_000)] } }
    expect(slimmerLines(node)).toEqual(['node:22-slim 74 MB download', 'node:22-alpine 55.1 MB download'])
    expect(boxContent(node).lines).toEqual(slimmerLines(node))
    const many: StageNode = { ...node, slimmer: { ...node.slimmer!, siblings: ['a', 'b', 'c', 'd', 'e'].map((x) => sib(`22-slim-${x}`, 1)) } }
    expect(slimmerLines(many)).toHaveLength(4)
    expect(slimmerLines(many)[3]).toBe('… 2 more slimmer tags')
    const long: StageNode = { ...node, name: '127.0.0.1:40357/some/deep/repository/base:1' }
    expect(slimmerLines(long)[0]).toBe('…/repository/base:22-slim 74 MB download')
    expect(slimmerLines(long)[0]!.length).toBeLessThanOrEqual(40)
    // Drawn: the size row and the sibling rows carry test ids the app's e2e reads.
    const g: StageGraph = { ...graph, nodes: [{ ...node, imageSize: { bytes: 398_000_000, kind: 'download', ref: 'docker.io/library/node:22' } }, ...graph.nodes.slice(1)] }
    const items = drawStageGraph(g, layoutOf(g), { theme: t }).items.flatMap(all)
    expect(items.filter((e) => e.attrs['data-testid'] === 'slimmer-sibling').map(textOf)).toEqual(['node:22-slim 74 MB download', 'node:22-alpine 55.1 MB download'])
    expect(items.find((e) => e.attrs['data-testid'] === 'image-size')!.attrs['data-size-kind']).toBe('download')
  })

  it('a failed stage says why in its tooltip and is drawn as failed', () => {
    const g: StageGraph = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'cache' ? { ...n, buildError: { message: 'exit code: 3', line: 2, instruction: 'RUN exit 3' } } : n)) }
    const node = drawStageGraph(g, layoutOf(g), { theme: t }).items.find((i) => i.attrs['data-node-id'] === 'cache')!
    expect(node.attrs.class).toContain('failed')
    const title = all(node).find((e) => e.tag === 'title')!
    expect(textOf(title)).toBe('cache · lines 1-3 · build failed at line 2: exit code: 3')
    expect(all(node).find((e) => e.tag === 'rect')!.attrs.stroke).toBe(t.deleted)
  })
})
