import { describe, expect, it } from 'vitest'
import { renderToStaticMarkup } from 'react-dom/server'
import type { HistoryStep, LayerSummary } from '../../../../shared/models/analysis'
import { EmptyStepRow, layerRows, selectableLayers } from './layer-rows'

const layer = (index: number): LayerSummary =>
  ({ index, diffId: `sha256:${index}`, contentBytes: 10 * index, createdBy: `L${index}`, createdByRaw: `L${index}`, isBase: index === 0 }) as LayerSummary
const step = (index: number, layerIndex?: number): HistoryStep => ({
  index,
  createdBy: `S${index}`,
  createdByRaw: `raw S${index}`,
  emptyLayer: layerIndex === undefined,
  ...(layerIndex !== undefined ? { layerIndex } : {})
})

describe('layerRows', () => {
  it('keeps history order with empty steps and every layer once', () => {
    const rows = layerRows({ layers: [layer(0), layer(1), layer(2)], history: [step(0, 0), step(1), step(2, 2)] })
    expect(rows.map((r) => r.key)).toEqual(['h0', 'h1', 'l1', 'h2'])
    expect(rows[1]!.layer).toBeUndefined()
    expect(selectableLayers(rows)).toEqual([null, 0, 1, 2])
  })
  it('works without any history', () => {
    const rows = layerRows({ layers: [layer(0), layer(1)], history: [] })
    expect(rows.map((r) => r.instruction)).toEqual(['L0', 'L1'])
  })
})

describe('EmptyStepRow', () => {
  const row = { instruction: 'ENV A=1', raw: '/bin/sh -c #(nop)  ENV A=1' }
  const html = (blanks: number, lastClass: 'num' | 'muted'): string => renderToStaticMarkup(<table><tbody><EmptyStepRow row={row} blanks={blanks} lastClass={lastClass} /></tbody></table>)
  it('draws the step dimmed, with its raw text and why it has no layer in the title', () => {
    expect(html(1, 'num')).toBe(
      '<table><tbody><tr class="empty-step" title="/bin/sh -c #(nop)  ENV A=1\n(no layer: metadata only)"><td class="col-idx num"></td><td class="instr mono">ENV A=1</td><td class="num"></td><td class="num">—</td></tr></tbody></table>'
    )
  })
  it('leaves one empty cell for each figure column the table has', () => {
    expect(html(0, 'muted')).toContain('<td class="instr mono">ENV A=1</td><td class="muted">—</td></tr>')
    expect(html(2, 'num')).toContain('<td class="instr mono">ENV A=1</td><td class="num"></td><td class="num"></td><td class="num">—</td></tr>')
  })
})
