// One HTTP exchange with the engine, over whatever transport docker-modem set up (unix
// socket, TCP, TLS, ssh). docker-modem itself buffers every body whole and has no deadline;
// here every answer is read with a size bound, every call has a deadline and an AbortSignal,
// and a non-2xx answer becomes an EngineHttpError whose message is cut to MAX_ERROR_BODY.
import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { LayerscopeError } from '../errors'
import { EngineHttpError, EngineTimeoutError } from './engine-errors'

/** An error body is a sentence or a JSON object with one: more is not worth holding. */
export const MAX_ERROR_BODY = 64 * 1024

/** What dockerode's Modem offers that we use: one raw exchange. */
export interface Dialer {
  dial(options: object, callback: (err: unknown, res: unknown) => void): void
}

export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD'
  /** The API path without version, e.g. /images/json. */
  path: string
  query?: Record<string, string | number | boolean | string[] | undefined>
  /** A request body to stream (a build context), sent as application/tar. */
  body?: Readable
  /** What the call is, for timeouts: "listing images". */
  what: string
}

export interface CallLimits {
  signal?: AbortSignal
  /** Deadline for the response head (ms); 0 = none. */
  headTimeoutMs: number
}

/** Every status passes through the modem so that we read error bodies ourselves, bounded. */
const ANY_STATUS: Record<number, true> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, true]))

/**
 * Sends the request and resolves with the response once its head arrived and its status is
 * 2xx; a non-2xx answer rejects with EngineHttpError. The signal aborts at any time (CANCELLED);
 * after the head the caller owns the stream (destroy it to stop).
 */
export function open(dialer: Dialer, req: EngineRequest, limits: CallLimits): Promise<IncomingMessage> {
  const { signal } = limits
  if (signal?.aborted) return Promise.reject(new LayerscopeError('CANCELLED', 'Cancelled.'))
  const ctl = new AbortController()
  let timedOut = false
  const onAbort = (): void => ctl.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  const timer =
    limits.headTimeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          ctl.abort()
        }, limits.headTimeoutMs)
      : undefined
  timer?.unref?.()
  const query = Object.fromEntries(Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined))
  const settle = (): void => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  return new Promise<IncomingMessage>((resolve, reject) => {
    dialer.dial(
      {
        path: `${req.path}?`,
        method: req.method,
        options: query,
        ...(req.body ? { file: req.body } : {}),
        abortSignal: ctl.signal,
        isStream: true,
        statusCodes: ANY_STATUS
      },
      (err, r) => {
        if (err) {
          settle()
          if (timedOut) return reject(new EngineTimeoutError(req.what, limits.headTimeoutMs))
          if (signal?.aborted) return reject(new LayerscopeError('CANCELLED', 'Cancelled.'))
          return reject(err instanceof Error ? err : new Error(String(err)))
        }
        const res = r as IncomingMessage
        // Past the head, aborting the caller's signal still ends the body (the modem wired
        // ctl.signal to the request); the head deadline no longer applies.
        clearTimeout(timer)
        res.once('close', settle)
        const status = res.statusCode ?? 0
        if (status >= 200 && status < 300) return resolve(res)
        readBounded(res, MAX_ERROR_BODY, true).then(
          (buf) => {
            settle()
            reject(new EngineHttpError(status, errorMessage(buf.body, buf.truncated, status)))
          },
          (e: unknown) => {
            settle()
            reject(signal?.aborted ? new LayerscopeError('CANCELLED', 'Cancelled.') : e)
          }
        )
      }
    )
  })
}

/** Reads a body up to `max` bytes; past it, either stops (truncate) or fails (a JSON answer must be whole). */
export function readBounded(res: Readable, max: number, truncate: boolean): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    const done = (truncated: boolean): void => {
      res.removeAllListeners('data')
      resolve({ body: Buffer.concat(parts), truncated })
    }
    res.on('data', (chunk: Buffer) => {
      const room = max - size
      if (chunk.length <= room) {
        parts.push(chunk)
        size += chunk.length
        return
      }
      if (!truncate) {
        res.destroy()
        reject(new LayerscopeError('ENGINE_ERROR', `The engine's answer is larger than ${max} bytes; refusing to hold it in memory.`))
        return
      }
      parts.push(chunk.subarray(0, room))
      size = max
      res.destroy()
      done(true)
    })
    res.on('end', () => done(false))
    res.on('error', (e) => reject(e))
    res.on('close', () => {
      // closed without 'end': the connection went away mid-body
      if (!res.readableEnded && size < max) reject(Object.assign(new Error('The engine closed the connection mid-answer.'), { code: 'ECONNRESET' }))
    })
  })
}

function errorMessage(body: Buffer, truncated: boolean, status: number): string {
  const text = body.toString('utf8')
  let message = text.trim()
  try {
    const j = JSON.parse(text) as { message?: unknown }
    if (typeof j.message === 'string') message = j.message.trim()
  } catch {
    // plain text (or cut JSON)
  }
  if (message.length > 2000) message = `${message.slice(0, 2000)}…`
  if (truncated) message += ` (answer cut at ${MAX_ERROR_BODY} bytes)`
  return message || `HTTP ${status}`
}

/** A JSON answer, whole, within `maxBytes` and one deadline for head and body together. */
export async function json<T>(dialer: Dialer, req: EngineRequest, limits: { signal?: AbortSignal; timeoutMs: number; maxBytes: number }): Promise<T> {
  const started = Date.now()
  const res = await open(dialer, req, { signal: limits.signal, headTimeoutMs: limits.timeoutMs })
  const left = limits.timeoutMs > 0 ? Math.max(1, limits.timeoutMs - (Date.now() - started)) : 0
  let timedOut = false
  const timer =
    left > 0
      ? setTimeout(() => {
          timedOut = true
          res.destroy()
        }, left)
      : undefined
  timer?.unref?.()
  try {
    const { body } = await readBounded(res, limits.maxBytes, false)
    const text = body.toString('utf8')
    if (text.trim() === '') return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new LayerscopeError('ENGINE_ERROR', `The engine's answer to ${req.what} is not JSON: ${text.slice(0, 200)}`)
    }
  } catch (e) {
    if (timedOut) throw new EngineTimeoutError(req.what, limits.timeoutMs)
    if (limits.signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
    throw e
  } finally {
    clearTimeout(timer)
  }
}
