// Dockerfile -> stages. dockerfile-ast does the tokenising (continuations, escape directive,
// heredocs, flags); on top of it we expand ARGs the way Docker does for FROM and --from, find
// the stages and collect the problems `docker build` would refuse, each with its line.
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import type { DockerfileInstruction, SyntaxProblem } from '../../../shared/models/dockerfile'

export const KNOWN_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'
])

export interface ParsedFlag {
  name: string
  value: string | null
  /** `--mount=type=cache,from=x` -> { type: 'cache', from: 'x' } */
  options: Record<string, string>
}

export interface ParsedInstruction extends DockerfileInstruction {
  /** Upper-case keyword (the file may say `from`, `Run`, ...). */
  keyword: string
  /** Arguments after the flags, as written (no ARG expansion), heredoc bodies left out. */
  args: string[]
  flags: ParsedFlag[]
  heredocs: { name: string; content: string }[]
}

export interface ParsedStage {
  index: number
  /** `AS name`, lower-cased as Docker does; undefined when unnamed. */
  name?: string
  /** FROM argument as written, e.g. `${BASE}:${TAG}`. */
  baseRaw: string
  /** FROM argument after ARG expansion. */
  base: string
  platform?: string
  from: ParsedInstruction
  /** Everything after FROM, in order. */
  instructions: ParsedInstruction[]
  /** ARGs in scope in this stage (global values re-declared + stage ARGs with defaults). */
  args: Map<string, string | undefined>
}

export interface ParsedDockerfile {
  text: string
  escape: string
  directives: Record<string, string>
  globalArgs: { name: string; value?: string; line: number }[]
  stages: ParsedStage[]
  problems: SyntaxProblem[]
}

export interface ParseOptions {
  /** --build-arg values: override ARG defaults. */
  buildArgs?: Record<string, string>
}

/** Stage reference as Docker resolves it: the name (case-insensitive) or the index. */
export function stageLabel(s: ParsedStage): string {
  return s.name ?? String(s.index)
}

export function parseDockerfile(text: string, opts: ParseOptions = {}): ParsedDockerfile {
  const buildArgs = opts.buildArgs ?? {}
  const df = DockerfileParser.parse(text)
  const lines = text.split(/\r?\n/)
  const problems: SyntaxProblem[] = []
  const directives: Record<string, string> = {}
  for (const d of df.getDirectives()) {
    const name = d.getName()?.toLowerCase()
    if (name) directives[name] = d.getValue() ?? ''
  }
  const escape = df.getEscapeCharacter()

  const globalArgs: ParsedDockerfile['globalArgs'] = []
  const globalValues = new Map<string, string | undefined>()
  const stages: ParsedStage[] = []
  let current: ParsedStage | undefined

  for (const ins of df.getInstructions()) {
    const p = toParsed(ins, lines, escape)
    const line = p.range.startLine
    if (!KNOWN_INSTRUCTIONS.has(p.keyword)) {
      problems.push({ line, message: `Unknown instruction "${ins.getInstruction()}".` })
      continue
    }
    if (p.keyword === 'FROM') {
      current = makeStage(p, stages, globalValues, problems)
      stages.push(current)
      continue
    }
    if (!current) {
      if (p.keyword === 'ARG') {
        for (const [name, def] of argPairs(p)) {
          const value = name in buildArgs ? buildArgs[name] : def !== undefined ? expand(def, globalValues) : undefined
          globalValues.set(name, value)
          globalArgs.push({ name, value, line })
        }
      } else {
        problems.push({ line, message: `${p.keyword} comes before the first FROM: only ARG may precede FROM.` })
      }
      continue
    }
    if (p.keyword === 'ARG') {
      for (const [name, def] of argPairs(p)) {
        // A stage ARG without a default takes the global value; --build-arg overrides both.
        const value =
          name in buildArgs
            ? buildArgs[name]
            : def !== undefined
              ? expand(def, current.args)
              : globalValues.get(name)
        current.args.set(name, value)
      }
    }
    if ((p.keyword === 'COPY' || p.keyword === 'ADD') && p.heredocs.length === 0 && p.args.length < 2) {
      problems.push({ line, message: `${p.keyword} needs at least a source and a destination.` })
    }
    current.instructions.push(p)
  }

  if (stages.length === 0) {
    const firstLine = df.getInstructions()[0]?.getRange().start.line
    problems.push({
      line: firstLine === undefined ? 1 : firstLine + 1,
      message: 'No FROM instruction: a Dockerfile must start a stage with FROM <image>.'
    })
  }
  problems.sort((a, b) => a.line - b.line)
  return { text, escape, directives, globalArgs, stages, problems }
}

