// The build context as Docker sees it: every entry under the folder (symlinks are sent as
// links, never followed) and Docker's .dockerignore rules (@balena/dockerignore implements
// moby's patternmatcher, including parent-directory matches, `**` and `!` re-includes).
import ignore, { type Ignore } from '@balena/dockerignore'
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { LayerscopeError, throwIfCancelled } from '../errors'

export interface ContextEntry {
  /** Slash-separated path relative to the context root. */
  rel: string
  type: 'file' | 'dir' | 'symlink' | 'other'
  /** Regular-file bytes (0 for others). */
  size: number
  mode: number
  mtimeMs: number
  /** Symlink target (sent as-is). */
  link?: string
  /** Content to send instead of the file on disk (a Dockerfile we had to adjust). */
  content?: Buffer
}

/** Every entry under `dir`, parents before children, names sorted (stable output). */
export async function listContext(dir: string, signal?: AbortSignal): Promise<ContextEntry[]> {
  try {
    const st = await lstat(dir)
    if (!st.isDirectory()) throw new LayerscopeError('INVALID_INPUT', `The build context ${dir} is not a folder.`)
  } catch (e) {
    if (e instanceof LayerscopeError) throw e
    throw new LayerscopeError('NOT_FOUND', `The build context folder ${dir} does not exist.`)
  }
  const out: ContextEntry[] = []
  let visited = 0
  const walk = async (abs: string, rel: string): Promise<void> => {
    let names: string[]
    try {
      names = (await readdir(abs)).sort()
    } catch (e) {
      // Removed while we walked (a tool's temp folder): it is not part of the context any more.
      if (vanished(e)) return
      throw new LayerscopeError('IO_ERROR', `Cannot read ${abs}: ${(e as Error).message}. Docker would fail to send this context too.`)
    }
    for (const name of names) {
      if (++visited % 512 === 0) throwIfCancelled(signal)
      const childAbs = join(abs, name)
      const childRel = rel ? `${rel}/${name}` : name
      let st
      let link: string | undefined
      try {
        st = await lstat(childAbs)
        if (st.isSymbolicLink()) link = await readlink(childAbs)
      } catch (e) {
        // A file renamed or deleted between readdir and lstat (atomic writes) is simply gone.
        if (vanished(e)) continue
        throw new LayerscopeError('IO_ERROR', `Cannot read ${childAbs}: ${(e as Error).message}. Docker would fail to send this context too.`)
      }
      if (st.isSymbolicLink()) {
        out.push({ rel: childRel, type: 'symlink', size: 0, mode: st.mode, mtimeMs: st.mtimeMs, link })
      } else if (st.isDirectory()) {
        out.push({ rel: childRel, type: 'dir', size: 0, mode: st.mode, mtimeMs: st.mtimeMs })
        await walk(childAbs, childRel)
      } else if (st.isFile()) {
        out.push({ rel: childRel, type: 'file', size: st.size, mode: st.mode, mtimeMs: st.mtimeMs })
      } else {
        out.push({ rel: childRel, type: 'other', size: 0, mode: st.mode, mtimeMs: st.mtimeMs })
      }
    }
  }
  await walk(dir, '')
  return out
}

/** .dockerignore lines -> patterns, as the docker CLI reads them (comments, blanks, leading '/'). */
export function parseDockerignore(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('#')) continue
    let line = raw.trim()
    if (line === '') continue
    let neg = ''
    if (line.startsWith('!')) {
      neg = '!'
      line = line.slice(1).trim()
    }
    // filepath.Clean, then drop the leading slash: patterns are relative to the context root.
    line = posix.normalize(line).replace(/^\/+/, '')
    if (line === '' || line === '.') line = '.'
    out.push(neg + line)
  }
  return out
}

export async function readDockerignore(contextDir: string): Promise<string[] | null> {
  try {
    return parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8'))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new LayerscopeError('IO_ERROR', `Cannot read ${join(contextDir, '.dockerignore')}: ${(e as Error).message}`)
  }
}

/** Decides, entry by entry, what `docker build` sends. */
export class ContextFilter {
  private readonly ig: Ignore
  private readonly hasNegation: boolean
  readonly patterns: string[]

  /**
   * `dockerfileRel`: the Dockerfile's path in the context; like the docker CLI, the Dockerfile
   * and .dockerignore are sent even when a pattern excludes them.
   */
  constructor(patterns: string[], dockerfileRel?: string) {
    const probe = ignore().add(patterns)
    const all = [...patterns]
    if (patterns.length > 0 && probe.ignores('.dockerignore')) all.push('!.dockerignore')
    if (dockerfileRel && patterns.length > 0 && probe.ignores(dockerfileRel)) all.push(`!${dockerfileRel}`)
    this.patterns = all
    this.ig = ignore().add(all)
    this.hasNegation = all.some((p) => p.startsWith('!'))
  }

  /**
   * Entries that are sent. Without `!` patterns an excluded folder is skipped whole (Docker
   * does not descend into it); with them every entry is tested on its own.
   */
  select(entries: ContextEntry[]): ContextEntry[] {
    if (this.patterns.length === 0) return entries
    const out: ContextEntry[] = []
    let prunedPrefix: string | null = null
    for (const e of entries) {
      if (prunedPrefix !== null && e.rel.startsWith(prunedPrefix)) continue
      prunedPrefix = null
      const excluded = this.ig.ignores(e.rel)
      if (excluded) {
        if (e.type === 'dir' && !this.hasNegation) prunedPrefix = `${e.rel}/`
        continue
      }
      out.push(e)
    }
    return out
  }
}

export function sumFiles(entries: ContextEntry[]): { bytes: number; files: number } {
  let bytes = 0
  let files = 0
  for (const e of entries) {
    if (e.type !== 'file') continue
    bytes += e.size
    files++
  }
  return { bytes, files }
}

function vanished(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT'
}
