import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiResult } from '../../../shared/errors'

// A hand-made backend at the contract's boundary: calls wait until the test answers them, and
// the test fires events as the backend would.
const fake = vi.hoisted(() => {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const pending: { channel: string; req: Record<string, unknown>; answer: (r: ApiResult<unknown>) => void }[] = []
  return {
    listeners,
    pending,
    fire: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    api: {
      front: 'browser' as const,
      call: (channel: string, req: Record<string, unknown>) =>
        channel === 'job:cancel'
          ? Promise.resolve({ result: { cancelled: true } })
          : new Promise<ApiResult<unknown>>((answer) => pending.push({ channel, req, answer })),
      on: (event: string, l: (p: unknown) => void) => {
        const set = listeners.get(event) ?? new Set()
        set.add(l)
        listeners.set(event, set)
        return () => set.delete(l)
      },
      pathForFile: async () => ''
    }
  }
})
vi.mock('../api', () => ({ api: fake.api }))

const { runJob, cancelJob } = await import('./job')

beforeEach(() => {
  fake.pending.length = 0
})

const listening = (): number => [...fake.listeners.values()].reduce((n, s) => n + s.size, 0)

describe('runJob', () => {
  it('gives the job an id, routes only its own events while it runs, and answers done', async () => {
    let current = ''
    const seen: unknown[] = []
    const run = runJob({
      channel: 'dockerfile:build',
      request: { path: '/df' },
      kind: 'stages',
      begin: (id) => (current = id),
      isCurrent: (id) => id === current,
      on: { 'job:progress': (p) => seen.push(p.bytesDone), 'job:log': (p) => seen.push(p.line) }
    })
    expect(current).toMatch(/^stages-/)
    expect(fake.pending[0]).toMatchObject({ channel: 'dockerfile:build', req: { path: '/df', jobId: current } })
    fake.fire('job:progress', { jobId: current, phase: 'build', bytesDone: 1 })
    fake.fire('job:progress', { jobId: 'someone-else', phase: 'build', bytesDone: 99 })
    fake.fire('job:log', { jobId: current, line: 'step 1', stream: 'stdout' })
    fake.pending[0]!.answer({ result: { nodes: [] } })
    expect(await run).toEqual({ status: 'done', result: { nodes: [] } })
    expect(seen).toEqual([1, 'step 1'])
    // Unsubscribed at the end: late events reach nobody.
    expect(listening()).toBe(0)
  })

  it('answers failed with the backend error a person can act on', async () => {
    let current = ''
    const run = runJob({ channel: 'analysis:open', request: { source: { kind: 'engine', ref: 'x' } }, kind: 'open', begin: (id) => (current = id), isCurrent: (id) => id === current })
    fake.pending[0]!.answer({ error: { code: 'IMAGE_NOT_FOUND', message: 'No image x in the engine.' } })
    expect(await run).toEqual({ status: 'failed', error: { code: 'IMAGE_NOT_FOUND', message: 'No image x in the engine.' } })
  })

  it('a job superseded by a newer one gets no events and answers superseded, whatever the backend says', async () => {
    let current = ''
    const seen: number[] = []
    const spec = {
      channel: 'compare:open' as const,
      request: { a: { kind: 'engine' as const, ref: 'a' }, b: { kind: 'engine' as const, ref: 'b' } },
      kind: 'compare',
      begin: (id: string) => (current = id),
      isCurrent: (id: string) => id === current,
      on: { 'job:progress': (p: { bytesDone: number }) => void seen.push(p.bytesDone) }
    }
    const first = runJob(spec)
    const firstId = current
    const second = runJob(spec)
    fake.fire('job:progress', { jobId: firstId, phase: 'export', bytesDone: 1 })
    fake.fire('job:progress', { jobId: current, phase: 'export', bytesDone: 2 })
    fake.pending[0]!.answer({ error: { code: 'CANCELLED', message: 'Cancelled.' } })
    fake.pending[1]!.answer({ result: 'B' })
    expect(await first).toEqual({ status: 'superseded' })
    expect(await second).toEqual({ status: 'done', result: 'B' })
    expect(seen).toEqual([2])
  })
})

describe('cancelJob', () => {
  it('asks job:cancel and answers null when the request went through', async () => {
    const spy = vi.spyOn(fake.api, 'call')
    expect(await cancelJob('j-1')).toBeNull()
    expect(spy).toHaveBeenCalledWith('job:cancel', { jobId: 'j-1' })
  })
})
