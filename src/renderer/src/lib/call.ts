// One way to call the API from the renderer: resolves with the result or throws a CallError
// carrying the backend's { code, message }, so screens show the message a person can act on.
import type { Channel, Req, Res } from '../../../shared/api'
import type { ApiError } from '../../../shared/errors'
import { api } from '../api'

export class CallError extends Error {
  readonly code: ApiError['code']
  readonly detail?: ApiError['detail']
  constructor(e: ApiError) {
    super(e.message)
    this.code = e.code
    this.detail = e.detail
  }
  toApiError(): ApiError {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) }
  }
}

export async function call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
  if (!api) throw new CallError({ code: 'INTERNAL', message: 'No backend is attached to this window. Start the app with `layerscope serve` or `npm start`.' })
  let r
  try {
    r = await api.call(channel, req)
  } catch (e) {
    throw new CallError({ code: 'IO_ERROR', message: `The backend did not answer (${(e as Error).message}). Is \`layerscope serve\` still running?` })
  }
  if (r.error) throw new CallError(r.error)
  return r.result as Res<C>
}

/** Any thrown value as an ApiError for display. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof CallError) return e.toApiError()
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }
}

let jobCounter = 0
/** Job ids are chosen by the caller (progress events and job:cancel use them). */
export function newJobId(prefix = 'job'): string {
  jobCounter++
  return `${prefix}-${Date.now().toString(36)}-${jobCounter}-${Math.random().toString(36).slice(2, 8)}`
}
