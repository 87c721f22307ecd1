// History `created_by` <-> Dockerfile lines. The image built for a stage carries the history of
// its FROM chain: the base image's steps, then one step per instruction of each stage in the
// chain (the legacy builder also records ARG; BuildKit does not), maybe a trailing LABEL from
// `--label`. We align the two sequences from the end, like a diff, so extra or missing steps
// on either side cost nothing and each match says how sure it is.
import type { LayerLineLink } from '../../../shared/models/dockerfile'
import { engineLayerSteps, METADATA_KEYWORDS, parseCreatedBy, type EngineStep, type StepText } from '../analysis/history'
import { copySourcesAndDest, stageLabel, type ParsedDockerfile, type ParsedInstruction, type ParsedStage } from './parser'
import { fromChain } from './stage-graph'

export interface HistoryEntry {
  createdBy: string
  /** Bytes the step added (history Size). */
  size: number
  emptyLayer?: boolean
  layerIndex?: number
}

export type { StepText }
export { parseCreatedBy }

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim()

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

/** Whether a step only changes the config (never a layer, in either builder). */
export function guessEmptyLayer(createdBy: string): boolean {
  return METADATA_KEYWORDS.has(parseCreatedBy(createdBy).keyword)
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

/**
 * Engine history (newest first, as the API returns it) -> entries oldest first, with layer
 * indexes only when the one layer rule (analysis/history.ts engineLayerSteps) is exact for them.
 */
export function historyFromEngine(apiHistory: EngineStep[], layerCount: number, layersAfter?: Array<number | undefined>): HistoryEntry[] {
  const { oldestFirst, makes, exact } = engineLayerSteps(apiHistory, layerCount, layersAfter)
  let li = 0
  return oldestFirst.map((h, i) => {
    const entry: HistoryEntry = { createdBy: h.CreatedBy ?? '', size: h.Size ?? 0 }
    if (!exact) return entry
    return makes[i] ? { ...entry, emptyLayer: false, layerIndex: li++ } : { ...entry, emptyLayer: true }
  })
}
