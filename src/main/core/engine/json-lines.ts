// The engine's streamed JSON (build progress, events): one JSON value per line, read with a
// bounded line length so a stream without newlines cannot grow without limit.
import type { Readable } from 'node:stream'
import { LayerscopeError } from '../errors'

/** A BuildKit trace message carries a vertex log chunk; 16 MiB is far beyond any real one. */
export const MAX_LINE = 16 * 1024 * 1024

/** Each line parsed as JSON; a line that is not JSON comes as { stream: line } (old engines print text). */
export async function* jsonLines<T>(src: Readable, signal?: AbortSignal, maxLine = MAX_LINE): AsyncGenerator<T> {
  let pending: Buffer[] = []
  let pendingLen = 0
  const parse = (line: string): T | undefined => {
    const t = line.trim()
    if (!t) return undefined
    try {
      return JSON.parse(t) as T
    } catch {
      return { stream: t } as T
    }
  }
  const onAbort = (): void => void src.destroy(new LayerscopeError('CANCELLED', 'Cancelled.'))
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      let pos = 0
      let nl: number
      while ((nl = chunk.indexOf(0x0a, pos)) >= 0) {
        const piece = chunk.subarray(pos, nl)
        const line = pendingLen > 0 ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8')
        pending = []
        pendingLen = 0
        pos = nl + 1
        const v = parse(line)
        if (v !== undefined) yield v
      }
      if (pos < chunk.length) {
        pending.push(chunk.subarray(pos))
        pendingLen += chunk.length - pos
        if (pendingLen > maxLine) throw new LayerscopeError('ENGINE_ERROR', `The engine sent a message longer than ${maxLine} bytes without a line break.`)
      }
    }
    if (pendingLen > 0) {
      const v = parse(Buffer.concat(pending).toString('utf8'))
      if (v !== undefined) yield v
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}
