import type { ApiError, ErrorCode } from '../../shared/errors'

/** An error a person can act on. Everything thrown on purpose in core is one of these. */
export class LayerscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ApiError['detail']
  ) {
    super(message)
    this.name = 'LayerscopeError'
  }
}

export function isCancelled(e: unknown): boolean {
  return (
    (e instanceof LayerscopeError && e.code === 'CANCELLED') ||
    (e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR'))
  )
}

/** Throws CANCELLED when the signal has fired; call between units of work. */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
}

/** Any thrown value -> ApiError. Unknown errors keep their message but say they are internal. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof LayerscopeError) {
    return e.detail ? { code: e.code, message: e.message, detail: e.detail } : { code: e.code, message: e.message }
  }
  if (isCancelled(e)) return { code: 'CANCELLED', message: 'Cancelled.' }
  const message = e instanceof Error ? e.message : String(e)
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` }
}
