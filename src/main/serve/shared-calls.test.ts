// SharedCalls' bookkeeping with a stand-in dispatcher (a pure unit; the real backend and engine
// are in server.int.test.ts): what counts as identical, progress per waiter, who may cancel.
import { describe, expect, it } from 'vitest'
import type { Dispatcher } from '../api/dispatch'
import { SharedCalls } from './shared-calls'

interface Pending {
  channel: string
  req: Record<string, unknown>
  signal?: AbortSignal
  emit: (e: string, p: unknown) => void
  finish: (r: unknown) => void
}

function fake(): { dispatcher: Dispatcher; calls: Pending[] } {
  const calls: Pending[] = []
  const dispatcher = {
    call: (channel: string, req: Record<string, unknown>, ctx: { signal?: AbortSignal; emit: (e: string, p: unknown) => void }) =>
      new Promise((finish) => calls.push({ channel, req, signal: ctx.signal, emit: ctx.emit, finish }))
  } as unknown as Dispatcher
  return { dispatcher, calls }
}

const open = (jobId: string, noCache = false): object => ({ jobId, source: { ref: 'app:1', kind: 'engine' }, options: { noCache } })

describe('SharedCalls', () => {
  it('shares identical concurrent requests (key order and job ID aside), not different ones', async () => {
    const { dispatcher, calls } = fake()
    const events: Array<[string, unknown]> = []
    const s = new SharedCalls(dispatcher, (e, p) => void events.push([e, p]))
    const never = new AbortController().signal
    const a = s.call('analysis:open', open('a'), never)
    const b = s.call('analysis:open', { options: { noCache: false }, source: { kind: 'engine', ref: 'app:1' }, jobId: 'b' }, never)
    const c = s.call('analysis:open', open('c', true), never)
    expect(calls).toHaveLength(2)
    expect([s.started, s.joined]).toEqual([2, 1])
    // Progress of the shared run reaches each waiter under its own job ID.
    calls[0]!.emit('job:progress', { jobId: calls[0]!.req.jobId, phase: 'export', bytesDone: 5 })
    expect(events).toEqual([
      ['job:progress', { jobId: 'a', phase: 'export', bytesDone: 5 }],
      ['job:progress', { jobId: 'b', phase: 'export', bytesDone: 5 }]
    ])
    calls[0]!.finish({ result: { key: 'k1' } })
    calls[1]!.finish({ result: { key: 'k2' } })
    expect(await Promise.all([a, b, c])).toEqual([{ result: { key: 'k1' } }, { result: { key: 'k1' } }, { result: { key: 'k2' } }])
    // Done: the next identical request is a run of its own.
    void s.call('analysis:open', open('d'), never)
    expect(calls).toHaveLength(3)
  })

  it('a waiter that joins late gets the run\'s preview and layers read so far, then what follows', async () => {
    const { dispatcher, calls } = fake()
    const events: Array<[string, unknown]> = []
    const s = new SharedCalls(dispatcher, (e, p) => void events.push([e, p]))
    const never = new AbortController().signal
    void s.call('analysis:open', open('a'), never)
    const run = calls[0]!.req.jobId
    const preview = { id: 'sha256:x', repoTags: [], source: { kind: 'engine', ref: 'app:1' }, layers: [], history: [] }
    calls[0]!.emit('job:progress', { jobId: run, phase: 'export', bytesDone: 1, preview })
    calls[0]!.emit('job:progress', { jobId: run, phase: 'export', bytesDone: 2 })
    calls[0]!.emit('job:progress', { jobId: run, phase: 'export', bytesDone: 3, layerRead: 0 })
    events.length = 0
    void s.call('analysis:open', open('b'), never)
    calls[0]!.emit('job:progress', { jobId: run, phase: 'export', bytesDone: 4, layerRead: 1 })
    expect(events).toEqual([
      ['job:progress', { jobId: 'b', phase: 'export', bytesDone: 1, preview }],
      ['job:progress', { jobId: 'b', phase: 'export', bytesDone: 3, layerRead: 0 }],
      ['job:progress', { jobId: 'a', phase: 'export', bytesDone: 4, layerRead: 1 }],
      ['job:progress', { jobId: 'b', phase: 'export', bytesDone: 4, layerRead: 1 }]
    ])
  })

  it('a cancelling waiter leaves alone; the run is cancelled when no one waits', async () => {
    const { dispatcher, calls } = fake()
    const s = new SharedCalls(dispatcher, () => undefined)
    const tabB = new AbortController()
    const a = s.call('analysis:open', open('a'), new AbortController().signal)
    const b = s.call('analysis:open', open('b'), tabB.signal)
    expect(await s.call('job:cancel', { jobId: 'a' }, new AbortController().signal)).toEqual({ result: { cancelled: true } })
    expect(await a).toEqual({ error: { code: 'CANCELLED', message: 'Cancelled.' } })
    expect(calls[0]!.signal!.aborted).toBe(false)
    tabB.abort() // the tab closed its request
    expect(await b).toEqual({ error: { code: 'CANCELLED', message: 'Cancelled.' } })
    expect(calls[0]!.signal!.aborted).toBe(true)
    // A job ID the shared runs do not know goes to the dispatcher.
    void s.call('job:cancel', { jobId: 'other' }, new AbortController().signal)
    expect(calls.at(-1)).toMatchObject({ channel: 'job:cancel', req: { jobId: 'other' } })
  })

  it('passes other channels straight through', () => {
    const { dispatcher, calls } = fake()
    const s = new SharedCalls(dispatcher, () => undefined)
    void s.call('app:info', {}, new AbortController().signal)
    void s.call('app:info', {}, new AbortController().signal)
    expect(calls.map((c) => c.channel)).toEqual(['app:info', 'app:info'])
  })
  it("asks a running layer's tree under the shared run's job, whichever waiter asks", async () => {
    const { dispatcher, calls } = fake()
    const s = new SharedCalls(dispatcher, () => undefined)
    const never = new AbortController().signal
    void s.call('analysis:open', open('a'), never)
    void s.call('analysis:open', open('b'), never)
    void s.call('analysis:layer', { job: 'b', layer: 1 }, never)
    void s.call('analysis:layer', { job: 'unknown', layer: 1 }, never)
    expect(calls.map((c) => [c.channel, c.req.job ?? c.req.jobId])).toEqual([
      ['analysis:open', calls[0]!.req.jobId],
      ['analysis:layer', calls[0]!.req.jobId],
      ['analysis:layer', 'unknown']
    ])
  })
})
