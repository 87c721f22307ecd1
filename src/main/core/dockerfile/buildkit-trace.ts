// BuildKit builds through the engine API stream `{"id":"moby.buildkit.trace","aux":"<base64>"}`
// lines whose aux is a protobuf moby.buildkit.v1.StatusResponse. No dependency: the few fields
// we read are decoded straight from the wire format (varints and length-delimited fields), and
// turned into the lines `docker build --progress=plain` would print, the stage step being run,
// and the Dockerfile line of the step that failed.
import type { ParsedDockerfile, ParsedStage } from './parser'

export interface TraceVertex {
  digest: string
  inputs: string[]
  /** "[deps 3/4] RUN npm install", "[internal] load metadata for ...", "exporting to image". */
  name: string
  cached: boolean
  /** Milliseconds since the epoch. */
  started?: number
  completed?: number
  error?: string
}

export interface TraceStatus {
  id: string
  vertex: string
  name: string
  current: number
  total: number
  started?: number
  completed?: number
}

export interface TraceLog {
  vertex: string
  /** 1 = stdout, 2 = stderr. */
  stream: number
  data: Buffer
}

export interface StatusResponse {
  vertexes: TraceVertex[]
  statuses: TraceStatus[]
  logs: TraceLog[]
}

// ── wire format ────────────────────────────────────────────────────────────────────────────

interface Field {
  no: number
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: number
  /** Varints as bigint (int64 fields); fixed fields as their raw bytes. */
  int?: bigint
  bytes?: Uint8Array
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let v = 0n
  let shift = 0n
  for (;;) {
    if (pos >= buf.length) throw new Error('BuildKit trace: truncated varint')
    const b = buf[pos++]!
    v |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) return [v, pos]
    shift += 7n
    if (shift > 63n) throw new Error('BuildKit trace: varint too long')
  }
}

/** The top-level fields of one message, in order (repeated fields appear once per element). */
export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = []
  let pos = 0
  while (pos < buf.length) {
    const [key, p] = readVarint(buf, pos)
    pos = p
    const no = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (wire === 0) {
      const [v, q] = readVarint(buf, pos)
      pos = q
      out.push({ no, wire, int: v })
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos)
      const end = q + Number(len)
      if (end > buf.length) throw new Error('BuildKit trace: truncated field')
      out.push({ no, wire, bytes: buf.subarray(q, end) })
      pos = end
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (pos + n > buf.length) throw new Error('BuildKit trace: truncated field')
      out.push({ no, wire, bytes: buf.subarray(pos, pos + n) })
      pos += n
    } else {
      throw new Error(`BuildKit trace: unsupported wire type ${wire}`)
    }
  }
  return out
}

const utf8 = new TextDecoder()
const str = (f: Field): string => (f.bytes ? utf8.decode(f.bytes) : '')
/** int64 as a signed number (two's complement varint). */
const int = (f: Field): number => (f.int === undefined ? 0 : Number(BigInt.asIntN(64, f.int)))

/** google.protobuf.Timestamp -> ms since the epoch; Go's zero time (year 1) -> undefined. */
function timestamp(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes) return undefined
  let seconds = 0
  let nanos = 0
  for (const f of readFields(bytes)) {
    if (f.no === 1) seconds = int(f)
    else if (f.no === 2) nanos = int(f)
  }
  if (seconds <= 0) return undefined
  return seconds * 1000 + Math.floor(nanos / 1e6)
}

function vertex(bytes: Uint8Array): TraceVertex {
  const v: TraceVertex = { digest: '', inputs: [], name: '', cached: false }
  for (const f of readFields(bytes)) {
    if (f.no === 1) v.digest = str(f)
    else if (f.no === 2) v.inputs.push(str(f))
    else if (f.no === 3) v.name = str(f)
    else if (f.no === 4) v.cached = f.int !== 0n
    else if (f.no === 5) v.started = timestamp(f.bytes)
    else if (f.no === 6) v.completed = timestamp(f.bytes)
    else if (f.no === 7) v.error = str(f) || undefined
  }
  return v
}

