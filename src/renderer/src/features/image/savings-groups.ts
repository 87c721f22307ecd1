// Savings split by who can act on them: bytes your own layers added come first (your
// Dockerfile can fix them), then what the base image brings (a slimmer base fixes those).
import type { ImageAnalysis, SavingsCandidate } from '../../../../shared/models/analysis'

export interface SavingsGroup {
  id: 'own' | 'base'
  candidates: SavingsCandidate[]
  /** Sum of the candidates' bytes that came from this group's layers. */
  bytes: number
}

export interface BaseFacts {
  ref?: string
  layers: number
  /** Content bytes of the base image's layers, as measured in this image. */
  bytes: number
}

/** Bytes of a candidate that base layers added. */
function baseBytes(c: SavingsCandidate, isBase: (i: number) => boolean): number {
  return c.layers.reduce((s, l) => s + (isBase(l.layerIndex) ? l.bytes : 0), 0)
}

export function groupSavings(a: Pick<ImageAnalysis, 'layers' | 'savings'>): SavingsGroup[] {
  const isBase = (i: number): boolean => a.layers[i]?.isBase === true
  const own: SavingsGroup = { id: 'own', candidates: [], bytes: 0 }
  const base: SavingsGroup = { id: 'base', candidates: [], bytes: 0 }
  for (const c of a.savings?.candidates ?? []) {
    const fromBase = baseBytes(c, isBase)
    // A candidate goes where most of its bytes came from; each keeps its own order (largest first).
    const g = fromBase * 2 > c.bytes ? base : own
    g.candidates.push(c)
    g.bytes += c.bytes
  }
  return [own, base].filter((g) => g.candidates.length > 0)
}

export function baseFacts(a: Pick<ImageAnalysis, 'layers' | 'base'>): BaseFacts | undefined {
  const layers = a.layers.filter((l) => l.isBase)
  if (layers.length === 0) return undefined
  return { ref: a.base?.ref, layers: layers.length, bytes: layers.reduce((s, l) => s + l.contentBytes, 0) }
}
