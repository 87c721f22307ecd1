// History `created_by` <-> Dockerfile lines. The image built for a stage carries the history of
// its FROM chain: the base image's steps, then one step per instruction of each stage in the
// chain (the legacy builder also records ARG; BuildKit does not), maybe a trailing LABEL from
// `--label`. We align the two sequences from the end, like a diff, so extra or missing steps
// on either side cost nothing and each match says how sure it is.
import type { LayerLineLink } from '../../../shared/models/dockerfile'
import { copySourcesAndDest, stageLabel, type ParsedDockerfile, type ParsedInstruction, type ParsedStage } from './parser'
import { fromChain } from './stage-graph'

export interface HistoryEntry {
  createdBy: string
  /** Bytes the step added (history Size). */
  size: number
  emptyLayer?: boolean
  layerIndex?: number
}

export interface StepText {
  keyword: string
  /** Whitespace-collapsed text after the keyword. */
  body: string
  /** COPY/ADD destination, when the step says it. */
  dest?: string
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim()
const METADATA = new Set(['ENV', 'CMD', 'LABEL', 'EXPOSE', 'USER', 'ENTRYPOINT', 'ARG', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'VOLUME', 'ONBUILD', 'MAINTAINER'])

/** A history created_by (legacy builder or BuildKit) -> keyword and text. */
export function parseCreatedBy(createdBy: string): StepText {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '')
  if (s === '') return { keyword: '', body: '' }
  // RUN with build args in scope: "|2 A=1 B=2 /bin/sh -c cmd"
  s = s.replace(/^\|\d+ (?:\S+=\S* )*/, '')
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s)
  if (nop) s = nop[1]!
  else if (s.startsWith('/bin/sh -c ')) return { keyword: 'RUN', body: collapse(s.slice('/bin/sh -c '.length)) }
  const m = /^([A-Z]+)\s*(.*)$/s.exec(s)
  if (!m) return { keyword: 'RUN', body: collapse(s) }
  const keyword = m[1]!
  let body = collapse(m[2]!)
  if (keyword === 'RUN') {
    body = body.replace(/^\|\d+ (?:\S+=\S* )*/, '').replace(/^\/bin\/sh -c /, '')
    return { keyword, body }
  }
  if (keyword === 'COPY' || keyword === 'ADD') {
    const legacy = /^(?:file|dir|multi):[0-9a-f]+ in (.+)$/.exec(body)
    if (legacy) return { keyword, body, dest: legacy[1]!.trim() }
    const parts = body.split(' ')
    return { keyword, body, dest: parts[parts.length - 1] }
  }
  return { keyword, body }
}

/** What an instruction should look like in history. */
export function instructionStep(ins: ParsedInstruction): StepText {
  const afterKeyword = collapse(ins.text.slice(ins.text.search(/\s|$/)))
  const withoutFlags = afterKeyword.replace(/^(--\S+\s*)+/, '')
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    return { keyword: ins.keyword, body: withoutFlags, dest: copySourcesAndDest(ins).dest }
  }
  if (ins.keyword === 'RUN' && ins.heredocs.length > 0) {
    return { keyword: 'RUN', body: collapse(ins.heredocs.map((h) => h.content).join('\n')) }
  }
  return { keyword: ins.keyword, body: withoutFlags }
}

