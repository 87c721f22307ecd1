// Archives dropped into the browser tab, streamed to one private temp folder per server.
// Bounded: a size limit per upload (413 with the limit in words), at most a few kept at once
// (the oldest removed when more arrive), a failed or refused upload removed at once, and the
// whole folder removed when the server closes or the process exits.
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { formatBytes } from '../../shared/format'

/** Default limit per upload: big images are GBs; the temp disk is the real bound. */
export const DEFAULT_MAX_UPLOAD = 8 * 1024 ** 3
/** Open analyses an upload can back (AnalysisService keeps 4 open); older uploads are removed. */
export const MAX_KEPT_UPLOADS = 4

/**
 * Folders of servers that were killed (SIGKILL, power loss) before they could remove them: their
 * process is gone and the folder untouched for an hour (a PID from another PID namespace sharing
 * /tmp can look dead; an hour of no uploads keeps a live server's files safe in that case).
 */
function sweepDeadServers(base: string): void {
  for (const name of readdirSync(base)) {
    const m = /^s-(\d+)-/.exec(name)
    if (!m || Number(m[1]) === process.pid) continue
    const st = statSync(join(base, name), { throwIfNoEntry: false })
    if (!st || Date.now() - st.mtimeMs < 3600_000) continue
    try {
      process.kill(Number(m[1]), 0)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(base, name), { recursive: true, force: true })
    }
  }
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export class Uploads {
  readonly root: string
  private readonly kept: string[] = []
  private readonly exitHook = (): void => this.removeAllSync()

  constructor(readonly maxBytes = DEFAULT_MAX_UPLOAD) {
    const base = join(tmpdir(), 'layerscope-uploads')
    mkdirSync(base, { recursive: true, mode: 0o700 })
    sweepDeadServers(base)
    this.root = mkdtempSync(join(base, `s-${process.pid}-`))
    process.once('exit', this.exitHook)
  }

  limitText(): string {
    return `${formatBytes(this.maxBytes)} (${this.maxBytes.toLocaleString('en-US')} bytes)`
  }

  private tooLarge(size?: number): UploadError {
    const what = size !== undefined ? `the file is ${formatBytes(size)}, more than` : 'the file is larger than'
    return new UploadError(413, `Upload refused: ${what} this server's upload limit of ${this.limitText()}. Start \`layerscope serve --max-upload <size>\` to raise it, or open the archive by its path.`)
  }

  /** Streams the request body to a new file; refuses (and removes) anything over the limit. */
  async receive(req: IncomingMessage, rawName: string): Promise<string> {
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined
    if (declared !== undefined && Number.isFinite(declared) && declared > this.maxBytes) throw this.tooLarge(declared)
    const name = basename(rawName.replace(/[\\/\0]/g, '_')) || 'archive.tar'
    const dir = mkdtempSync(join(this.root, 'u-'))
    const path = join(dir, name)
    let seen = 0
    const limit = this.maxBytes
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length
        done(seen > limit ? new UploadError(413, '') : null, chunk)
      }
    })
    // The request is piped, not part of the pipeline: past the limit the pipeline fails but the
    // connection stays up long enough to carry the 413.
    const onAbort = (): void => void counter.destroy(new Error('the browser closed the connection'))
    req.once('aborted', onAbort)
    req.once('error', onAbort)
    req.pipe(counter)
    try {
      await pipeline(counter, createWriteStream(path, { mode: 0o600 }))
    } catch (e) {
      req.unpipe(counter)
      await rm(dir, { recursive: true, force: true }).catch(() => undefined)
      if (e instanceof UploadError) throw this.tooLarge()
      throw new UploadError(400, `Upload failed: ${(e as Error).message}`)
    } finally {
      req.off('aborted', onAbort)
      req.off('error', onAbort)
    }
    this.kept.push(dir)
    while (this.kept.length > MAX_KEPT_UPLOADS) void rm(this.kept.shift()!, { recursive: true, force: true }).catch(() => undefined)
    return path
  }

  /** The upload this path belongs to, if any. */
  owns(path: string): boolean {
    return this.kept.some((d) => path.startsWith(d + '/') || path.startsWith(d + '\\'))
  }

  /** Done with one upload (its analysis failed: nothing will read it again). */
  async release(path: string): Promise<void> {
    const i = this.kept.findIndex((d) => path.startsWith(d + '/') || path.startsWith(d + '\\'))
    if (i < 0) return
    const [dir] = this.kept.splice(i, 1)
    await rm(dir!, { recursive: true, force: true }).catch(() => undefined)
  }

  count(): number {
    return this.kept.length
  }

  removeAllSync(): void {
    process.removeListener('exit', this.exitHook)
    this.kept.length = 0
    rmSync(this.root, { recursive: true, force: true })
  }
}
