// The one job lifecycle of the renderer (analysis, compare and Dockerfile builds): a jobId, the
// job's events while it runs, the call, its outcome (done, failed, or superseded by a newer job
// of the same screen) and Cancel. Event names come from the contract, never from literals here.
import { EVENT_NAMES, type EventName, type Events, type Req, type Res } from '../../../shared/api'
import type { ApiError } from '../../../shared/errors'
import { api } from '../api'
import { call, newJobId, toApiError } from '../lib/call'

/** The channels that run as jobs: they take a jobId, stream events and obey job:cancel. */
export type JobChannel = 'analysis:open' | 'compare:open' | 'dockerfile:build' | 'history:series' | 'history:jumps'

export type JobEvents = { [E in EventName]?: (payload: Events[E]) => void }

export type JobOutcome<T> = { status: 'done'; result: T } | { status: 'failed'; error: ApiError } | { status: 'superseded' }

export interface JobSpec<C extends JobChannel> {
  channel: C
  request: Omit<Req<C>, 'jobId'>
  /** Prefix of the jobId ("open", "compare", "stages"): readable in logs. */
  kind: string
  /** Called with the new jobId before the call goes out: put the job in the store here. */
  begin: (jobId: string) => void
  /** Whether this job is still the one its screen shows (a newer one supersedes it). */
  isCurrent: (jobId: string) => boolean
  /** Handlers for this job's events; events of other jobs and of superseded jobs never reach them. */
  on?: JobEvents
}

/** Runs a job to its end; the outcome says what to show. */
export async function runJob<C extends JobChannel>(spec: JobSpec<C>): Promise<JobOutcome<Res<C>>> {
  const jobId = newJobId(spec.kind)
  spec.begin(jobId)
  const offs = EVENT_NAMES.map((name) => subscribe(name, jobId, spec))
  try {
    const result = await call(spec.channel, { ...spec.request, jobId } as Req<C>)
    return spec.isCurrent(jobId) ? { status: 'done', result } : { status: 'superseded' }
  } catch (e) {
    return spec.isCurrent(jobId) ? { status: 'failed', error: toApiError(e) } : { status: 'superseded' }
  } finally {
    for (const off of offs) off?.()
  }
}

function subscribe<E extends EventName, C extends JobChannel>(name: E, jobId: string, spec: JobSpec<C>): (() => void) | undefined {
  const handler = spec.on?.[name] as ((p: Events[E]) => void) | undefined
  if (!handler) return undefined
  return api?.on(name, (p) => {
    if ((p as { jobId?: string }).jobId === jobId && spec.isCurrent(jobId)) handler(p)
  })
}

/** Asks the backend to cancel a job; null when the request went through (the job then ends CANCELLED). */
export async function cancelJob(jobId: string): Promise<ApiError | null> {
  try {
    await call('job:cancel', { jobId })
    return null
  } catch (e) {
    return toApiError(e)
  }
}