const normJsonish = (s: string): string => s.replace(/[[\]",\s]/g, '')

/** 3 = same step for sure, 1 = same kind of step, 0 = cannot be the same step. */
export function matchScore(h: StepText, i: StepText): number {
  if (h.keyword === '' || h.keyword !== i.keyword) return 0
  if (h.keyword === 'COPY' || h.keyword === 'ADD') {
    return h.dest !== undefined && i.dest !== undefined && h.dest.replace(/\/$/, '') === i.dest.replace(/\/$/, '') ? 3 : 1
  }
  if (h.keyword === 'RUN') {
    if (h.body === i.body || (h.body !== '' && i.body !== '' && (h.body.includes(i.body) || i.body.includes(h.body)))) return 3
    return 1
  }
  if (h.keyword === 'CMD' || h.keyword === 'ENTRYPOINT' || h.keyword === 'SHELL') {
    return normJsonish(h.body) === normJsonish(i.body) ? 3 : 1
  }
  if (h.keyword === 'ENV' || h.keyword === 'LABEL' || h.keyword === 'ARG') {
    const keys = (b: string): string => b.split(' ').map((kv) => kv.split('=')[0]).join(' ')
    return h.body === i.body ? 3 : keys(h.body) === keys(i.body) ? 2 : 1
  }
  return h.body === i.body ? 3 : 1
}

/** Whether a step makes a layer, when the source does not say (engine history API). */
export function guessEmptyLayer(createdBy: string): boolean {
  return METADATA.has(parseCreatedBy(createdBy).keyword)
}

export function linkLayersToLines(parsed: ParsedDockerfile, stage: ParsedStage, history: HistoryEntry[]): LayerLineLink[] {
  const chain = fromChain(parsed, stage)
  const steps: { ins: ParsedInstruction; stage: ParsedStage; step: StepText }[] = []
  for (const s of chain) for (const ins of s.instructions) steps.push({ ins, stage: s, step: instructionStep(ins) })
  const hist = history.map((h) => parseCreatedBy(h.createdBy))

  // Weighted LCS on the reversed sequences, so ties resolve toward the newest history entries.
  const n = hist.length
  const m = steps.length
  const H = (k: number): StepText => hist[n - 1 - k]!
  const S = (k: number): StepText => steps[m - 1 - k]!.step
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let a = n - 1; a >= 0; a--) {
    for (let b = m - 1; b >= 0; b--) {
      const sc = matchScore(H(a), S(b))
      dp[a]![b] = Math.max(dp[a + 1]![b]!, dp[a]![b + 1]!, sc > 0 ? sc + dp[a + 1]![b + 1]! : 0)
    }
  }
  const matchOf = new Map<number, { k: number; score: number }>()
  let a = 0
  let b = 0
  while (a < n && b < m) {
    const sc = matchScore(H(a), S(b))
    if (sc > 0 && dp[a]![b] === sc + dp[a + 1]![b + 1]!) {
      matchOf.set(n - 1 - a, { k: m - 1 - b, score: sc })
      a++
      b++
    } else if (dp[a]![b] === dp[a + 1]![b]) a++
    else b++
  }
  // Entries older than the first matched one belong to the base image.
  const matched = [...matchOf.keys()]
  const firstMatched = matched.length > 0 ? Math.min(...matched) : n
  const root = chain[0]!
  return history.map((h, historyIndex) => {
    const common = { historyIndex, layerIndex: h.layerIndex, createdBy: h.createdBy, size: h.size, emptyLayer: h.emptyLayer }
    const hit = matchOf.get(historyIndex)
    if (hit) {
      const st = steps[hit.k]!
      return { ...common, stage: stageLabel(st.stage), line: st.ins.range.startLine, confidence: hit.score >= 3 ? 'exact' : 'likely' }
    }
    if (historyIndex < firstMatched && root.base !== 'scratch') {
      return { ...common, stage: root.base, line: root.from.range.startLine, confidence: 'likely' }
    }
    return { ...common, stage: stageLabel(stage), confidence: 'none' }
  })
}

/** Engine history (newest first, as the API returns it) -> entries oldest first with layer indexes. */
export function historyFromEngine(apiHistory: { CreatedBy: string; Size: number }[], layerCount: number): HistoryEntry[] {
  const entries = [...apiHistory].reverse().map((h) => ({ createdBy: h.CreatedBy, size: h.Size, emptyLayer: h.Size === 0 && guessEmptyLayer(h.CreatedBy) }))
  const layers = entries.filter((e) => !e.emptyLayer).length
  // Only trust our layer numbering when it accounts for every layer of the image.
  if (layers !== layerCount) return entries.map((e) => ({ createdBy: e.createdBy, size: e.size }))
  let li = 0
  return entries.map((e) => (e.emptyLayer ? e : { ...e, layerIndex: li++ }))
}
