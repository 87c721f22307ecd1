// A built stage's figures written into the graph: its image's size and layer count, the
// bytes each of its lines added (history joined to lines), and the bytes each COPY --from
// edge into it carries; then what each stage passes on to the stages that use it.
import type { LayerLineLink, StageGraph } from '../../../shared/models/dockerfile'
import { stageId } from './stage-graph'

/** Adds the stage's line bytes to `lineBytes` and writes the node's and its edges' figures. */
export function recordStage(
  graph: StageGraph,
  lineBytes: Map<number, number>,
  o: { stageIndex: number; label: string; imageId: string; size: number; layers: number; links: LayerLineLink[] }
): void {
  for (const l of o.links) {
    if (l.line === undefined || l.stage !== o.label || l.confidence === 'none') continue
    lineBytes.set(l.line, (lineBytes.get(l.line) ?? 0) + (l.size ?? 0))
  }
  const node = graph.nodes.find((n) => n.id === stageId(o.stageIndex))
  if (!node) return
  node.measured = { imageId: o.imageId, size: o.size, layers: o.layers }
  for (const ins of node.instructions) {
    const b = lineBytes.get(ins.range.startLine)
    if (b !== undefined && ins.keyword !== 'FROM') ins.measuredBytes = b
  }
  for (const e of graph.edges) {
    if (e.to === node.id && e.kind === 'copy') e.bytes = lineBytes.get(e.line)
  }
}

/** Per stage: the bytes its COPY --from edges carry into stages that are used. */
export function recordPassedBytes(graph: StageGraph): void {
  const used = new Set(graph.nodes.filter((x) => !x.unused).map((x) => x.id))
  for (const n of graph.nodes) {
    const out = graph.edges.filter((e) => e.from === n.id && e.kind === 'copy' && e.bytes !== undefined)
    if (out.length > 0) n.passesBytes = out.filter((e) => used.has(e.to)).reduce((s, e) => s + (e.bytes ?? 0), 0)
  }
}

/** The failed stage's node says why: the engine's words, and the failing line with its instruction. */
export function recordFailure(graph: StageGraph, stageIndex: number, failure: { message: string; line?: number }): void {
  const node = graph.nodes.find((n) => n.id === stageId(stageIndex))
  if (!node) return
  const ins = failure.line === undefined ? undefined : node.instructions.find((i) => i.range.startLine <= failure.line! && failure.line! <= i.range.endLine)
  node.buildError = { message: failure.message, ...(failure.line !== undefined ? { line: failure.line } : {}), ...(ins ? { instruction: ins.text } : {}) }
}
