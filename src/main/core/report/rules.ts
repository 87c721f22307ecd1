// CI gate rules: a small documented format parsed here (no YAML library), so a typo or a wrong
// type is reported with its key and line. Three spellings of the same rules are read:
//   .layerscope-ci.json   { "maxSize": "200MB", "minEfficiency": 0.95, ... }
//   .layerscope-ci.yml    maxSize: 200MB          (one `key: value` a line, # comments)
//   .dive-ci              rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB ...
// See docs/ci.md.
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
  /** dive's own rules, checked against dive's figures (waste.dive). */
  lowestEfficiency?: number
  highestWastedBytes?: number
  highestUserWastedPercent?: number
}

export type RuleKey = keyof CiRules

type ValueKind = 'bytes' | 'ratio' | 'growth'

/** Keys a file may use, with what their value must be. `maxGrowth` takes bytes or a percent. */
const KEYS: Record<string, ValueKind> = {
  maxSize: 'bytes',
  minEfficiency: 'ratio',
  maxWastedBytes: 'bytes',
  maxWastedPercent: 'ratio',
  maxGrowth: 'growth',
  maxGrowthBytes: 'bytes',
  maxGrowthPercent: 'ratio',
  lowestEfficiency: 'ratio',
  highestWastedBytes: 'bytes',
  highestUserWastedPercent: 'ratio'
}

export const RULE_FILE_KEYS = Object.keys(KEYS)

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

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
  return d[a.length]![b.length]!
}

function suggestion(key: string): string {
  const best = RULE_FILE_KEYS.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0]!
  return best.d <= Math.max(2, Math.floor(key.length / 4)) ? ` Did you mean "${best.k}"?` : ` Known keys: ${RULE_FILE_KEYS.join(', ')}.`
}

function fail(file: string, line: number, message: string): never {
  throw new LayerscopeError('INVALID_INPUT', `${file}:${line}: ${message}`, { file, line })
}

const EXPECTED: Record<ValueKind, string> = {
  bytes: 'a size like 200MB, 1.5GB, 512MiB or a number of bytes',
  ratio: 'a ratio like 0.95 or a percent like 95%',
  growth: 'a size like 10MB or a percent like 5%'
}

/** Applies one `key: value` to the rules; `disabled` (dive's word) leaves the rule off. */
function apply(rules: CiRules, file: string, line: number, key: string, raw: string | number | boolean | null): void {
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
  } else {
    // maxGrowth: "5%" -> percent; anything else must be bytes.
    if (typeof raw === 'string' && raw.trim().endsWith('%')) rules.maxGrowthPercent = parseRatio(raw) ?? bad()
    else rules.maxGrowthBytes = parseBytes(raw) ?? bad()
  }
}

function unquote(v: string): string {
  const t = v.trim()
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1)
  return t
}

/** The YAML subset of .dive-ci and .layerscope-ci.yml: `key: value` lines, an optional `rules:` section, # comments. */
function parseYamlSubset(text: string, file: string): CiRules {
  const rules: CiRules = {}
  const seen = new Map<string, number>()
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1
    const noComment = rawLine.replace(/(^|\s)#.*$/, '')
    if (noComment.trim() === '') return
    const m = /^(\s*)([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(noComment)
    if (!m) fail(file, line, `expected "key: value", got "${rawLine.trim()}".`)
    const [, , key, value] = m as unknown as [string, string, string, string]
    if (key === 'rules' && value.trim() === '') return // dive's section header
    if (value.trim() === '') fail(file, line, `${key} has no value.`)
    if (seen.has(key)) fail(file, line, `${key} is already set on line ${seen.get(key)}.`)
    seen.set(key, line)
    apply(rules, file, line, key, unquote(value))
  })
  return rules
}

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
  return body.trimStart().startsWith('{') ? parseJsonRules(body, file) : parseYamlSubset(body, file)
}

/** Files looked for in the working directory when no --rules is given, in this order. */
export const DEFAULT_RULE_FILES = ['.layerscope-ci.json', '.layerscope-ci.yml', '.dive-ci']

/** dive's defaults, used when no rules are given at all (so `layerscope ci IMG` gates like `dive --ci`). */
export const DEFAULT_RULES: CiRules = { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 }

export function hasRules(r: CiRules): boolean {
  return Object.values(r).some((v) => v !== undefined)
}
