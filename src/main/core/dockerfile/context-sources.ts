// What the Dockerfile takes from its build context, checked against what the context sends:
// COPY/ADD sources (not --from) no sent entry matches (a path stops the build there; a pattern
// that matches nothing stops the legacy builder, BuildKit copies nothing), and big files
// that are sent but no COPY, ADD or RUN --mount bind ever uses (bytes uploaded for nothing).
// Sources match as BuildKit resolves them: the path cleaned and taken from the context root,
// wildcards matched one path segment at a time with Go's filepath.Match (`*`, `?`, `[a-z]`,
// `[^a]`, `\` escapes; `**` is two stars in one segment, nothing more). No npm glob library
// has those rules (they all treat `**`, dotfiles or braces their own way), so the few lines
// of the translation are here.
import { posix } from 'node:path'
import type { ContextWarnings } from '../../../shared/models/dockerfile'
import type { ContextEntry } from './context-walk'
import { copySourcesAndDest, expand, stageLabel, type ParsedDockerfile, type ParsedStage } from './parser'

/** Files at least this big that nothing uses are worth a warning (decimal, as sizes are shown). */
export const UNUSED_MIN_BYTES = 1_000_000
/** The biggest unused files listed (the total counts them all). */
export const UNUSED_LISTED = 10

/** One path the Dockerfile takes from the context. */
export interface ContextUse {
  line: number
  /** COPY, ADD or RUN (a bind mount). */
  keyword: string
  stage: string
  /** As written. */
  source: string
  /** Cleaned, relative to the context root ('' is the whole context). */
  path: string
  /** The source names build variables we cannot resolve: they were matched as `*`. */
  uncertain: boolean
}

const URL_SOURCE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i
const VAR = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g

/** Cleans a source as BuildKit does: relative to the context root, `..` cannot leave it. */
export function cleanSource(s: string): string {
  return posix.normalize(`/${s}`).replace(/^\/+/, '').replace(/\/+$/, '')
}

function resolveVars(source: string, stage: ParsedStage): { text: string; uncertain: boolean } {
  const names = [...source.matchAll(VAR)].map((m) => /[A-Za-z_][A-Za-z0-9_]*/.exec(m[0])![0])
  if (names.length === 0) return { text: source, uncertain: false }
  if (names.every((n) => stage.args.get(n) !== undefined)) return { text: expand(source, stage.args), uncertain: false }
  return { text: source.replace(VAR, '*'), uncertain: true }
}

/** Every context path the Dockerfile's stages take: COPY/ADD sources and RUN --mount binds without from=. */
export function contextUses(parsed: ParsedDockerfile): ContextUse[] {
  const out: ContextUse[] = []
  for (const stage of parsed.stages) {
    for (const ins of stage.instructions) {
      const line = ins.range.startLine
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.flags.some((f) => f.name === 'from')) {
        for (const source of copySourcesAndDest(ins).sources) {
          if (source.startsWith('<<') || (ins.keyword === 'ADD' && URL_SOURCE.test(source))) continue
          const r = resolveVars(source, stage)
          out.push({ line, keyword: ins.keyword, stage: stageLabel(stage), source, path: cleanSource(r.text), uncertain: r.uncertain })
        }
      } else if (ins.keyword === 'RUN') {
        for (const f of ins.flags) {
          if (f.name !== 'mount' || f.options.from !== undefined || (f.options.type ?? 'bind') !== 'bind') continue
          const source = f.options.source ?? f.options.src ?? '.'
          const r = resolveVars(source, stage)
          out.push({ line, keyword: 'RUN', stage: stageLabel(stage), source, path: cleanSource(r.text), uncertain: r.uncertain })
        }
      }
    }
  }
  return out
}

export function hasWildcards(p: string): boolean {
  return /[*?[\\]/.test(p)
}

/** One path segment of a Go filepath.Match pattern as an anchored RegExp; null for a bad pattern (BuildKit refuses it). */
export function segmentRegExp(seg: string): RegExp | null {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '\\') {
      if (i + 1 >= seg.length) return null
      re += escapeRe(seg[++i]!)
    } else if (c === '[') {
      let j = i + 1
      let cls = ''
      if (seg[j] === '^') {
        cls += '^'
        j++
      }
      let n = 0
      for (;;) {
        if (j >= seg.length) return null
        if (seg[j] === ']' && n > 0) break
        const lo = classChar(seg, j)
        if (!lo) return null
        j = lo.next
        if (seg[j] === '-') {
          const hi = classChar(seg, j + 1)
          if (!hi) return null
          cls += `${escapeRe(lo.ch)}-${escapeRe(hi.ch)}`
          j = hi.next
        } else cls += escapeRe(lo.ch)
        n++
      }
      re += `[${cls}]`
      i = j
    } else re += escapeRe(c)
  }
  return new RegExp(`^${re}$`, 's')
}

