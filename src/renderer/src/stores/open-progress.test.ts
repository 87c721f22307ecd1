import { describe, expect, it, vi } from 'vitest'
import type { ImagePreview } from '../../../shared/models/analysis'

vi.mock('../api', () => ({ api: null }))
const { applyProgress, markAnalysed } = await import('./analysis')

const preview: ImagePreview = { id: 'sha256:x', repoTags: [], source: { kind: 'engine', ref: 'x' }, layers: [], history: [] }
const job = { jobId: 'j', source: { kind: 'engine' as const, ref: 'x' }, label: 'x', startedAt: 0, progress: null, preview: null, layersRead: [], error: null, cancelling: false }

describe('applyProgress', () => {
  it('keeps the preview and every layer read, while the bar takes the newest numbers', () => {
    let j = applyProgress(job, { jobId: 'j', phase: 'export', bytesDone: 10, preview })
    expect(j.preview).toBe(preview)
    expect(j.progress).toEqual({ jobId: 'j', phase: 'export', bytesDone: 10 })
    j = applyProgress(j, { jobId: 'j', phase: 'export', bytesDone: 20, layerRead: 2 })
    j = applyProgress(j, { jobId: 'j', phase: 'export', bytesDone: 30 })
    j = applyProgress(j, { jobId: 'j', phase: 'export', bytesDone: 40, layerRead: 2 })
    j = applyProgress(j, { jobId: 'j', phase: 'export', bytesDone: 50, layerRead: 0 })
    expect(j.preview).toBe(preview)
    expect(j.layersRead).toEqual([2, 0])
    expect(j.progress?.bytesDone).toBe(50)
  })
})

describe('markAnalysed', () => {
  it('marks the image just analysed by its ID, leaving the list as it was otherwise', () => {
    const list = [{ id: 'sha256:a' }, { id: 'sha256:b', analysed: true }]
    expect(markAnalysed(list, 'sha256:a', false)).toEqual([{ id: 'sha256:a', analysed: true }, { id: 'sha256:b', analysed: true }])
    expect(markAnalysed(list, 'sha256:b', false)).toBe(list)
    expect(markAnalysed(list, 'sha256:c', false)).toBe(list)
    expect(markAnalysed(list, 'sha256:a', true)).toBe(list)
    expect(markAnalysed(null, 'sha256:a', false)).toBeNull()
  })
})
