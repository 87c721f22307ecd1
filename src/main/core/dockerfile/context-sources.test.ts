import { describe, expect, it } from 'vitest'
import type { ContextEntry } from './context-walk'
import { ContextFilter } from './context-walk'
import { checkContextSources, cleanSource, contextUses, contextWarnings, segmentRegExp, sourceMatcher } from './context-sources'
import { parseDockerfile } from './parser'

const file = (rel: string, size = 10): ContextEntry => ({ rel, type: 'file', size, mode: 0o644, mtimeMs: 0 })
const dir = (rel: string): ContextEntry => ({ rel, type: 'dir', size: 0, mode: 0o755, mtimeMs: 0 })

/** A context as listContext gives it (parents first) and what a .dockerignore sends of it. */
function context(entries: ContextEntry[], ignore: string[] = []): { entries: ContextEntry[]; sent: ContextEntry[] } {
  return { entries, sent: new ContextFilter(ignore, 'Dockerfile').select(entries) }
}

const CTX = [
  file('Dockerfile'),
  file('.dockerignore'),
  file('package.json', 500),
  file('package-lock.json', 20_000),
  dir('src'),
  file('src/index.js', 300),
  file('src/util.ts', 100),
  dir('assets'),
  file('assets/video.mp4', 5_000_000),
  file('assets/logo.png', 1_200_000),
  dir('data'),
  file('data/dump.sql', 3_000_000),
  file('data/small.csv', 999_999),
  dir('secret'),
  file('secret/key.bin', 2_000_000)
]

describe('Go filepath.Match, one segment', () => {
  it('matches * ? and classes within a segment, dotfiles included', () => {
    expect(segmentRegExp('*.js')!.test('index.js')).toBe(true)
    expect(segmentRegExp('*.js')!.test('.hidden.js')).toBe(true) // Go has no dotfile rule
    expect(segmentRegExp('?.txt')!.test('a.txt')).toBe(true)
    expect(segmentRegExp('?.txt')!.test('ab.txt')).toBe(false)
    expect(segmentRegExp('[a-c]x')!.test('bx')).toBe(true)
    expect(segmentRegExp('[^a-c]x')!.test('bx')).toBe(false)
    expect(segmentRegExp('[^a-c]x')!.test('dx')).toBe(true)
    expect(segmentRegExp('\\*')!.test('*')).toBe(true)
    expect(segmentRegExp('\\*')!.test('a')).toBe(false)
    expect(segmentRegExp('{a,b}')!.test('a')).toBe(false) // no braces in Go
    expect(segmentRegExp('{a,b}')!.test('{a,b}')).toBe(true)
    expect(segmentRegExp('**')!.test('deep')).toBe(true)
  })

  it('refuses what Go calls a bad pattern', () => {
    expect(segmentRegExp('[]')).toBeNull()
    expect(segmentRegExp('[a')).toBeNull()
    expect(segmentRegExp('x\\')).toBeNull()
    expect(segmentRegExp('[a-]')).toBeNull()
  })

  it('* never crosses a slash, ** neither (one segment at a time)', () => {
    expect(sourceMatcher('src/*')!(['src', 'a', 'b.js'])).toBe(true) // src/a is matched, b.js lies below it
    expect(sourceMatcher('*.js')!(['src', 'index.js'])).toBe(false)
    expect(sourceMatcher('**/index.js')!(['src', 'index.js'])).toBe(true)
    expect(sourceMatcher('**/index.js')!(['a', 'b', 'index.js'])).toBe(false)
  })

  it('cleans sources like BuildKit: from the root, .. cannot leave it', () => {
    expect(cleanSource('./src/')).toBe('src')
    expect(cleanSource('/src//a')).toBe('src/a')
    expect(cleanSource('../../etc/passwd')).toBe('etc/passwd')
    expect(cleanSource('.')).toBe('')
  })
})

