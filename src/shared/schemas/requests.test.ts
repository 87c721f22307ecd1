// The channel schemas are where requests are checked (the dispatcher runs them once, before any
// handler): each refusal is one sentence a person can act on, naming the field or the side.
import { describe, expect, it } from 'vitest'
import { REQUESTS, describeIssue } from './requests'
import { reportOptions } from './report'

type Channel = keyof typeof REQUESTS

/** The dispatcher's words for a refused request, or undefined when the schema takes it. */
function refusal(channel: Channel, req: unknown): string | undefined {
  const r = REQUESTS[channel].safeParse(req)
  return r.success ? undefined : describeIssue(channel, r.error)
}

const engine = (ref: string) => ({ kind: 'engine', ref })

describe('compare:open sides', () => {
  it('names the missing or empty side (what CompareService checked itself before)', () => {
    expect(refusal('compare:open', { a: engine(''), b: engine('x') })).toMatch(/^Side A is missing: give an image reference/)
    expect(refusal('compare:open', { a: engine('x'), b: { kind: 'archive', path: '   ' } })).toMatch(/^Side B is missing/)
    expect(refusal('compare:open', { a: engine('x') })).toMatch(/^Side B is missing/)
    expect(refusal('compare:open', { a: { kind: 'ftp', ref: 'x' }, b: engine('y') })).toMatch(/^Side A is missing/)
    expect(refusal('compare:open', { a: { kind: 'registry', ref: '' }, b: engine('y') })).toContain("a registry reference ({ kind: 'registry', ref })")
  })
  it('takes any mix of engine, archive and registry sides', () => {
    expect(refusal('compare:open', { a: engine('app:1'), b: { kind: 'archive', path: '/x.tar', platform: 'linux/arm64' } })).toBeUndefined()
    expect(refusal('compare:open', { a: { kind: 'registry', ref: '127.0.0.1:5000/app:1' }, b: engine('app:2') })).toBeUndefined()
  })
  it('keeps the field-named wording for a single analysis', () => {
    expect(refusal('analysis:open', { source: engine(' ') })).toBe('source.ref must be an image reference such as "myapp:1.0" or an image id.')
  })
})

describe('a shape no field schema words', () => {
  it('is named by its path, in the same words as a bad archive document', () => {
    expect(refusal('analysis:open', 5)).toBe('The request is not valid for analysis:open: should be an object.')
  })
})

describe('report options (report:render, report:save, report:copy and the CLI flags)', () => {
  it('refuses an unknown format, theme or width in words', () => {
    expect(refusal('report:render', { a: 'k', format: 'pdf' })).toBe('Unknown report format "pdf": use png, svg, json, md.')
    expect(refusal('report:save', { a: 'k', format: 'png', theme: 'sepia' })).toBe('Unknown theme "sepia": use light or dark.')
    expect(refusal('report:copy', { a: 'k', format: 'png', width: 399 })).toBe('Width must be a whole number of pixels from 400 to 4800 (got 399).')
    expect(refusal('report:render', { a: 'k', format: 'png', width: 4801 })).toBe('Width must be a whole number of pixels from 400 to 4800 (got 4801).')
    expect(refusal('report:render', { a: 'k', format: 'png', width: 1200.5 })).toMatch(/^Width must be a whole number/)
    expect(refusal('report:render', { a: 'k', format: 'png', width: '800' })).toMatch(/^Width must be a whole number/)
  })
  it('takes the bounds and every format', () => {
    for (const format of ['png', 'svg', 'json', 'md']) expect(refusal('report:render', { a: 'k', format })).toBeUndefined()
    expect(refusal('report:render', { a: 'k', format: 'png', theme: 'dark', width: 400 })).toBeUndefined()
    expect(refusal('report:render', { a: 'k', format: 'svg', width: 4800 })).toBeUndefined()
  })
  it('is the same schema the CLI checks its flags with (NaN from --width huge included)', () => {
    const r = reportOptions.safeParse({ format: 'png', theme: 'light', width: Number('huge') })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toBe('Width must be a whole number of pixels from 400 to 4800 (got NaN).')
    expect(reportOptions.safeParse({ format: 'md', theme: 'light' }).success).toBe(true)
  })
})

describe('history:series', () => {
  it('refuses --last below 2 (what HistoryService checked itself before)', () => {
    expect(refusal('history:series', { repository: 'app', last: 1 })).toBe('last must be a whole number from 2 to 1,000.')
    expect(refusal('history:series', { repository: 'app', last: 2.5 })).toBe('last must be a whole number from 2 to 1,000.')
    expect(refusal('history:series', { repository: 'app', last: 2 })).toBeUndefined()
  })
})

describe('analysis:layer (a read layer of a running job)', () => {
  it('names the job and the layer it needs, and pages as analysis:tree does', () => {
    expect(refusal('analysis:layer', { layer: 0 })).toMatch(/^job must be the jobId of an analysis:open that is still running/)
    expect(refusal('analysis:layer', { job: 'j', layer: -1 })).toMatch(/^layer must be/)
    expect(REQUESTS['analysis:layer'].parse({ job: 'j', layer: 2 })).toEqual({ job: 'j', layer: 2, path: '/', sort: 'size', offset: 0, limit: 200 })
  })
})
