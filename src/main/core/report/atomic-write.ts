// Writes a file all at once: into a temporary file beside it, flushed to disk, then renamed
// over the target (and the folder flushed), so an error (full disk, Ctrl-C, power loss) never
// leaves a half-written file behind. Reports and the layer cache both write through here.
import { randomBytes } from 'node:crypto'
import { accessSync, constants, statSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
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

/** Flushes a folder's entries (the rename) to disk; folders cannot be opened for that on Windows. */
async function syncDir(dir: string): Promise<void> {
  let fh
  try {
    fh = await open(dir, 'r')
  } catch {
    return
  }
  try {
    await fh.sync()
  } catch (e) {
    // EINVAL/EISDIR/EPERM: this file system or platform cannot fsync a folder; the rename stands.
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF' && code !== 'ENOTSUP') throw e
  } finally {
    await fh.close()
  }
}

/**
 * The write itself: temp file (unique per process and call, so two writers of one target never
 * share it), fsync, rename, fsync of the folder. Throws the system error (ENOSPC, EROFS, ...)
 * after removing the temp file; callers turn it into their own message.
 */
export async function writeChunksAtomic(path: string, data: Iterable<string | Uint8Array>): Promise<void> {
  const abs = resolve(path)
  const dir = dirname(abs)
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fh = await open(tmp, 'wx', 0o644)
    try {
      for (const d of data) await fh.write(typeof d === 'string' ? Buffer.from(d) : d)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, abs)
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw e
  }
  await syncDir(dir)
}

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  try {
    await writeChunksAtomic(path, [data])
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    throw new LayerscopeError('IO_ERROR', `Cannot write ${path}: ${reason}`)
  }
}
