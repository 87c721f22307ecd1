import { describe, expect, it } from 'vitest'
import type { HistoryStep, LayerSummary } from '../../../../shared/models/analysis'
import { layerRows, selectableLayers } from './layer-rows'

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
