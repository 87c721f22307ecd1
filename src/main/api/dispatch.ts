import type { Channel, Req, Res } from '../../shared/api'
import { isChannel } from '../../shared/api'
import type { ApiResult } from '../../shared/errors'
import { LayerscopeError, toApiError } from '../core/errors'
import type { HandlerContext, Handlers } from './types'

/**
 * The one place every front sends a call through: unknown channels and bad requests are
 * refused, long jobs are registered for job:cancel, and every error becomes data.
 */
export class Dispatcher {
  private readonly jobs = new Map<string, AbortController>()

  constructor(private readonly handlers: Handlers) {}

  async call(
    channel: string,
    req: unknown,
    ctx: Omit<HandlerContext, 'signal' | 'jobId'> & { signal?: AbortSignal }
  ): Promise<ApiResult<unknown>> {
    if (!isChannel(channel)) {
      return { error: { code: 'INVALID_INPUT', message: `Unknown API channel "${channel}".` } }
    }
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      return { error: { code: 'INVALID_INPUT', message: `The request for ${channel} must be an object.` } }
    }
    if (channel === 'job:cancel') {
      const jobId = (req as { jobId?: unknown }).jobId
      const job = typeof jobId === 'string' ? this.jobs.get(jobId) : undefined
      job?.abort()
      return { result: { cancelled: job !== undefined } }
    }
    const jobId = typeof (req as { jobId?: unknown }).jobId === 'string' ? (req as { jobId: string }).jobId : undefined
    const controller = new AbortController()
    const onOuterAbort = (): void => controller.abort()
    ctx.signal?.addEventListener('abort', onOuterAbort, { once: true })
    if (jobId) this.jobs.set(jobId, controller)
    try {
      const handler = this.handlers[channel] as (r: unknown, c: HandlerContext) => Promise<unknown>
      const result = await handler(req, { ...ctx, signal: controller.signal, jobId })
      return { result }
    } catch (e) {
      return { error: toApiError(e) }
    } finally {
      ctx.signal?.removeEventListener('abort', onOuterAbort)
      if (jobId) this.jobs.delete(jobId)
    }
  }

  /** Typed call for in-process use (CLI, tests): throws the LayerscopeError instead of returning it. */
  async invoke<C extends Channel>(
    channel: C,
    req: Req<C>,
    ctx: Omit<HandlerContext, 'signal' | 'jobId'> & { signal?: AbortSignal }
  ): Promise<Res<C>> {
    const r = await this.call(channel, req, ctx)
    if (r.error) throw new LayerscopeError(r.error.code, r.error.message, r.error.detail)
    return r.result as Res<C>
  }
}
