import type { Channel, EventName, Events, Res, ValidReq } from '../../shared/api'
import type { JobProgress } from '../../shared/models/analysis'

/** What a handler gets besides its request. */
export interface HandlerContext {
  /** Fires when the caller cancels (job:cancel, closed HTTP request, Ctrl-C in the CLI). */
  signal: AbortSignal
  jobId?: string
  emit<E extends EventName>(event: E, payload: Events[E]): void
  front: 'electron' | 'browser' | 'cli'
}

/** A handler receives its request validated by the channel's schema (src/shared/schemas). */
export type Handler<C extends Channel> = (req: ValidReq<C>, ctx: HandlerContext) => Promise<Res<C>>
export type Handlers = { [C in Channel]: Handler<C> }
export type HandlerGroup<C extends Channel> = { [K in C]: Handler<K> }

/** A job's progress callback for a service: tags each event with the job's id (none without a jobId). */
export function progressOf(ctx: HandlerContext): (p: Omit<JobProgress, 'jobId'>) => void {
  const jobId = ctx.jobId
  return jobId ? (p) => ctx.emit('job:progress', { ...p, jobId }) : () => undefined
}