/** A character inside [...]: `-` and `]` must be escaped there (Go's getEsc). */
function classChar(seg: string, j: number): { ch: string; next: number } | null {
  const c = seg[j]
  if (c === undefined || c === '-' || c === ']') return null
  if (c === '\\') return seg[j + 1] === undefined ? null : { ch: seg[j + 1]!, next: j + 2 }
  return { ch: c, next: j + 1 }
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c
}

/** A cleaned source as a per-segment matcher; null when the pattern is bad. */
export function sourceMatcher(path: string): ((segs: string[]) => boolean) | null {
  if (path === '') return () => true
  const parts = path.split('/')
  if (!hasWildcards(path)) return (segs) => segs.length >= parts.length && parts.every((p, i) => p === segs[i])
  const res = parts.map(segmentRegExp)
  if (res.some((r) => r === null)) return null
  return (segs) => segs.length >= parts.length && res.every((r, i) => r!.test(segs[i]!))
}

/** Entries a source names itself (not what lies below a folder it names). */
function named(path: string, entries: ContextEntry[], byRel: Set<string>): boolean {
  if (path === '') return true
  if (!hasWildcards(path)) return byRel.has(path)
  const m = sourceMatcher(path)
  const depth = path.split('/').length
  return m === null ? true : entries.some((e) => e.rel.split('/').length === depth && m(e.rel.split('/')))
}

export function checkContextSources(
  uses: ContextUse[],
  o: { entries: ContextEntry[]; sent: ContextEntry[]; dockerfileRel?: string; minBytes?: number; listed?: number }
): ContextWarnings {
  const sentRels = new Set(o.sent.map((e) => e.rel))
  const allRels = new Set(o.entries.map((e) => e.rel))
  const missing: ContextWarnings['missing'] = []
  const seen = new Set<string>()
  for (const u of uses) {
    // A RUN bind mount of a missing path fails too, but only COPY/ADD are this warning's promise.
    if (u.uncertain || u.keyword === 'RUN' || seen.has(`${u.line}\0${u.path}`)) continue
    seen.add(`${u.line}\0${u.path}`)
    if (named(u.path, o.sent, sentRels)) continue
    const why = named(u.path, o.entries, allRels) ? 'ignored' : 'absent'
    missing.push({ line: u.line, keyword: u.keyword, stage: u.stage, source: u.source, why, wildcard: hasWildcards(u.path) })
  }
  const minBytes = o.minBytes ?? UNUSED_MIN_BYTES
  const matchers = uses.map((u) => sourceMatcher(u.path))
  // A bad pattern or the whole context (`COPY . .`): every sent file may be used.
  const everything = matchers.some((m, i) => m === null || uses[i]!.path === '')
  const unused: { path: string; bytes: number }[] = []
  if (!everything) {
    for (const e of o.sent) {
      if (e.type !== 'file' || e.size < minBytes || e.rel === o.dockerfileRel || e.rel === '.dockerignore') continue
      const segs = e.rel.split('/')
      if (!matchers.some((m) => m!(segs))) unused.push({ path: e.rel, bytes: e.size })
    }
  }
  unused.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
  return {
    missing,
    unused: unused.slice(0, o.listed ?? UNUSED_LISTED),
    unusedTotal: { bytes: unused.reduce((s, u) => s + u.bytes, 0), files: unused.length },
    unusedMinBytes: minBytes,
    usesWholeContext: everything
  }
}

/** The warnings for a parsed Dockerfile and its scanned context. */
export function contextWarnings(parsed: ParsedDockerfile, o: { entries: ContextEntry[]; sent: ContextEntry[]; dockerfileRel?: string }): ContextWarnings {
  return checkContextSources(contextUses(parsed), o)
}
