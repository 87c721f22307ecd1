// History steps joined to layers, with created_by cleaned for display and the raw text kept.
import type { HistoryStep } from '../../../shared/models/analysis'

/**
 * "/bin/sh -c #(nop)  ENV A=b" -> "ENV A=b"; "|2 A=1 B=2 /bin/sh -c make" -> "RUN make";
 * "/bin/sh -c make" -> "RUN make"; "RUN /bin/sh -c make # buildkit" -> "RUN make".
 */
export function cleanCreatedBy(raw: string): string {
  let s = raw.trim()
  let run = false
  if (s.startsWith('RUN ')) {
    run = true
    s = s.slice(4).trimStart()
  }
  // Build args the step saw: "|N k=v k=v ..." before the command.
  const m = /^\|(\d+)\s+/.exec(s)
  if (m) {
    s = s.slice(m[0].length)
    const n = Number(m[1])
    // Values may hold spaces (they are not quoted): cut at the shell when there is one.
    const sh = s.indexOf('/bin/sh -c ')
    if (sh >= 0) s = s.slice(sh)
    else for (let i = 0; i < n; i++) {
      const t = /^\S+\s*/.exec(s)
      if (!t) break
      s = s.slice(t[0].length)
    }
    run = true
  }
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(s)
  if (nop) return s.slice(nop[0].length).trim()
  const sh = /^\/bin\/sh -c\s+/.exec(s)
  if (sh) {
    s = s.slice(sh[0].length)
    run = true
  }
  s = s.replace(/\s+# buildkit$/, '')
  return run ? `RUN ${s}` : s
}

export interface RawHistory {
  created?: string
  created_by?: string
  comment?: string
  empty_layer?: boolean
}

/**
 * Joins history to layers: each non-empty step takes the next layer. When the history has
 * fewer non-empty steps than there are layers (hand-made images), the extra layers get a
 * synthetic step so every layer still has one.
 */
export function joinHistory(history: RawHistory[], layerCount: number, engineSizes?: number[]): { steps: HistoryStep[]; stepOfLayer: number[] } {
  const steps: HistoryStep[] = []
  const stepOfLayer: number[] = []
  let layer = 0
  history.forEach((h, i) => {
    const raw = h.created_by ?? ''
    const empty = h.empty_layer === true || layer >= layerCount
    const step: HistoryStep = {
      index: i,
      // `docker import` leaves created_by empty and says what happened in the comment.
      createdBy: cleanCreatedBy(raw) || importWords(h.comment) || '',
      createdByRaw: raw,
      emptyLayer: empty
    }
    if (h.created) step.created = h.created
    if (h.comment) step.comment = h.comment
    if (engineSizes && engineSizes[i] !== undefined) step.engineSize = engineSizes[i]
    if (!empty) {
      step.layerIndex = layer
      stepOfLayer[layer] = i
      layer++
    }
    steps.push(step)
  })
  while (layer < layerCount) {
    steps.push({ index: steps.length, createdBy: '(no history)', createdByRaw: '', emptyLayer: false, layerIndex: layer })
    stepOfLayer[layer] = steps.length - 1
    layer++
  }
  return { steps, stepOfLayer }
}

/** A created_by (legacy builder or BuildKit) as keyword and text, for matching steps to Dockerfile lines. */
export interface StepText {
  keyword: string
  /** Whitespace-collapsed text after the keyword. */
  body: string
  /** COPY/ADD destination, when the step says it. */
  dest?: string
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim()

/** Steps that only change the config: they never make a layer, in either builder. */
export const METADATA_KEYWORDS: ReadonlySet<string> = new Set(['ENV', 'CMD', 'LABEL', 'EXPOSE', 'USER', 'ENTRYPOINT', 'ARG', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'VOLUME', 'ONBUILD', 'MAINTAINER'])

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

/**
 * How likely a step of 0 bytes is to have made a layer (a diff of only folders or empty files
 * has 0 bytes; builders differ on empty diffs). Measured on Docker 20.10
 * (core/dockerfile/engine-history.int.test.ts): BuildKit gives every RUN/COPY/ADD a layer,
 * even one that changes nothing, and a WORKDIR one unless it is `/`; the legacy builder drops
 * a RUN that changes nothing and gives a WORKDIR that makes its folder a layer.
 * 0 never (config only) < 1 WORKDIR / < 2 RUN (legacy) < 3 WORKDIR < 4 COPY/ADD (legacy) < 5 BuildKit RUN/COPY/ADD.
 */
export function zeroByteLayerLikelihood(createdBy: string): number {
  const { keyword: k, body } = parseCreatedBy(createdBy)
  if (METADATA_KEYWORDS.has(k)) return 0
  if (k === 'WORKDIR') return body === '/' ? 1 : 3
  if (/# buildkit\s*$/.test(createdBy) && (k === 'RUN' || k === 'COPY' || k === 'ADD')) return 5
  if (k === 'COPY' || k === 'ADD') return 4
  return 2
}

export interface LayerAssignment {
  /** Per step, oldest first: whether it made a layer. */
  makes: boolean[]
  /** True when the steps account for every layer without a guess. */
  exact: boolean
}

/**
 * Which steps made the image's layers, from what the engine's /history tells (oldest first):
 * steps with bytes make one; config-only steps never do; of the 0-byte steps, as many as the
 * layer count still needs, most likely first (then oldest; see zeroByteLayerLikelihood). `layersAfter[i]`, when known (the
 * layer count of a local step image, legacy builds), pins the count up to step i exactly.
 */
export function assignLayers(steps: Array<{ createdBy: string; size: number }>, layerCount: number, layersAfter: Array<number | undefined> = []): LayerAssignment {
  const makes = steps.map((s) => s.size > 0)
  let exact = true
  // Segments end at each pinned step (and at the end with the image's own count).
  const ends: Array<{ at: number; count: number }> = []
  layersAfter.forEach((c, i) => {
    if (c !== undefined && i < steps.length) ends.push({ at: i, count: c })
  })
  ends.push({ at: steps.length - 1, count: layerCount })
  let from = 0
  let before = 0
  for (const end of ends) {
    const idx = Array.from({ length: end.at - from + 1 }, (_, k) => from + k)
    let need = end.count - before - idx.filter((i) => makes[i]).length
    const candidates = idx
      .filter((i) => !makes[i] && zeroByteLayerLikelihood(steps[i]!.createdBy) > 0)
      .sort((a, b) => zeroByteLayerLikelihood(steps[b]!.createdBy) - zeroByteLayerLikelihood(steps[a]!.createdBy) || a - b)
    // Exact when no choice is left to chance: none is needed, all are, or the need ends exactly
    // where one likelihood gives way to a lower one.
    const cut = need > 0 && need < candidates.length
    if (need < 0 || need > candidates.length || (cut && zeroByteLayerLikelihood(steps[candidates[need - 1]!]!.createdBy) === zeroByteLayerLikelihood(steps[candidates[need]!]!.createdBy))) {
      exact = false
    }
    for (const i of candidates) {
      if (need <= 0) break
      makes[i] = true
      need--
    }
    before = end.count
    from = end.at + 1
  }
  return { makes, exact }
}

/** The fields of an engine /history entry that the layer rule and the history read. */
export interface EngineStep {
  Created?: number
  CreatedBy?: string
  Comment?: string
  Size?: number
}

/**
 * The engine's /history (newest first) lacks empty_layer: which steps made layers is worked
 * out by assignLayers (bytes, step kind, the layer count), the one rule analysis and the
 * Dockerfile links share. The steps come back oldest first, with that rule's answer for each.
 */
export function engineLayerSteps<E extends EngineStep>(entries: E[], layerCount: number, layersAfter?: Array<number | undefined>): LayerAssignment & { oldestFirst: E[] } {
  const oldestFirst = [...entries].reverse()
  const assigned = assignLayers(
    oldestFirst.map((e) => ({ createdBy: e.CreatedBy ?? '', size: e.Size ?? 0 })),
    layerCount,
    layersAfter
  )
  return { ...assigned, oldestFirst }
}

/** The engine's /history as config history (oldest first), empty_layer from engineLayerSteps. */
export function historyFromEngine(entries: EngineStep[], layerCount: number, layersAfter?: Array<number | undefined>): RawHistory[] {
  const { oldestFirst, makes } = engineLayerSteps(entries, layerCount, layersAfter)
  return oldestFirst.map((e, i) => ({
    created: e.Created ? new Date(e.Created * 1000).toISOString() : undefined,
    created_by: e.CreatedBy ?? '',
    comment: e.Comment || undefined,
    empty_layer: !makes[i]
  }))
}

/** `docker import`'s comment in words: "Imported from -" means it read a tar from standard input. */
export function importWords(comment: string | undefined): string | undefined {
  if (!comment) return comment
  const m = /^Imported from (.+)$/.exec(comment.trim())
  if (!m) return comment
  return m[1] === '-' ? 'Imported from a tar stream (docker import)' : `Imported from ${m[1]} (docker import)`
}
