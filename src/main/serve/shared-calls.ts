// Identical concurrent analyses share one run: two tabs opening the same image (same source,
// same options) get the same result from one export. It lives in serve because only the
// browser front has several independent callers in one process; the backend stays as it is.
// Each waiter keeps its own job ID: progress is re-sent under every waiter's ID, a waiter that
// cancels (job:cancel or a closed request) leaves alone, and the shared run is cancelled only
// when no one waits for it any more.
import { randomBytes } from 'node:crypto'
import type { EventName, Events } from '../../shared/api'
import type { ApiResult } from '../../shared/errors'
import type { Dispatcher } from '../api/dispatch'

/** Channels whose identical concurrent requests are one piece of work. */
export const SHARED_CHANNELS = new Set(['analysis:open', 'compare:open'])

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void

interface Waiter {
  jobId?: string
  resolve: (r: ApiResult<unknown>) => void
}

interface Run {
  jobId: string
  waiters: Set<Waiter>
  controller: AbortController
  /** The run's once-only progress facts (the image preview, each layer read), replayed to a waiter that joins late. */
  facts: Array<Events['job:progress']>
}

const CANCELLED: ApiResult<unknown> = { error: { code: 'CANCELLED', message: 'Cancelled.' } }

/** JSON with sorted keys, so `{a, b}` and `{b, a}` are one request. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  const o = v as Record<string, unknown>
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`
}

export class SharedCalls {
  private readonly runs = new Map<string, Run>()
  /** A waiter's job ID -> its run, for job:cancel. */
  private readonly byJob = new Map<string, { run: Run; waiter: Waiter }>()
  /** Runs started (a second identical request does not start one): tests and the bench read it. */
  started = 0
  joined = 0

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly emit: Emit
  ) {}

  /** Calls through the dispatcher, sharing identical concurrent requests of SHARED_CHANNELS. */
  call(channel: string, body: unknown, signal: AbortSignal): Promise<ApiResult<unknown>> {
    if (channel === 'job:cancel') return this.cancel(body)
    // A running job's layer is asked by the waiter's job ID; the backend knows the shared run's.
    if (channel === 'analysis:layer' && body !== null && typeof body === 'object') {
      const job = (body as { job?: unknown }).job
      const mine = typeof job === 'string' ? this.byJob.get(job) : undefined
      if (mine) body = { ...body, job: mine.run.jobId }
    }
    if (!SHARED_CHANNELS.has(channel) || body === null || typeof body !== 'object' || Array.isArray(body)) {
      return this.dispatcher.call(channel, body, { front: 'browser', emit: this.emit, signal })
    }
    const { jobId: rawJob, ...rest } = body as { jobId?: unknown }
    const jobId = typeof rawJob === 'string' ? rawJob : undefined
    const key = `${channel} ${canonical(rest)}`
    let run = this.runs.get(key)
    if (run) this.joined++
    else run = this.start(key, channel, rest)
    const r = run
    return new Promise((resolve) => {
      const waiter: Waiter = { jobId, resolve }
      r.waiters.add(waiter)
      if (jobId) for (const f of r.facts) this.emit('job:progress', { ...f, jobId })
      if (jobId) this.byJob.set(jobId, { run: r, waiter })
      const onAbort = (): void => this.leave(r, waiter)
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  private start(key: string, channel: string, rest: object): Run {
    const run: Run = { jobId: `shared-${randomBytes(6).toString('hex')}`, waiters: new Set(), controller: new AbortController(), facts: [] }
    this.runs.set(key, run)
    this.started++
    // Progress of the shared run goes out under each waiter's own job ID.
    const emit: Emit = (event, payload) => {
      const p = payload as { jobId?: string }
      if (p.jobId !== run.jobId) return this.emit(event, payload)
      if (event === 'job:progress') {
        const f = payload as Events['job:progress']
        if (f.preview || f.layerRead !== undefined) run.facts.push(f)
      }
      for (const w of run.waiters) if (w.jobId) this.emit(event, { ...payload, jobId: w.jobId })
    }
    void this.dispatcher.call(channel, { ...rest, jobId: run.jobId }, { front: 'browser', emit, signal: run.controller.signal }).then((result) => {
      if (this.runs.get(key) === run) this.runs.delete(key)
      for (const w of run.waiters) this.finish(w, result)
      run.waiters.clear()
    })
    return run
  }

  private finish(w: Waiter, result: ApiResult<unknown>): void {
    if (w.jobId && this.byJob.get(w.jobId)?.waiter === w) this.byJob.delete(w.jobId)
    w.resolve(result)
  }

  private leave(run: Run, w: Waiter): void {
    if (!run.waiters.delete(w)) return
    this.finish(w, CANCELLED)
    if (run.waiters.size === 0) {
      // No one waits: stop the work, and let the next identical request start afresh.
      for (const [k, r] of this.runs) if (r === run) this.runs.delete(k)
      run.controller.abort()
    }
  }

  private async cancel(body: unknown): Promise<ApiResult<unknown>> {
    const jobId = (body as { jobId?: unknown } | null)?.jobId
    const mine = typeof jobId === 'string' ? this.byJob.get(jobId) : undefined
    if (mine) {
      this.leave(mine.run, mine.waiter)
      return { result: { cancelled: true } }
    }
    return this.dispatcher.call('job:cancel', body, { front: 'browser', emit: this.emit })
  }
}
