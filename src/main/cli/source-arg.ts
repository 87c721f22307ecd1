import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ImageSource } from '../../shared/models/analysis'

/**
 * An image argument: an existing file or directory is an archive (docker save output or OCI
 * layout), anything else an engine reference; `archive:` and `docker:` force one.
 */
export function parseSource(arg: string): ImageSource {
  if (arg.startsWith('archive:')) return { kind: 'archive', path: resolve(arg.slice('archive:'.length)) }
  if (arg.startsWith('docker:')) return { kind: 'engine', ref: arg.slice('docker:'.length) }
  if (existsSync(arg)) return { kind: 'archive', path: resolve(arg) }
  // "save.tar#repo:tag": one image of a multi-image archive.
  const hash = arg.lastIndexOf('#')
  if (hash > 0 && existsSync(arg.slice(0, hash))) return { kind: 'archive', path: resolve(arg.slice(0, hash)) + arg.slice(hash) }
  return { kind: 'engine', ref: arg }
}
