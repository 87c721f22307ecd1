import { describe, expect, it } from 'vitest'
import { ETA_AFTER_MS, describeProgress } from './progress-text'

const p = (o: Partial<Parameters<typeof describeProgress>[0] & object>) => ({ jobId: 'j', phase: 'export' as const, bytesDone: 0, ...o })

describe('progress in words', () => {
  it('names the phase and the layer being read', () => {
    expect(describeProgress(p({ phase: 'preparing' }), 0)).toMatchObject({ phase: expect.stringContaining('prepares the export'), fraction: null })
    expect(describeProgress(p({ bytesDone: 5e6, bytesTotal: 1e7, layerIndex: 2, layerCount: 7 }), 1000).phase).toBe('Exporting from the engine · layer 3 of 7')
    expect(describeProgress(p({ phase: 'cache' }), 0).phase).toBe('Reading the layer cache')
    expect(describeProgress(p({ phase: 'analyse' }), 0).phase).toMatch(/^Stacking layers/)
    expect(describeProgress(null, 0).phase).toBe('Starting…')
  })

  it('never passes 100%: more than the estimate is said, not drawn', () => {
    const t = describeProgress(p({ bytesDone: 1.2e9, bytesTotal: 1.07e9 }), 20_000)
    expect(t.over).toBe(true)
    expect(t.fraction).toBeNull()
    expect(t.bytes).toBe('1.2 GB · more than the 1.07 GB expected, still going')
    expect(t.eta).toBeUndefined()
    expect(describeProgress(p({ bytesDone: 1.07e9, bytesTotal: 1.07e9 }), 20_000).fraction).toBe(1)
  })

  it('guesses the time left only after the bytes flowed a few seconds', () => {
    expect(describeProgress(p({ bytesDone: 1e8, bytesTotal: 4e8 }), ETA_AFTER_MS - 1).eta).toBeUndefined()
    // A quarter in 4 s: three quarters more take 12 s.
    expect(describeProgress(p({ bytesDone: 1e8, bytesTotal: 4e8 }), 4000).eta).toBe('about 12 s left')
    expect(describeProgress(p({ bytesDone: 1e8, bytesTotal: 1e9 }), 60_000).eta).toBe('about 9 min left')
    expect(describeProgress(p({ bytesDone: 1e8, bytesTotal: 4e8 }), 4000).bytes).toBe('100 MB of 400 MB')
  })
})