function makeStage(
  p: ParsedInstruction,
  stages: ParsedStage[],
  globalValues: Map<string, string | undefined>,
  problems: SyntaxProblem[]
): ParsedStage {
  const line = p.range.startLine
  const baseRaw = p.args[0] ?? ''
  let name: string | undefined
  if (p.args.length >= 3 && p.args[1]!.toUpperCase() === 'AS') {
    name = p.args[2]!.toLowerCase()
    if (!/^[a-z][a-z0-9._-]*$/.test(name)) {
      problems.push({ line, message: `Invalid stage name "${p.args[2]}": use letters, digits, '.', '_' or '-', starting with a letter.` })
    }
    if (stages.some((s) => s.name === name)) {
      problems.push({ line, message: `Duplicate stage name "${name}".` })
    }
    if (p.args.length > 3) problems.push({ line, message: 'FROM takes one image and an optional "AS name".' })
  } else if (p.args.length === 2 || (p.args.length >= 3 && p.args[1]!.toUpperCase() !== 'AS')) {
    problems.push({ line, message: 'FROM takes one image and an optional "AS name".' })
  }
  if (baseRaw === '') problems.push({ line, message: 'FROM needs an image name.' })
  const base = expand(baseRaw, globalValues)
  if (baseRaw !== '' && base === '') {
    problems.push({ line, message: `FROM ${baseRaw} expands to an empty image name: give the ARG a default or pass --build-arg.` })
  }
  const platformFlag = p.flags.find((f) => f.name === 'platform')
  return {
    index: stages.length,
    name,
    baseRaw,
    base: base.toLowerCase() === 'scratch' ? 'scratch' : base,
    // $BUILDPLATFORM/$TARGETPLATFORM are set by the builder itself: keep them as written.
    platform: platformFlag?.value ? expand(platformFlag.value, globalValues) || platformFlag.value : undefined,
    from: p,
    instructions: [],
    args: new Map()
  }
}

function toParsed(ins: Instruction, lines: string[], escape: string): ParsedInstruction {
  const r = ins.getRange()
  const startLine = r.start.line + 1
  const endLine = r.end.line + 1
  const keyword = ins.getKeyword().toUpperCase()
  const withFlags = ins as Instruction & {
    getFlags?: () => { getName(): string; getValue(): string | null; getOptions(): { getName(): string; getValue(): string | null }[] }[]
    getHeredocs?: () => { getName(): string; getContentRange(): { start: { line: number }; end: { line: number } } | null }[]
  }
  const flags: ParsedFlag[] = (withFlags.getFlags?.() ?? []).map((f) => {
    const options: Record<string, string> = {}
    for (const o of f.getOptions()) options[o.getName().toLowerCase()] = o.getValue() ?? ''
    return { name: f.getName().toLowerCase(), value: f.getValue(), options }
  })
  const heredocs = (withFlags.getHeredocs?.() ?? []).map((h) => {
    const cr = h.getContentRange()
    const content = cr ? lines.slice(cr.start.line, cr.end.line + 1).join('\n') : ''
    return { name: h.getName(), content }
  })
  let args: string[]
  if (heredocs.length > 0) {
    // dockerfile-ast mixes heredoc bodies into the arguments: take the first line's words only.
    args = splitWords(stripFlags(lines[r.start.line]!.slice(ins.getInstruction().length)))
  } else {
    // getArguments() already leaves out the flags of COPY/ADD/RUN/FROM.
    args = ins.getArguments().map((a) => a.getValue())
  }
  const textLines = lines.slice(r.start.line, r.end.line + 1)
  return {
    keyword,
    text: joinContinuations(textLines, escape).trim(),
    range: { startLine, endLine },
    args,
    flags,
    heredocs
  }
}

function stripFlags(s: string): string {
  return s.replace(/^\s*(--\S+\s+)*/, '')
}

function splitWords(s: string): string[] {
  return s.trim().split(/\s+/).filter((w) => w.length > 0)
}