function status(bytes: Uint8Array): TraceStatus {
  const s: TraceStatus = { id: '', vertex: '', name: '', current: 0, total: 0 }
  for (const f of readFields(bytes)) {
    if (f.no === 1) s.id = str(f)
    else if (f.no === 2) s.vertex = str(f)
    else if (f.no === 3) s.name = str(f)
    else if (f.no === 4) s.current = int(f)
    else if (f.no === 5) s.total = int(f)
    else if (f.no === 7) s.started = timestamp(f.bytes)
    else if (f.no === 8) s.completed = timestamp(f.bytes)
  }
  return s
}

function log(bytes: Uint8Array): TraceLog {
  const l: TraceLog = { vertex: '', stream: 1, data: Buffer.alloc(0) }
  for (const f of readFields(bytes)) {
    if (f.no === 1) l.vertex = str(f)
    else if (f.no === 3) l.stream = int(f)
    else if (f.no === 4) l.data = Buffer.from(f.bytes ?? [])
  }
  return l
}

/** moby.buildkit.v1.StatusResponse: vertexes = 1, statuses = 2, logs = 3 (warnings etc. skipped). */
export function decodeStatusResponse(buf: Uint8Array): StatusResponse {
  const res: StatusResponse = { vertexes: [], statuses: [], logs: [] }
  for (const f of readFields(buf)) {
    if (f.wire !== 2 || !f.bytes) continue
    if (f.no === 1) res.vertexes.push(vertex(f.bytes))
    else if (f.no === 2) res.statuses.push(status(f.bytes))
    else if (f.no === 3) res.logs.push(log(f.bytes))
  }
  return res
}

// ── vertex names <-> Dockerfile lines ──────────────────────────────────────────────────────

export interface StepName {
  /** The stage as BuildKit names it: "deps", "stage-0", or undefined in a one-stage build. */
  stage?: string
  step: number
  of: number
  /** "RUN npm install" */
  text: string
}

/** "[deps 3/4] RUN npm install" -> its parts; undefined for "[internal] ..." and the like. */
export function parseStepName(name: string): StepName | undefined {
  // BuildKit pads the step number to the width of the total: "[deps  3/12]".
  const m = /^\[\s*(?:([A-Za-z][\w.-]*)\s+)?(\d+)\/(\d+)\] (.*)$/s.exec(name)
  if (!m) return undefined
  return { stage: m[1], step: Number(m[2]), of: Number(m[3]), text: m[4]! }
}

function findStage(parsed: ParsedDockerfile, name: string | undefined, target: ParsedStage | undefined): ParsedStage | undefined {
  if (name === undefined) return parsed.stages.length === 1 ? parsed.stages[0] : target
  const lower = name.toLowerCase()
  const byName = parsed.stages.find((s) => s.name === lower)
  if (byName) return byName
  // BuildKit calls unnamed stages stage-N; the stage builder names those it targets layerscope-stage-N.
  const idx = /^(?:layerscope-)?stage-(\d+)$/.exec(lower)
  return idx ? parsed.stages[Number(idx[1])] : undefined
}

