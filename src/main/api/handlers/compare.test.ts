import { describe, expect, it } from 'vitest'
import { compareHandlers } from './compare'
import { CompareService, type ImageOpener } from '../../core/compare/compare-service'
import { Dispatcher } from '../dispatch'
import type { Services } from '../services'
import type { HandlerContext } from '../types'
import { entries, fakeImage, layer } from '../../core/compare/testdata/fake-images'
import type { JobProgress } from '../../../shared/models/analysis'

const a = fakeImage({ key: 'ka', ref: 'x:1', layers: [layer(0, 'sha256:b', 10)], entries: entries('f:10') })
const b = fakeImage({ key: 'kb', ref: 'x:2', layers: [layer(0, 'sha256:b', 10), layer(1, 'sha256:c', 5)], entries: entries('f:10', 'g/h:5') })
const analysis = {
  open: async (s: { ref: string }, o: { onProgress?: (p: Omit<JobProgress, 'jobId'>) => void }) => {
    o.onProgress?.({ phase: 'export', bytesDone: 1 })
    return s.ref === 'x:1' ? a : b
  },
  get: (k: string) => (k === 'ka' ? a : b)
} as unknown as ImageOpener
const compare = new CompareService(() => analysis)
const services = { compare: () => compare } as unknown as Services

function ctx(events: unknown[] = [], jobId?: string): HandlerContext {
  return { signal: new AbortController().signal, jobId, front: 'cli', emit: (_e, p) => void events.push(p) }
}

describe('compare handlers', () => {
  const h = compareHandlers(services)

  it('opens with progress tagged by job and side, then drills and maps', async () => {
    const events: unknown[] = []
    const c = await h['compare:open']({ a: { kind: 'engine', ref: 'x:1' }, b: { kind: 'engine', ref: 'x:2' } }, ctx(events, 'job-1'))
    expect(c.delta.layers).toBe(1)
    expect(events).toEqual([
      { phase: 'export', bytesDone: 1, side: 'a', jobId: 'job-1' },
      { phase: 'export', bytesDone: 1, side: 'b', jobId: 'job-1' },
      { phase: 'diff', bytesDone: 0, side: 'b', message: 'Comparing the final filesystems', jobId: 'job-1' }
    ])
    expect(await h['compare:contributors']({ aKey: 'ka', bKey: 'kb', path: '/' }, ctx())).toMatchObject([{ path: '/g/h', delta: 5, status: 'onlyB' }])
    expect((await h['compare:treemap']({ aKey: 'ka', bKey: 'kb', path: '' }, ctx())).bytes).toBe(5)
  })

  it('refuses bad requests with a message (the dispatcher validates with the channel schemas)', async () => {
    const d = new Dispatcher(h as never)
    const call = <C extends 'compare:open' | 'compare:contributors' | 'compare:treemap'>(c: C, req: unknown, _ctx: HandlerContext) => d.invoke(c, req as never, _ctx)
    await expect(call('compare:contributors', { aKey: '', bKey: 'kb', path: '/' }, ctx())).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(call('compare:contributors', { aKey: 'ka', bKey: 'kb', path: '/', limit: -1 }, ctx())).rejects.toThrow(/limit must be a whole number/)
    await expect(call('compare:treemap', { aKey: 'ka', bKey: 'kb', path: '/', maxNodes: 1.5 }, ctx())).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(call('compare:open', { a: { kind: 'engine', ref: 'x:1' } } as never, ctx())).rejects.toThrow(/Side B is missing/)
  })
})
