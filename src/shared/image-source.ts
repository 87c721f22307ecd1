// How an ImageSource is named wherever it is shown or compared (one place for every front).
import type { ImageSource } from './models/analysis'

/** What a person typed: the engine ref, the archive path (or its file name), `registry://HOST/REPO:TAG`. */
export function sourceName(s: ImageSource, short = false): string {
  if (s.kind === 'engine') return s.ref
  if (s.kind === 'registry') return `registry://${s.ref}`
  return short ? (s.path.split(/[\\/]/).pop() ?? s.path) : s.path
}

/** A string that is equal for the same image argument (platform not included). */
export function sourceId(s: ImageSource): string {
  return s.kind === 'archive' ? `archive:${s.path}` : `${s.kind}:${s.ref}`
}

export function sameSource(a: ImageSource, b: ImageSource): boolean {
  return sourceId(a) === sourceId(b)
}
