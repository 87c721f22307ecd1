// CI gate rules, read from three spellings of one set of rules:
//   .layerscope-ci.json   { "maxSize": "200MB", "minEfficiency": 0.95, ... }
//   .layerscope-ci.yml    maxSize: 200MB          (a YAML mapping of rules)
//   .dive-ci              ---\n rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB ...
// YAML is read with the `yaml` package; errors name file:line. dive's rules are read and
// gated as dive reads them (cmd/dive/cli/internal/options/ci.go, command/ci/rules.go): its
// defaults under the file's values, Go's ParseFloat for ratios, go-humanize's ParseBytes for
// sizes, "disabled"/"off"/"false"/"" for off, unknown keys (plugins) ignored. See docs/ci.md.
import { isAlias, isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml'
import { LayerscopeError } from '../errors'

export interface CiRules {
  /** Image size as `docker images` shows it, in bytes. */
  maxSize?: number
  /** Our efficiency (final bytes / layer bytes), 0..1. */
  minEfficiency?: number
  maxWastedBytes?: number
  /** Wasted bytes / layer content bytes, 0..1. */
  maxWastedPercent?: number
  /** Growth against --baseline: absolute bytes, or a ratio of the baseline's size. */
  maxGrowthBytes?: number
  maxGrowthPercent?: number
  /** The growth rules measure against the median of the repository's last N tags instead of --baseline (core/history/growth-baseline.ts). */
  maxGrowthSinceTags?: number
  /** dive's own rules, checked against dive's figures (waste.dive). */
  lowestEfficiency?: number
  highestWastedBytes?: number
  highestUserWastedPercent?: number
}

export type RuleKey = keyof CiRules

type ValueKind = 'bytes' | 'ratio' | 'growth' | 'count'

/** Keys a file may use, with what their value must be. `maxGrowth` takes bytes or a percent. */
const KEYS: Record<string, ValueKind> = {
  maxSize: 'bytes',
  minEfficiency: 'ratio',
  maxWastedBytes: 'bytes',
  maxWastedPercent: 'ratio',
  maxGrowth: 'growth',
  maxGrowthBytes: 'bytes',
  maxGrowthPercent: 'ratio',
  maxGrowthSinceTags: 'count',
  lowestEfficiency: 'ratio',
  highestWastedBytes: 'bytes',
  highestUserWastedPercent: 'ratio'
}

export const RULE_FILE_KEYS = Object.keys(KEYS)

/** dive's rule keys: its config file's kebab-case names and .dive-ci's (legacy) camelCase ones. */
const DIVE_KEYS: Record<string, 'lowestEfficiency' | 'highestWastedBytes' | 'highestUserWastedPercent'> = {
  lowestEfficiency: 'lowestEfficiency',
  'lowest-efficiency': 'lowestEfficiency',
  highestWastedBytes: 'highestWastedBytes',
  'highest-wasted-bytes': 'highestWastedBytes',
  highestUserWastedPercent: 'highestUserWastedPercent',
  'highest-user-wasted-percent': 'highestUserWastedPercent'
}
const isDiveKey = (k: string): boolean => k in DIVE_KEYS

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
}

/** "200MB", "1.5 GB", "512MiB", "1000", 1000 -> bytes (decimal units like docker and dive). */
export function parseBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v)
  if (!m) return undefined
  const unit = m[2]!.toLowerCase()
  const mult = unit === '' ? 1 : UNITS[unit]
  if (mult === undefined) return undefined
  return Math.round(parseFloat(m[1]!) * mult)
}

/** "0.95", 0.95, "95%" -> 0.95. A bare number above 1 is refused (ambiguous: 95 means 95 %?). */
export function parseRatio(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v <= 1 ? v : undefined
  const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v)
  if (pct) {
    const n = parseFloat(pct[1]!) / 100
    return n <= 1 ? n : undefined
  }
  if (!/^\s*\d+(?:\.\d+)?\s*$/.test(v)) return undefined
  const n = parseFloat(v)
  return n <= 1 ? n : undefined
}

/** dive: off when empty, "disabled", "off" or "false" (trimmed, any case). */
export function isDiveDisabled(v: string): boolean {
  const t = v.trim().toLowerCase()
  return t === '' || t === 'disabled' || t === 'off' || t === 'false'
}