const normRef = (ref: string): string => {
  let r = ref.trim().replace(/^docker\.io\//, '').replace(/^library\//, '')
  if (!/[:@][^/]*$/.test(r)) r += ':latest'
  return r
}

/** The instructions BuildKit gives a numbered step (metadata-only ones like ENV or CMD get none). */
const STEP_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR'])
const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim()

/**
 * The Dockerfile line a vertex stands for. BuildKit numbers, per stage, the FROM of an image
 * (not of another stage, nor scratch) as step 1, then each RUN, COPY, ADD and WORKDIR; the
 * total tells which of the two it did. A failing "[internal] load metadata for IMAGE" is the
 * FROM line of the first stage built on IMAGE.
 */
export function vertexLine(parsed: ParsedDockerfile, vertexName: string, target?: ParsedStage): number | undefined {
  const step = parseStepName(vertexName)
  if (step) {
    const stage = findStage(parsed, step.stage, target)
    if (!stage) return undefined
    const numbered = stage.instructions.filter((i) => STEP_KEYWORDS.has(i.keyword))
    const fromCounted = step.of === numbered.length + 1
    const keyword = step.text.split(' ', 1)[0]!.toUpperCase()
    if (fromCounted && step.step === 1) return stage.from.range.startLine
    if (fromCounted || step.of === numbered.length) {
      const ins = numbered[step.step - (fromCounted ? 2 : 1)]
      if (ins && ins.keyword === keyword) return ins.range.startLine
    }
    // Counts that do not add up (ONBUILD triggers, a newer BuildKit): match the text instead.
    if (keyword === 'FROM') return stage.from.range.startLine
    const text = collapse(step.text)
    return stage.instructions.find((i) => collapse(i.text) === text)?.range.startLine
  }
  const meta = /^\[internal\] load metadata for (\S+)/.exec(vertexName)
  if (meta) {
    const want = normRef(meta[1]!)
    return parsed.stages.find((s) => s.base !== '' && normRef(s.base) === want)?.from.range.startLine
  }
  return undefined
}

// ── a trace, as it streams ─────────────────────────────────────────────────────────────────

export interface TraceEvents {
  /** A readable log line, like `docker build --progress=plain` without the timing columns. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** A Dockerfile step started (or was found in the cache). */
  onStep?: (step: StepName, vertex: TraceVertex) => void
}

/** Folds the StatusResponse messages of one build into log lines and the failing vertex. */
export class BuildkitTrace {
  private readonly vertexes = new Map<string, TraceVertex>()
  private readonly announced = new Set<string>()
  private readonly finished = new Set<string>()
  /** Unterminated output per vertex and stream, until its newline arrives. */
  private readonly partial = new Map<string, string>()
  /** The first vertex that reported an error. */
  failed?: TraceVertex

  constructor(private readonly events: TraceEvents = {}) {}

  /** One `aux` value of a moby.buildkit.trace message (base64). */
  pushAux(aux: string): void {
    this.push(decodeStatusResponse(Buffer.from(aux, 'base64')))
  }

  push(res: StatusResponse): void {
    for (const v of res.vertexes) {
      const prev = this.vertexes.get(v.digest)
      // Updates repeat the whole vertex; keep what an earlier update said if a later one omits it.
      const cur: TraceVertex = { ...prev, ...v, started: v.started ?? prev?.started, completed: v.completed ?? prev?.completed, error: v.error ?? prev?.error }
      this.vertexes.set(v.digest, cur)
      if (!this.announced.has(v.digest) && (cur.started !== undefined || cur.cached)) {
        this.announced.add(v.digest)
        this.line(cur.cached ? `${cur.name} (cached)` : cur.name, 'stdout')
        const step = parseStepName(cur.name)
        if (step) this.events.onStep?.(step, cur)
      }
      if (cur.completed !== undefined && !this.finished.has(v.digest)) {
        this.finished.add(v.digest)
        this.flush(v.digest)
        if (cur.error) {
          this.failed ??= cur
          this.line(`ERROR: ${cur.name}: ${cur.error}`, 'stderr')
        }
      }
    }
    for (const l of res.logs) {
      const key = `${l.vertex}\0${l.stream}`
      const text = (this.partial.get(key) ?? '') + l.data.toString('utf8')
      const lines = text.split(/\r?\n/)
      this.partial.set(key, lines.pop()!)
      for (const t of lines) this.line(t, l.stream === 2 ? 'stderr' : 'stdout')
    }
  }

  /** Output still waiting for a newline (call when the build ends). */
  end(): void {
    for (const digest of this.vertexes.keys()) this.flush(digest)
  }

  /** The step vertexes seen so far, in the order they appeared. */
  steps(): { step: StepName; vertex: TraceVertex }[] {
    const out: { step: StepName; vertex: TraceVertex }[] = []
    for (const v of this.vertexes.values()) {
      const step = parseStepName(v.name)
      if (step) out.push({ step, vertex: v })
    }
    return out
  }

  private flush(digest: string): void {
    for (const stream of [1, 2]) {
      const key = `${digest}\0${stream}`
      const rest = this.partial.get(key)
      if (rest) this.line(rest, stream === 2 ? 'stderr' : 'stdout')
      this.partial.delete(key)
    }
  }

  private line(text: string, stream: 'stdout' | 'stderr'): void {
    const t = text.replace(/\s+$/, '')
    if (t) this.events.onLine?.(t, stream)
  }
}
