import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventName, Events } from '../../shared/api'
import type { JobProgress } from '../../shared/models/analysis'
import { LayerscopeError } from '../core/errors'
import { Dispatcher } from './dispatch'
import { PROGRESS_INTERVAL_MS } from './progress-throttle'
import type { HandlerContext, Handlers } from './types'

type Sent = { event: EventName; payload: unknown }
const context = (sent: Sent[] = []) => ({
  front: 'cli' as const,
  emit: <E extends EventName>(event: E, payload: Events[E]) => void sent.push({ event, payload })
})

/** A dispatcher over hand-made handlers: only the channels a test needs. */
function dispatcher(handlers: Partial<Omit<Handlers, 'job:cancel'>>): Dispatcher {
  return new Dispatcher(handlers as Omit<Handlers, 'job:cancel'>)
}

afterEach(() => vi.useRealTimers())

describe('Dispatcher: validation', () => {
  const seen: unknown[] = []
  const d = dispatcher({
    'analysis:tree': async (req) => {
      seen.push(req)
      return { node: { name: '/', path: '/', kind: 'dir', bytes: 0, files: 0 }, children: [], total: 0 } as never
    },
    'compare:contributors': async () => []
  })

  it('refuses unknown channels and requests that are not objects', async () => {
    expect(await d.call('nope:nope', {}, context())).toEqual({ error: { code: 'INVALID_INPUT', message: 'Unknown API channel "nope:nope".' } })
    expect(await d.call('analysis:tree', [1], context())).toEqual({ error: { code: 'INVALID_INPUT', message: 'The request for analysis:tree must be an object.' } })
    expect((await d.call('analysis:tree', null, context())).error?.code).toBe('INVALID_INPUT')
  })

  it('names the field and what it accepts, before the handler runs', async () => {
    seen.length = 0
    const scope = { key: 'k', layer: null, mode: 'stacked' }
    const bad = async (req: unknown): Promise<string | undefined> => {
      const r = await d.call('analysis:tree', req, context())
      expect(r.error?.code).toBe('INVALID_INPUT')
      return r.error?.message
    }
    // The old num() took negatives and fractions as they came.
    expect(await bad({ scope, limit: -1 })).toBe('limit must be a whole number from 1 to 10,000.')
    expect(await bad({ scope, limit: 2.5 })).toBe('limit must be a whole number from 1 to 10,000.')
    expect(await bad({ scope, limit: '10' })).toBe('limit must be a whole number from 1 to 10,000.')
    expect(await bad({ scope, offset: -3 })).toBe('offset must be a whole number from 0 to 1,000,000,000.')
    expect(await bad({ scope: { ...scope, mode: 'flat' } })).toBe('scope.mode must be "layer" or "stacked".')
    expect(await bad({ scope: { ...scope, key: '' } })).toBe('scope.key must be the key of an open analysis (analysis:open returned it).')
    expect(await bad({ scope: { ...scope, layer: -1 } })).toBe('scope.layer must be a whole number from 0 to 1,000,000.')
    expect(await bad({})).toBe('scope must name an open analysis: { key, layer, mode }.')
    expect(await bad({ scope, sort: 'date' })).toBe('sort must be "size" or "name".')
    expect(seen).toEqual([])
  })

  it('hands the handler the validated request with defaults filled in and unknown fields dropped', async () => {
    seen.length = 0
    const r = await d.call('analysis:tree', { scope: { key: 'k', mode: 'layer', layer: 2 }, extra: 'x' }, context())
    expect(r.error).toBeUndefined()
    expect(seen).toEqual([{ scope: { key: 'k', layer: 2, mode: 'layer' }, path: '/', sort: 'size', offset: 0, limit: 200 }])
  })

  it('validates every channel, the dockerfile ones too', async () => {
    const df = dispatcher({})
    expect((await df.call('dockerfile:open', { path: '' }, context())).error?.message).toBe('path must be the path of a Dockerfile or of the folder holding it.')
    expect((await df.call('dockerfile:build', { path: 'x', buildArgs: { A: 1 } }, context())).error?.message).toBe('buildArgs must map names to string values.')
    expect((await df.call('dockerfile:links', { path: 'x' }, context())).error?.message).toBe('imageKey must be the image to link: an analysis key or an image reference.')
    expect((await df.call('analysis:open', { source: { kind: 'ftp', ref: 'x' } }, context())).error?.message).toBe(
      'source must be { kind: "engine", ref }, { kind: "archive", path } or { kind: "registry", ref }.'
    )
    expect((await df.call('analysis:open', { source: { kind: 'engine', ref: ' ' } }, context())).error?.message).toBe(
      'source.ref must be an image reference such as "myapp:1.0" or an image id.'
    )
    expect((await df.call('analysis:open', { source: { kind: 'engine', ref: 'x', platform: 'amd64' } }, context())).error?.message).toBe(
      'platform must be written os/arch[/variant], e.g. linux/amd64 (got "amd64").'
    )
    expect((await df.call('images:list', { filters: { reference: 'x' } }, context())).error?.message).toBe('images:list filters must look like { "reference": ["myapp:*"] }.')
    expect((await df.call('dialog:open', { kind: 'socket' }, context())).error?.message).toBe('kind must be "archive", "dockerfile" or "directory".')
    expect((await df.call('job:cancel', {}, context())).error?.message).toMatch(/^jobId must be a string/)
  })
})