/**
 * Go's strconv.ParseFloat(s, 64): decimal with optional sign and exponent, hex floats with a
 * p exponent (underscores allowed only there), inf/infinity/nan; no surrounding space.
 * Overflow is an error (Go: ErrRange). undefined when Go would refuse the text.
 */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(s)) return NaN
  const hex = /^([+-]?)0x((?:[0-9a-f]|_(?=[0-9a-f]))*)(?:\.((?:[0-9a-f]|_(?=[0-9a-f]))*))?p([+-]?\d+)$/i.exec(s)
  if (hex) {
    const int = hex[2]!.replace(/_/g, '')
    const frac = (hex[3] ?? '').replace(/_/g, '')
    if (int === '' && frac === '') return undefined
    let m = 0
    for (const c of int + frac) m = m * 16 + parseInt(c, 16)
    const v = m * 2 ** (Number(hex[4]) - 4 * frac.length)
    return Number.isFinite(v) ? (hex[1] === '-' ? -v : v) : undefined
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined
  const v = Number(s)
  return Number.isFinite(v) ? v : undefined
}

const HUMANIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  p: 1e15,
  pb: 1e15,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
  e: 1e18,
  eb: 1e18,
  ei: 1024 ** 6,
  eib: 1024 ** 6
}

/**
 * go-humanize's ParseBytes (what dive uses for highestWastedBytes): the leading run of digits,
 * dots and commas (commas dropped) is the number, the trimmed rest its unit, any case;
 * decimal k/M/G..., binary Ki/Mi/Gi...; the product truncated to whole bytes.
 */
export function parseHumanizeBytes(s: string): number | undefined {
  const m = /^[\d.,]*/.exec(s)![0]
  const num = m.replace(/,/g, '')
  if (!/^(\d+\.?\d*|\.\d+)$/.test(num)) return undefined
  const unit = HUMANIZE_UNITS[s.slice(m.length).trim().toLowerCase()]
  if (unit === undefined) return undefined
  const v = Number(num) * unit
  return v < 2 ** 64 ? Math.trunc(v) : undefined
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
  return d[a.length]![b.length]!
}

function nearest(key: string): { k: string; d: number } {
  return [...RULE_FILE_KEYS, ...Object.keys(DIVE_KEYS)].map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0]!
}

const closeTo = (key: string, best: { d: number }): boolean => best.d <= Math.max(2, Math.floor(key.length / 4))

function suggestion(key: string): string {
  const best = nearest(key)
  return closeTo(key, best) ? ` Did you mean "${best.k}"?` : ` Known keys: ${RULE_FILE_KEYS.join(', ')}.`
}

function fail(file: string, line: number, message: string): never {
  throw new LayerscopeError('INVALID_INPUT', `${file}:${line}: ${message}`, { file, line })
}

const EXPECTED: Record<ValueKind, string> = {
  bytes: 'a size like 200MB, 1.5GB, 512MiB or a number of bytes',
  ratio: 'a ratio like 0.95 or a percent like 95%',
  growth: 'a size like 10MB or a percent like 5%',
  count: 'a whole number of tags from 1 to 1000, like 10'
}

/**
 * One dive rule as dive reads it. `text` is the value's text as Go's YAML decoder hands it to a
 * string field (the scalar's source, unquoted); off removes the rule.
 */
function applyDive(rules: CiRules, file: string, line: number, key: string, text: string): void {
  const rule = DIVE_KEYS[key]!
  if (isDiveDisabled(text)) {
    delete rules[rule]
    return
  }
  if (rule === 'highestWastedBytes') {
    const v = parseHumanizeBytes(text)
    if (v === undefined) fail(file, line, `${key} must be a size like 20MB, 1.5GB, 512MiB or a number of bytes, or "disabled" (got ${JSON.stringify(text)}).`)
    rules[rule] = v
    return
  }
  const v = parseGoFloat(text)
  if (v === undefined) fail(file, line, `${key} must be a ratio from 0 to 1 like 0.95, or "disabled" (got ${JSON.stringify(text)}).`)
  // dive takes NaN and then never fails; a gate that cannot fail is refused here instead.
  if (Number.isNaN(v) || v < 0 || v > 1) fail(file, line, `${key} must be a ratio from 0 to 1 like 0.95, or "disabled" (got ${JSON.stringify(text)}: outside 0-1).`)
  rules[rule] = v
}

