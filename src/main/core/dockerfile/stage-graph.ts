// Parsed stages -> the graph people look at: stages, external images and scratch as nodes;
// FROM, COPY/ADD --from and RUN --mount from= as edges; the target and what cannot reach it.
import type { StageEdge, StageGraph, StageNode, SyntaxProblem } from '../../../shared/models/dockerfile'
import { LayerscopeError } from '../errors'
import { copySourcesAndDest, fromFlag, mountsFrom, stageLabel, type ParsedDockerfile, type ParsedStage } from './parser'

export const stageId = (index: number): string => `stage:${index}`
export const imageId = (ref: string): string => (ref === 'scratch' ? 'scratch' : `image:${ref}`)

/** Finds the stage a reference names, among the stages before `before` (Docker's rule). */
export function resolveStageRef(stages: ParsedStage[], ref: string, before: number): ParsedStage | undefined {
  const lower = ref.toLowerCase()
  const earlier = stages.slice(0, before)
  const byName = earlier.find((s) => s.name === lower)
  if (byName) return byName
  if (/^\d+$/.test(ref)) return earlier[Number(ref)]
  return undefined
}

/** The stage --target names, or the last one. Throws INVALID_INPUT for an unknown target. */
export function targetStage(parsed: ParsedDockerfile, target?: string): ParsedStage | undefined {
  if (parsed.stages.length === 0) return undefined
  if (!target) return parsed.stages[parsed.stages.length - 1]
  const t = resolveStageRef(parsed.stages, target, parsed.stages.length)
  if (!t) {
    const names = parsed.stages.map(stageLabel).join(', ')
    throw new LayerscopeError('INVALID_INPUT', `Target stage "${target}" is not in this Dockerfile. Stages: ${names}.`)
  }
  return t
}

export function buildStageGraph(parsed: ParsedDockerfile, target?: string): { graph: StageGraph; problems: SyntaxProblem[] } {
  const problems: SyntaxProblem[] = []
  const nodes = new Map<string, StageNode>()
  const edges: StageEdge[] = []
  const addImage = (ref: string): string => {
    const id = imageId(ref)
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind: ref === 'scratch' ? 'scratch' : 'image',
        name: ref,
        instructions: [],
        isTarget: false,
        unused: false
      })
    }
    return id
  }
  // A reference that names a stage defined later is an image to Docker: say so.
  const laterStage = (ref: string, after: number): ParsedStage | undefined =>
    parsed.stages.slice(after).find((s) => s.name === ref.toLowerCase())
  const source = (ref: string, stage: ParsedStage, line: number, what: string): string => {
    const s = resolveStageRef(parsed.stages, ref, stage.index)
    if (s) return stageId(s.index)
    if (/^\d+$/.test(ref)) {
      problems.push({ line, message: `${what} refers to stage ${ref}, but only stages before this one (0-${stage.index - 1}) can be used.` })
    }
    const later = laterStage(ref, stage.index)
    if (later) {
      problems.push({
        line,
        message: `${what} refers to "${ref}", a stage defined later (line ${later.from.range.startLine}): Docker will look for an image of that name instead.`
      })
    }
    return addImage(ref)
  }

  for (const stage of parsed.stages) {
    const id = stageId(stage.index)
    nodes.set(id, {
      id,
      kind: 'stage',
      name: stageLabel(stage),
      index: stage.index,
      baseRef: stage.base,
      platform: stage.platform,
      instructions: [stage.from, ...stage.instructions].map((i) => ({ keyword: i.keyword, text: i.text, range: i.range })),
      range: {
        startLine: stage.from.range.startLine,
        endLine: (stage.instructions[stage.instructions.length - 1] ?? stage.from).range.endLine
      },
      isTarget: false,
      unused: false
    })
    if (stage.base !== '') {
      edges.push({ from: source(stage.base, stage, stage.from.range.startLine, 'FROM'), to: id, kind: 'from', line: stage.from.range.startLine })
    }
    for (const ins of stage.instructions) {
      const line = ins.range.startLine
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const from = fromFlag(ins, stage)
        if (from) {
          edges.push({
            from: source(from, stage, line, `${ins.keyword} --from`),
            to: id,
            kind: 'copy',
            line,
            paths: copySourcesAndDest(ins).sources
          })
        }
      } else if (ins.keyword === 'RUN') {
        for (const m of mountsFrom(ins, stage)) {
          edges.push({ from: source(m.from, stage, line, 'RUN --mount from'), to: id, kind: 'mount', line, paths: m.source ? [m.source] : undefined })
        }
      }
    }
  }

  const t = targetStage(parsed, target)
  const targetNodeId = t ? stageId(t.index) : ''
  // Everything the target depends on, transitively; the rest is unused.
  const needed = new Set<string>()
  const stack = targetNodeId ? [targetNodeId] : []
  while (stack.length > 0) {
    const n = stack.pop()!
    if (needed.has(n)) continue
    needed.add(n)
    for (const e of edges) if (e.to === n) stack.push(e.from)
  }
  for (const n of nodes.values()) {
    n.isTarget = n.id === targetNodeId
    n.unused = !needed.has(n.id)
  }
  return { graph: { nodes: [...nodes.values()], edges, target: targetNodeId }, problems }
}

/** The used stages in build order (the ones `--target` builds are worth measuring). */
export function usedStages(parsed: ParsedDockerfile, graph: StageGraph): ParsedStage[] {
  const used = new Set(graph.nodes.filter((n) => !n.unused).map((n) => n.id))
  return parsed.stages.filter((s) => used.has(stageId(s.index)))
}

/** The stage's FROM chain (base-most stage first, the stage itself last). */
export function fromChain(parsed: ParsedDockerfile, stage: ParsedStage): ParsedStage[] {
  const chain: ParsedStage[] = [stage]
  let cur = stage
  for (;;) {
    const base = resolveStageRef(parsed.stages, cur.base, cur.index)
    if (!base) break
    chain.unshift(base)
    cur = base
  }
  return chain
}
