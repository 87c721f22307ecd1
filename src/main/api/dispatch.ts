import type { Channel, Req, Res } from '../../shared/api'
import { isChannel } from '../../shared/api'
import type { ApiResult } from '../../shared/errors'
import { REQUESTS, describeIssue } from '../../shared/schemas/requests'
import { LayerscopeError, toApiError } from '../core/errors'
import { throttleProgress } from './progress-throttle'
import type { HandlerContext, Handlers } from './types'

export type CallContext = Omit<HandlerContext, 'signal' | 'jobId'> & { signal?: AbortSignal }

/**
 * The one place every front sends a call through: unknown channels are refused, every request
 * is validated by its channel's schema (handlers get it checked, defaults filled in), long jobs
 * are registered for job:cancel and their progress throttled, and every error becomes data.
 */
export class Dispatcher {
  private readonly jobs = new Map<string, AbortController>()

  constructor(private readonly handlers: Omit<Handlers, 'job:cancel'>) {}

  async call(channel: string, req: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    if (!isChannel(channel)) {
      return { error: { code: 'INVALID_INPUT', message: `Unknown API channel "${channel}".` } }
    }
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      return { error: { code: 'INVALID_INPUT', message: `The request for ${channel} must be an object.` } }
    }
    const parsed = REQUESTS[channel].safeParse(req)
    if (!parsed.success) {
      return { error: { code: 'INVALID_INPUT', message: describeIssue(channel, parsed.error) } }
    }
    const valid = parsed.data as Record<string, unknown>
    if (channel === 'job:cancel') {
      const job = this.jobs.get(valid.jobId as string)
      job?.abort()
      return { result: { cancelled: job !== undefined } }
    }
    const jobId = typeof valid.jobId === 'string' ? valid.jobId : undefined
    if (jobId && this.jobs.has(jobId)) {
      return { error: { code: 'INVALID_INPUT', message: `Job ${jobId} is already running: give each job its own jobId.` } }
    }
    const controller = new AbortController()
    const onOuterAbort = (): void => controller.abort()
    if (ctx.signal?.aborted) controller.abort()
    ctx.signal?.addEventListener('abort', onOuterAbort, { once: true })
    if (jobId) this.jobs.set(jobId, controller)
    const progress = throttleProgress(ctx.emit)
    try {
      const handler = this.handlers[channel] as (r: unknown, c: HandlerContext) => Promise<unknown>
      const result = await handler(valid, { ...ctx, emit: progress.emit, signal: controller.signal, jobId })
      return { result }
    } catch (e) {
      return { error: toApiError(e) }
    } finally {
      // The last progress event goes out before the answer, never after it.
      progress.flush()
      ctx.signal?.removeEventListener('abort', onOuterAbort)
      if (jobId) this.jobs.delete(jobId)
    }
  }

  /** Typed call for in-process use (CLI, tests): throws the LayerscopeError instead of returning it. */
  async invoke<C extends Channel>(channel: C, req: Req<C>, ctx: CallContext): Promise<Res<C>> {
    const r = await this.call(channel, req, ctx)
    if (r.error) throw new LayerscopeError(r.error.code, r.error.message, r.error.detail)
    return r.result as Res<C>
  }
}
