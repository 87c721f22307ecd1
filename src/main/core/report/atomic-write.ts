// Writes a file all at once: into a temporary file beside it, then renamed over the target, so
// an error (full disk, Ctrl-C) never leaves a half-written report behind.
import { randomBytes } from 'node:crypto'
import { accessSync, constants, statSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { LayerscopeError } from '../errors'

/** Fails early (before minutes of analysis) when the file cannot be written where asked. */
export function checkWritable(path: string): void {
  const abs = resolve(path)
  const dir = dirname(abs)
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: the folder ${dir} does not exist.`)
  }
  if (!st.isDirectory()) throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: ${dir} is not a folder.`)
  try {
    if (statSync(abs).isDirectory()) throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: it is a folder; give a file name such as ${join(path, 'report.png')}.`)
  } catch (e) {
    if (e instanceof LayerscopeError) throw e
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: no permission to write in ${dir}.`)
  }
}

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const abs = resolve(path)
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, data)
    await rename(tmp, abs)
  } catch (e) {
    await rm(tmp, { force: true })
    const reason = e instanceof Error ? e.message : String(e)
    throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: ${reason}`)
  }
}
