import { describe, expect, it } from 'vitest'
import type { JobProgress } from '../../shared/models/analysis'
import { throttleProgress } from './progress-throttle'

describe('throttleProgress', () => {
  it('never holds back or replaces a preview or a layer-read, whatever the rate', () => {
    const out: JobProgress[] = []
    let t = 0
    const { emit } = throttleProgress((_e, p) => out.push(p as JobProgress), 100, () => t)
    const preview = { id: 'sha256:x', repoTags: [], source: { kind: 'engine' as const, ref: 'x' }, layers: [], history: [] }
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 1 })
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 2 })
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 2, preview })
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 3, layerRead: 0 })
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 3, layerRead: 1 })
    emit('job:progress', { jobId: 'j', phase: 'export', bytesDone: 4 })
    t = 1
    // The held sample (2) goes out before the preview; the last sample (4) stays held.
    expect(out.map((p) => [p.bytesDone, p.preview ? 'preview' : p.layerRead])).toEqual([
      [1, undefined],
      [2, undefined],
      [2, 'preview'],
      [3, 0],
      [3, 1]
    ])
  })
})
