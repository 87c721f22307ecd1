import { describe, expect, it } from 'vitest'
import { mergeMeasurement } from './dockerfile-analysis'
import { parseDockerfile } from './parser'
import { recordFailure, recordStage } from './stage-measure'
import { buildStageGraph } from './stage-graph'

const TEXT = 'FROM busybox AS a\nRUN make\nFROM a AS b\nRUN exit 3 \\\n  && true\nFROM b\n'
const graphOf = (text: string) => buildStageGraph(parseDockerfile(text)).graph

describe('a failed build in the graph', () => {
  it('marks the failed stage with its line, the instruction as written and the engine\'s words', () => {
    const g = graphOf(TEXT)
    recordStage(g, new Map(), { stageIndex: 0, label: 'a', imageId: 'sha256:a', size: 1000, layers: 2, links: [] })
    recordFailure(g, 1, { message: 'exit code: 3', line: 5 }) // a continuation line of the RUN on line 4
    const b = g.nodes.find((n) => n.id === 'stage:1')!
    expect(b.buildError).toEqual({ message: 'exit code: 3', line: 5, instruction: 'RUN exit 3 && true' })
    recordFailure(g, 2, { message: 'no image ID' })
    expect(g.nodes.find((n) => n.id === 'stage:2')!.buildError).toEqual({ message: 'no image ID' })
  })

  it('a re-open keeps the mark and the figures of the stages built before, until the failing line changes', () => {
    const failed = graphOf(TEXT)
    recordStage(failed, new Map(), { stageIndex: 0, label: 'a', imageId: 'sha256:a', size: 1000, layers: 2, links: [] })
    recordFailure(failed, 1, { message: 'exit code: 3', line: 4 })
    const m = { graph: failed, lineBytes: new Map<number, number>() }
    const again = mergeMeasurement(graphOf(TEXT), m)
    expect(again.nodes.find((n) => n.id === 'stage:0')!.measured).toEqual({ imageId: 'sha256:a', size: 1000, layers: 2 })
    expect(again.nodes.find((n) => n.id === 'stage:1')!.buildError).toMatchObject({ line: 4, message: 'exit code: 3' })
    const edited = mergeMeasurement(graphOf(TEXT.replace('exit 3', 'exit 0')), m)
    expect(edited.nodes.find((n) => n.id === 'stage:1')!.buildError).toBeUndefined()
    expect(edited.nodes.find((n) => n.id === 'stage:0')!.measured?.size).toBe(1000)
  })
})