/** Joins `\`-continued lines into one display line; heredoc bodies keep their newlines. */
function joinContinuations(textLines: string[], escape: string): string {
  let out = ''
  for (let i = 0; i < textLines.length; i++) {
    const l = textLines[i]!
    const trimmed = l.replace(/\s+$/, '')
    if (trimmed.endsWith(escape) && i < textLines.length - 1) {
      out += trimmed.slice(0, -1).replace(/\s+$/, '') + ' '
    } else if (/^\s*#/.test(l) && i > 0) {
      // comment lines inside a continuation are dropped by Docker
      continue
    } else {
      out += l + (i < textLines.length - 1 ? '\n' : '')
    }
  }
  return out.replace(/ {2,}/g, ' ')
}

/** `ARG a=1 b` -> [['a','1'], ['b', undefined]] (quotes removed from the default). */
function argPairs(p: ParsedInstruction): [string, string | undefined][] {
  return p.args.map((a) => {
    const eq = a.indexOf('=')
    if (eq < 0) return [a, undefined]
    return [a.slice(0, eq), unquote(a.slice(eq + 1))]
  })
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1)
  return s
}

/**
 * Docker's variable substitution for a word: $VAR, ${VAR}, ${VAR:-word}, ${VAR-word},
 * ${VAR:+word}, ${VAR+word}. Unset variables expand to ''.
 */
export function expand(word: string, vars: Map<string, string | undefined>): string {
  let out = ''
  let i = 0
  while (i < word.length) {
    const c = word[i]!
    if (c === '\\' && i + 1 < word.length && word[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (c !== '$') {
      out += c
      i++
      continue
    }
    if (word[i + 1] === '{') {
      const close = findClose(word, i + 2)
      if (close < 0) {
        out += word.slice(i)
        break
      }
      const body = word.slice(i + 2, close)
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body)
      if (!m) {
        out += word.slice(i, close + 1)
      } else {
        const [, name, op, rest] = m
        const value = vars.get(name!)
        const isSet = vars.has(name!) && value !== undefined
        const nonEmpty = isSet && value !== ''
        if (op === ':-') out += nonEmpty ? value : expand(rest ?? '', vars)
        else if (op === '-') out += isSet ? value : expand(rest ?? '', vars)
        else if (op === ':+') out += nonEmpty ? expand(rest ?? '', vars) : ''
        else if (op === '+') out += isSet ? expand(rest ?? '', vars) : ''
        else out += value ?? ''
      }
      i = close + 1
      continue
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i + 1))
    if (!m) {
      out += '$'
      i++
      continue
    }
    out += vars.get(m[0]) ?? ''
    i += 1 + m[0].length
  }
  return out
}

function findClose(s: string, from: number): number {
  let depth = 1
  for (let i = from; i < s.length; i++) {
    if (s[i] === '{') depth++
    else if (s[i] === '}' && --depth === 0) return i
  }
  return -1
}

/** The value of `--from` of COPY/ADD, expanded with the stage's ARGs. */
export function fromFlag(p: ParsedInstruction, stage: ParsedStage): string | undefined {
  const f = p.flags.find((x) => x.name === 'from')
  return f?.value ? expand(f.value, stage.args) : undefined
}

/** `RUN --mount=...,from=x` mounts, with their type and source. */
export function mountsFrom(p: ParsedInstruction, stage: ParsedStage): { from: string; type: string; source?: string; target?: string }[] {
  return p.flags
    .filter((f) => f.name === 'mount' && f.options.from)
    .map((f) => ({
      from: expand(f.options.from!, stage.args),
      type: f.options.type ?? 'bind',
      source: f.options.source ?? f.options.src,
      target: f.options.target ?? f.options.dst ?? f.options.destination
    }))
}

/** Arguments of COPY/ADD split into sources and destination (JSON form too). */
export function copySourcesAndDest(p: ParsedInstruction): { sources: string[]; dest: string } {
  let args = p.args
  const joined = args.join(' ')
  if (joined.startsWith('[')) {
    try {
      const parsed = JSON.parse(joined) as unknown
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) args = parsed as string[]
    } catch {
      /* not JSON: shell form */
    }
  }
  if (p.heredocs.length > 0) {
    const dest = args[args.length - 1] ?? ''
    return { sources: p.heredocs.map((h) => `<<${h.name}`), dest }
  }
  return { sources: args.slice(0, -1), dest: args[args.length - 1] ?? '' }
}
