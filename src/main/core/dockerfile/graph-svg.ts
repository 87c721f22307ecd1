// The stage graph as a stand-alone SVG (CLI `graph -o`): the one layout (graph-layout.ts) and
// the one drawing (src/shared/stage-graph-drawing.ts) the app and the report use too.
import type { StageGraph } from '../../../shared/models/dockerfile'
import { stageGraphDocument } from '../../../shared/stage-graph-drawing'
import { svgMarkup } from '../../../shared/svg'
import { THEMES, type ThemeName } from '../../../shared/theme'
import { layoutStageGraph } from './graph-layout'

export function stageGraphSvg(graph: StageGraph, opts: { title?: string; theme?: ThemeName } = {}): string {
  const layout = graph.layout ?? layoutStageGraph(graph)
  return svgMarkup(stageGraphDocument(graph, layout, { theme: THEMES[opts.theme ?? 'light'], ...(opts.title ? { title: opts.title } : {}) }))
}

/** The background the SVG paints, for a PNG of it. */
export function stageGraphBackground(theme: ThemeName = 'light'): string {
  return THEMES[theme].panel
}
