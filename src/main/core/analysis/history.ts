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
      createdBy: cleanCreatedBy(raw) || h.comment || '',
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

/**
 * The engine's /history (newest first) lacks empty_layer; a layer of 0 bytes and an ENV step
 * look alike. Steps with bytes make layers; among the rest, the ones that are not "#(nop)"
 * metadata (or are ADD/COPY) make layers, oldest first, until the count matches.
 */
export function historyFromEngine(entries: Array<{ Created?: number; CreatedBy?: string; Comment?: string; Size?: number }>, layerCount: number): RawHistory[] {
  const oldestFirst = [...entries].reverse()
  const makes = oldestFirst.map((e) => (e.Size ?? 0) > 0)
  let n = makes.filter(Boolean).length
  const looksLikeLayer = (s: string): boolean => {
    const nop = /#\(nop\)\s*(\S+)/.exec(s)
    if (nop) return nop[1] === 'ADD' || nop[1] === 'COPY'
    return !/^(ENV|CMD|ENTRYPOINT|LABEL|EXPOSE|USER|WORKDIR|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ARG|ONBUILD|MAINTAINER)\b/.test(s.trim())
  }
  for (let i = 0; i < oldestFirst.length && n < layerCount; i++) {
    if (!makes[i] && looksLikeLayer(oldestFirst[i]!.CreatedBy ?? '')) {
      makes[i] = true
      n++
    }
  }
  return oldestFirst.map((e, i) => ({
    created: e.Created ? new Date(e.Created * 1000).toISOString() : undefined,
    created_by: e.CreatedBy ?? '',
    comment: e.Comment || undefined,
    empty_layer: !makes[i]
  }))
}