describe('Dispatcher: errors as data', () => {
  it('answers a LayerscopeError as its code and message, anything else as INTERNAL', async () => {
    const d = dispatcher({
      'cache:info': async () => {
        throw new LayerscopeError('IO_ERROR', 'The cache folder /x cannot be read: permission denied.', { path: '/x' })
      },
      'cache:clear': async () => {
        throw new TypeError('boom')
      },
      'engine:status': async () => ({ ok: true }) as never
    })
    expect(await d.call('cache:info', {}, context())).toEqual({
      error: { code: 'IO_ERROR', message: 'The cache folder /x cannot be read: permission denied.', detail: { path: '/x' } }
    })
    expect(await d.call('cache:clear', {}, context())).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error: boom' } })
    expect(await d.call('engine:status', {}, context())).toEqual({ result: { ok: true } })
    await expect(d.invoke('cache:info', {}, context())).rejects.toMatchObject({ code: 'IO_ERROR', detail: { path: '/x' } })
  })
})

describe('Dispatcher: job:cancel', () => {
  /** A job that runs until its signal fires, then fails the way core code does. */
  const waitForCancel = async (_req: unknown, ctx: HandlerContext): Promise<never> => {
    if (!ctx.signal.aborted) await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
    throw new LayerscopeError('CANCELLED', 'Cancelled.')
  }

  it('cancels a running job by its id and says whether one was running', async () => {
    const d = dispatcher({ 'analysis:open': waitForCancel as never })
    const running = d.call('analysis:open', { jobId: 'j1', source: { kind: 'engine', ref: 'x:1' } }, context())
    expect(await d.call('job:cancel', { jobId: 'other' }, context())).toEqual({ result: { cancelled: false } })
    expect(await d.call('job:cancel', { jobId: 'j1' }, context())).toEqual({ result: { cancelled: true } })
    expect(await running).toEqual({ error: { code: 'CANCELLED', message: 'Cancelled.' } })
    // Finished jobs are forgotten.
    expect(await d.call('job:cancel', { jobId: 'j1' }, context())).toEqual({ result: { cancelled: false } })
  })

  it('cancels when the caller goes away (closed HTTP request, Ctrl-C), even before the call', async () => {
    const d = dispatcher({ 'analysis:open': waitForCancel as never })
    const gone = new AbortController()
    const running = d.call('analysis:open', { jobId: 'j2', source: { kind: 'engine', ref: 'x:1' } }, { ...context(), signal: gone.signal })
    gone.abort()
    expect((await running).error?.code).toBe('CANCELLED')
    expect((await d.call('analysis:open', { source: { kind: 'engine', ref: 'x:1' } }, { ...context(), signal: gone.signal })).error?.code).toBe('CANCELLED')
  })

  it('refuses a second job with the id of one still running', async () => {
    const d = dispatcher({ 'analysis:open': waitForCancel as never })
    const first = d.call('analysis:open', { jobId: 'j3', source: { kind: 'engine', ref: 'x:1' } }, context())
    expect((await d.call('analysis:open', { jobId: 'j3', source: { kind: 'engine', ref: 'x:2' } }, context())).error?.message).toBe(
      'Job j3 is already running: give each job its own jobId.'
    )
    await d.call('job:cancel', { jobId: 'j3' }, context())
    expect((await first).error?.code).toBe('CANCELLED')
  })
})

