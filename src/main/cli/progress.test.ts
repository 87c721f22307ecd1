import { describe, expect, it } from 'vitest'
import { progressLine } from './progress'
import { parseSource } from './source-arg'

describe('progressLine', () => {
  it('names the phase, the bytes and the share done', () => {
    expect(progressLine({ jobId: 'j', phase: 'export', bytesDone: 120_000_000, bytesTotal: 1_050_000_000 })).toBe(
      'Exporting from the engine: 120 MB of about 1.05 GB (11%)'
    )
  })
  it('prefixes the side of a comparison and keeps unknown phases', () => {
    expect(progressLine({ jobId: 'j', phase: 'waiting', bytesDone: 0, side: 'b', message: 'for A' })).toBe('B: waiting... for A')
  })
})

describe('parseSource', () => {
  it('treats an existing path as an archive and anything else as an engine reference', () => {
    expect(parseSource('package.json')).toEqual({ kind: 'archive', path: expect.stringMatching(/\/package\.json$/) })
    expect(parseSource('alpine:3.20')).toEqual({ kind: 'engine', ref: 'alpine:3.20' })
    expect(parseSource('docker:package.json')).toEqual({ kind: 'engine', ref: 'package.json' })
    expect(parseSource('archive:x.tar')).toEqual({ kind: 'archive', path: expect.stringMatching(/\/x\.tar$/) })
  })
})