describe('COPY sources against the context', () => {
  it('names a missing source, and one only .dockerignore leaves out', () => {
    const df = parseDockerfile('FROM x\nCOPY package.json package-lock.json ./\nCOPY src/ /app/src\nCOPY config.yml /etc/\nCOPY secret/key.bin /k\nCOPY *.md /docs/\n')
    const w = contextWarnings(df, { ...context(CTX, ['secret']), dockerfileRel: 'Dockerfile' })
    expect(w.missing).toEqual([
      { line: 4, keyword: 'COPY', stage: '0', source: 'config.yml', why: 'absent', wildcard: false },
      { line: 5, keyword: 'COPY', stage: '0', source: 'secret/key.bin', why: 'ignored', wildcard: false },
      // BuildKit lets a pattern match nothing (checked on the engine: it builds; the legacy builder says "no source files were specified")
      { line: 6, keyword: 'COPY', stage: '0', source: '*.md', why: 'absent', wildcard: true }
    ])
  })

  it('a wildcard that matches something is fine; --from, heredocs, URLs and unknown variables are not context sources', () => {
    const df = parseDockerfile(
      'FROM x AS a\nARG DIR=src\nCOPY src/*.js /app/\nCOPY ${DIR}/util.ts /app/\nCOPY --from=busybox /bin/sh /sh\nADD https://example.com/x.tgz /x\nCOPY <<EOF /f\nhi\nEOF\nCOPY $UNSET/x /y\n'
    )
    const w = contextWarnings(df, { ...context(CTX), dockerfileRel: 'Dockerfile' })
    expect(w.missing).toEqual([])
    const uses = contextUses(df)
    expect(uses.map((u) => u.path)).toEqual(['src/*.js', 'src/util.ts', '*/x'])
    expect(uses[2]!.uncertain).toBe(true)
  })

  it('lists big sent files no COPY, ADD or bind mount uses, biggest first; ignored ones are not sent', () => {
    const df = parseDockerfile('FROM x\nCOPY package.json src ./\nRUN --mount=type=bind,source=assets/logo.png,target=/l cat /l\nRUN --mount=type=cache,target=/c true\n')
    const w = contextWarnings(df, { ...context(CTX, ['secret']), dockerfileRel: 'Dockerfile' })
    expect(w.unused).toEqual([
      { path: 'assets/video.mp4', bytes: 5_000_000 },
      { path: 'data/dump.sql', bytes: 3_000_000 }
    ]) // data/small.csv is under 1 MB; secret/ is not sent; logo.png is mounted
    expect(w.unusedTotal).toEqual({ bytes: 8_000_000, files: 2 })
    expect(w.usesWholeContext).toBe(false)
  })

  it('a folder source uses everything under it; COPY . (or a bind mount of the context) uses everything', () => {
    const folder = contextWarnings(parseDockerfile('FROM x\nCOPY assets data /a/\n'), { ...context(CTX, ['secret']) })
    expect(folder.unused).toEqual([])
    for (const text of ['FROM x\nCOPY . /app\n', 'FROM x\nCOPY ./ /app\n', 'FROM x\nRUN --mount=type=bind,target=/src make\n']) {
      const w = contextWarnings(parseDockerfile(text), { ...context(CTX) })
      expect(w.unused, text).toEqual([])
      expect(w.usesWholeContext, text).toBe(true)
      expect(w.unusedTotal.files).toBe(0)
    }
  })

  it('caps the list and keeps the total; the threshold is a parameter', () => {
    const many = Array.from({ length: 14 }, (_, i) => file(`blob${String(i).padStart(2, '0')}`, 2_000_000 + i))
    const w = checkContextSources([], { entries: many, sent: many, listed: 10 })
    expect(w.unused).toHaveLength(10)
    expect(w.unused[0]).toEqual({ path: 'blob13', bytes: 2_000_013 })
    expect(w.unusedTotal.files).toBe(14)
    expect(checkContextSources([], { entries: many, sent: many, minBytes: 3_000_000 }).unused).toEqual([])
  })
})