describe('Dispatcher: progress throttling', () => {
  const progress = (bytesDone: number, phase: JobProgress['phase'] = 'export'): Omit<JobProgress, 'jobId'> => ({ phase, bytesDone, bytesTotal: 1000 })

  it('sends at most one event per interval per job, the newest, and never drops the last', async () => {
    vi.useFakeTimers()
    let release!: () => void
    const d = dispatcher({
      'analysis:open': async (_req, ctx) => {
        for (let i = 1; i <= 50; i++) {
          ctx.emit('job:progress', { ...progress(i * 10), jobId: ctx.jobId! })
          vi.advanceTimersByTime(10) // 50 events over 500 ms
        }
        ctx.emit('job:log', { jobId: ctx.jobId!, line: 'a log line is never dropped', stream: 'stdout' })
        ctx.emit('job:progress', { ...progress(999), jobId: ctx.jobId! })
        await new Promise<void>((r) => (release = r))
        return { key: 'k' } as never
      }
    })
    const sent: Sent[] = []
    const p = d.call('analysis:open', { jobId: 'j', source: { kind: 'engine', ref: 'x' } }, context(sent))
    await vi.waitFor(() => expect(release).toBeDefined())
    const before = sent.length
    release()
    expect(await p).toEqual({ result: { key: 'k' } })
    const done = sent.filter((s) => s.event === 'job:progress').map((s) => (s.payload as JobProgress).bytesDone)
    // 500 ms at one event per 100 ms: the first, then about one per interval.
    expect(done.length).toBeGreaterThanOrEqual(5)
    expect(done.length).toBeLessThanOrEqual(8)
    expect(done[0]).toBe(10)
    expect(done.at(-1)).toBe(999)
    expect([...done].sort((a, b) => a - b)).toEqual(done) // in order, nothing stale after newer
    expect(sent.some((s) => s.event === 'job:log')).toBe(true)
    // The held event before the log line went out with it (order kept), and the last one at the end at the latest.
    const logAt = sent.findIndex((s) => s.event === 'job:log')
    expect((sent[logAt - 1]!.payload as JobProgress).bytesDone).toBe(500)
    expect(before).toBeLessThanOrEqual(sent.length)
    expect(sent.every((s) => (s.payload as { jobId: string }).jobId === 'j')).toBe(true)
  })

  it('a held event goes out when its interval ends, and a change of phase or side goes out at once', async () => {
    vi.useFakeTimers()
    const sent: Sent[] = []
    const d = dispatcher({
      'compare:open': async (_req, ctx) => {
        const id = ctx.jobId!
        ctx.emit('job:progress', { ...progress(1), side: 'a', jobId: id })
        ctx.emit('job:progress', { ...progress(2), side: 'a', jobId: id }) // held
        vi.advanceTimersByTime(PROGRESS_INTERVAL_MS) // the held event leaves on its timer
        ctx.emit('job:progress', { ...progress(3), side: 'a', jobId: id }) // held
        ctx.emit('job:progress', { ...progress(4), side: 'b', jobId: id }) // side turns: 3 then 4 go out
        ctx.emit('job:progress', { ...progress(0, 'diff'), side: 'b', jobId: id }) // phase turns
        return {} as never
      }
    })
    await d.call('compare:open', { jobId: 'c', a: { kind: 'engine', ref: 'x' }, b: { kind: 'engine', ref: 'y' } }, context(sent))
    expect(sent.map((s) => [(s.payload as JobProgress).side, (s.payload as JobProgress).phase, (s.payload as JobProgress).bytesDone])).toEqual([
      ['a', 'export', 1],
      ['a', 'export', 2],
      ['a', 'export', 3],
      ['b', 'export', 4],
      ['b', 'diff', 0]
    ])
  })

  it('throttles each job on its own', async () => {
    vi.useFakeTimers()
    const sent: Sent[] = []
    const h = async (_req: unknown, ctx: HandlerContext): Promise<never> => {
      ctx.emit('job:progress', { ...progress(1), jobId: ctx.jobId! })
      return {} as never
    }
    const d = dispatcher({ 'analysis:open': h as never })
    await Promise.all([
      d.call('analysis:open', { jobId: 'x', source: { kind: 'engine', ref: 'x' } }, context(sent)),
      d.call('analysis:open', { jobId: 'y', source: { kind: 'engine', ref: 'y' } }, context(sent))
    ])
    expect(sent.map((s) => (s.payload as JobProgress).jobId).sort()).toEqual(['x', 'y'])
  })
})