/** Applies one `key: value` to the rules; `disabled` (dive's word) leaves the rule off. */
function apply(rules: CiRules, file: string, line: number, key: string, raw: string | number | boolean | null): void {
  if (isDiveKey(key)) {
    if (typeof raw === 'object' && raw !== null) fail(file, line, `${key} must be a single value (got a list or mapping).`)
    return applyDive(rules, file, line, key, raw === null ? '' : String(raw))
  }
  const kind = KEYS[key]
  if (!kind) fail(file, line, `unknown key "${key}".${suggestion(key)}`)
  if (raw === 'disabled' || raw === null) return
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    fail(file, line, `${key} must be ${EXPECTED[kind]} (got ${JSON.stringify(raw)}).`)
  }
  const bad = (): never => fail(file, line, `${key} must be ${EXPECTED[kind]} (got ${JSON.stringify(raw)}).`)
  if (kind === 'bytes') {
    const v = parseBytes(raw) ?? bad()
    ;(rules as Record<string, number>)[key] = v
  } else if (kind === 'ratio') {
    const v = parseRatio(raw) ?? bad()
    ;(rules as Record<string, number>)[key] = v
  } else if (kind === 'count') {
    const v = Number(raw)
    if (!Number.isInteger(v) || v < 1 || v > 1000 || (typeof raw === 'string' && !/^\s*\d+\s*$/.test(raw))) bad()
    ;(rules as Record<string, number>)[key] = v
  } else {
    // maxGrowth: "5%" -> percent; anything else must be bytes.
    if (typeof raw === 'string' && raw.trim().endsWith('%')) rules.maxGrowthPercent = parseRatio(raw) ?? bad()
    else rules.maxGrowthBytes = parseBytes(raw) ?? bad()
  }
}

const lineOf = (lc: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): number =>
  node?.range ? lc.linePos(node.range[0]).line : 1

/** A YAML mapping's `key: value` pairs with their lines; duplicates refused (yaml.v3 refuses them too). */
function pairsOf(doc: Document, map: Node, lc: LineCounter, file: string): Array<{ key: string; line: number; value: Node | null }> {
  if (!isMap(map)) fail(file, lineOf(lc, map), `expected a mapping of rules ("key: value" lines).`)
  const seen = new Map<string, number>()
  const out: Array<{ key: string; line: number; value: Node | null }> = []
  for (const p of map.items as Array<Pair<unknown, unknown>>) {
    const k = p.key as Node | null
    const line = lineOf(lc, k)
    if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) fail(file, line, 'expected a rule name before the ":".')
    const key = String(k.value)
    if (seen.has(key)) fail(file, line, `${key} is already set on line ${seen.get(key)}.`)
    seen.set(key, line)
    let value = p.value as Node | null
    if (isAlias(value)) value = (value.resolve(doc) as Node | undefined) ?? null
    out.push({ key, line, value })
  }
  return out
}

/** The value's text as Go's YAML decoder gives it to a string field; null for YAML null. */
function scalarText(value: Node | null, file: string, line: number, key: string): string | null {
  if (value === null) return null
  if (!isScalar(value)) fail(file, line, `${key} must be a single value (got a list or mapping).`)
  if (value.value === null) return null
  return value.source ?? String(value.value)
}

function scalarValue(value: Node | null, file: string, line: number, key: string): string | number | boolean | null {
  if (value === null) return null
  if (!isScalar(value)) fail(file, line, `${key} must be ${EXPECTED[KEYS[key] ?? 'bytes']} (got a list or mapping).`)
  const v = value.value
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v)
}

