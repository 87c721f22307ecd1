import { describe, expect, it } from 'vitest'
import type { ImagePreview } from '../../../../shared/models/analysis'
import { previewRows } from './preview-rows'

const p: ImagePreview = {
  id: 'sha256:' + 'f'.repeat(64),
  repoTags: ['x:1'],
  source: { kind: 'engine', ref: 'x:1' },
  layers: [
    { index: 0, diffId: 'sha256:a', createdBy: 'ADD rootfs', createdByRaw: 'ADD rootfs', historyIndex: 0, cached: true },
    { index: 1, diffId: 'sha256:b', createdBy: 'RUN make', createdByRaw: '/bin/sh -c make', historyIndex: 2, cached: false },
    { index: 2, diffId: 'sha256:c', createdBy: '', createdByRaw: '', historyIndex: -1, cached: false }
  ],
  history: [
    { index: 0, createdBy: 'ADD rootfs', createdByRaw: 'ADD rootfs', emptyLayer: false, layerIndex: 0 },
    { index: 1, createdBy: 'ENV A=1', createdByRaw: '/bin/sh -c #(nop) ENV A=1', emptyLayer: true },
    { index: 2, createdBy: 'RUN make', createdByRaw: '/bin/sh -c make', emptyLayer: false, layerIndex: 1 }
  ]
}

describe('previewRows', () => {
  it('lists history steps in order, each layer once with its state, a layer without history last', () => {
    const rows = previewRows(p, [2], 'export')
    expect(rows.map((r) => [r.instruction, r.layer?.index, r.state])).toEqual([
      ['ADD rootfs', 0, 'cached'],
      ['ENV A=1', undefined, undefined],
      ['RUN make', 1, 'reading'],
      ['(no history for this layer)', 2, 'read']
    ])
  })

  it('says waiting, not reading, while the engine prepares its export', () => {
    expect(previewRows(p, [], 'preparing').find((r) => r.layer?.index === 1)?.state).toBe('waiting')
  })
})
