import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ImageSource } from '../../shared/models/analysis'
import { checkEngineImageArg, formatReference, isRegistrySource, parseRegistrySource } from '../core/model/reference'

/**
 * An image argument, the one parser every command uses: `registry://HOST[:PORT]/REPO[:TAG|@DIGEST]`
 * is a registry image (checked against Docker's reference grammar now, so a typo fails before
 * any work), an existing file or directory is an archive (docker save output or OCI layout),
 * anything else an engine reference; `archive:` and `docker:` force one.
 */
export function parseSource(arg: string): ImageSource {
  if (isRegistrySource(arg)) return { kind: 'registry', ref: formatReference(parseRegistrySource(arg)) }
  if (arg.startsWith('archive:')) return { kind: 'archive', path: resolve(arg.slice('archive:'.length)) }
  if (arg.startsWith('docker:')) return { kind: 'engine', ref: checkEngineImageArg(arg.slice('docker:'.length)) }
  if (existsSync(arg)) return { kind: 'archive', path: resolve(arg) }
  // "save.tar#repo:tag": one image of a multi-image archive.
  const hash = arg.lastIndexOf('#')
  if (hash > 0 && existsSync(arg.slice(0, hash))) return { kind: 'archive', path: resolve(arg.slice(0, hash)) + arg.slice(hash) }
  // Not a file: an engine reference, checked against the grammar ("http://x/y" says to write registry://x/y).
  return { kind: 'engine', ref: checkEngineImageArg(arg) }
}