/** YAML rules: dive's layout (a `rules:` mapping, or any .dive-ci) or a flat mapping of our keys. */
function parseYamlRules(text: string, file: string): CiRules {
  const lc = new LineCounter()
  // The first document only, as Go's yaml.Unmarshal reads it; duplicate keys are checked below with both lines.
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false })
  const doc = (Array.isArray(docs) ? docs[0] : undefined) as Document | undefined
  const empty = !doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.errors.length === 0)
  if (empty) return isDiveFile(file) ? { ...DEFAULT_RULES } : {}
  const err = doc!.errors[0]
  if (err) {
    const line = lc.linePos(err.pos[0]).line
    const src = text.split(/\r?\n/)[line - 1]?.trim() ?? ''
    if (src !== '' && !src.includes(':')) fail(file, line, `expected "key: value", got "${src}".`)
    fail(file, line, `not valid YAML: ${err.message.split('\n')[0]}`)
  }
  const root = doc!.contents as Node
  if (isScalar(root)) {
    const line = lineOf(lc, root)
    fail(file, line, `expected "key: value", got "${text.split(/\r?\n/)[line - 1]?.trim() ?? ''}".`)
  }
  const top = pairsOf(doc!, root, lc, file)
  const rulesPair = top.find((p) => p.key === 'rules')
  if (!rulesPair && !isDiveFile(file)) {
    // Flat .layerscope-ci.yml: every key must be a rule.
    const rules: CiRules = {}
    for (const p of top) {
      if (isDiveKey(p.key)) applyDive(rules, file, p.line, p.key, scalarText(p.value, file, p.line, p.key) ?? '')
      else apply(rules, file, p.line, p.key, scalarValue(p.value, file, p.line, p.key))
    }
    return rules
  }
  // dive's layout: dive's defaults, then the file's rules; other top-level keys are dive's (plugins, ci, ...).
  for (const p of top) {
    if (p.key !== 'rules' && (isDiveKey(p.key) || p.key in KEYS)) {
      if (isDiveKey(p.key)) applyDive({}, file, p.line, p.key, scalarText(p.value, file, p.line, p.key) ?? '')
      fail(file, p.line, `${p.key} must be under "rules:" (dive reads rules only there and would ignore this line).`)
    }
  }
  const rules: CiRules = { ...DEFAULT_RULES }
  if (!rulesPair || rulesPair.value === null || (isScalar(rulesPair.value) && rulesPair.value.value === null)) return rules
  const entries = pairsOf(doc!, rulesPair.value, lc, file)
  // camelCase wins over kebab-case when a file has both (dive's PostLoad order).
  const ordered = [...entries.filter((e) => e.key.includes('-')), ...entries.filter((e) => !e.key.includes('-'))]
  for (const e of ordered) {
    if (isDiveKey(e.key)) {
      const t = scalarText(e.value, file, e.line, e.key)
      // YAML null leaves dive's default (Go's decoder does not touch the field).
      if (t !== null) applyDive(rules, file, e.line, e.key, t)
    } else if (e.key in KEYS) {
      apply(rules, file, e.line, e.key, scalarValue(e.value, file, e.line, e.key))
    } else if (!e.key.includes('/') && closeTo(e.key, nearest(e.key))) {
      // dive ignores unknown keys; a near miss of a rule name is a typo worth stopping for.
      fail(file, e.line, `unknown key "${e.key}".${suggestion(e.key)}`)
    }
    // Anything else (plugin rules such as plugin1/rule1) is dive's and ignored, as dive does.
  }
  return rules
}

const isDiveFile = (file: string): boolean => /(^|[\\/])\.dive-ci$/.test(file)

/** The line a JSON key is written on, for messages (first occurrence). */
function jsonLineOf(text: string, key: string): number {
  const idx = text.indexOf(JSON.stringify(key))
  return idx < 0 ? 1 : text.slice(0, idx).split('\n').length
}

function parseJsonRules(text: string, file: string): CiRules {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    const pos = /position (\d+)/.exec(String(e))
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1
    fail(file, line, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(file, 1, 'expected a JSON object of rules.')
  let obj = data as Record<string, unknown>
  // {"rules": {...}} is accepted too, like the .dive-ci layout.
  if (obj.rules && typeof obj.rules === 'object' && !Array.isArray(obj.rules) && Object.keys(obj).length === 1) obj = obj.rules as Record<string, unknown>
  const rules: CiRules = {}
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$schema' || key === 'description') continue
    const line = jsonLineOf(text, key)
    if (typeof value === 'object' && value !== null) fail(file, line, `${key} must be ${EXPECTED[KEYS[key] ?? 'bytes']} (got an object).`)
    apply(rules, file, line, key, value as string | number | boolean | null)
  }
  return rules
}

/** Parses a rules file's text; `file` names it in messages. JSON when it starts with "{". */
export function parseRules(text: string, file: string): CiRules {
  const body = text.replace(/^\uFEFF/, '')
  return body.trimStart().startsWith('{') ? parseJsonRules(body, file) : parseYamlRules(body, file)
}

/** Files looked for in the working directory when no --rules is given, in this order. */
export const DEFAULT_RULE_FILES = ['.layerscope-ci.json', '.layerscope-ci.yml', '.dive-ci']

/** dive's defaults, used when no rules are given at all (so `layerscope ci IMG` gates like `dive --ci`). */
export const DEFAULT_RULES: CiRules = { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 }

export function hasRules(r: CiRules): boolean {
  return Object.values(r).some((v) => v !== undefined)
}
