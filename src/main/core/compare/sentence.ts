// The one plain sentence a person reads first: "multi is 4.9x smaller than single: -852 MB;
// the biggest parts: /usr/lib -400 MB, /app/node_modules -140 MB".
import type { ImageIdentity, ImageSource } from '../../../shared/models/analysis'
import type { Contributor } from '../../../shared/models/compare'
import { formatBytes, formatCount, formatDelta, formatPercent, formatRatio, shortId } from '../../../shared/format'
import { imageName, imagePlatform } from '../../../shared/image-source'

/** "repo:tag" -> [repo, tag]; a registry port ("host:5000/x") is not a tag. */
function splitRef(ref: string): [string, string | undefined] {
  const at = ref.lastIndexOf(':')
  if (at > ref.lastIndexOf('/') && at > 0) return [ref.slice(0, at), ref.slice(at + 1)]
  return [ref, undefined]
}

/**
 * Short labels for the two sides: each image's one name (imageName, as on every screen and in
 * reports), shortened to just the tags when both share a repository.
 */
export function sideLabels(
  a: { source: ImageSource; image: ImageIdentity },
  b: { source: ImageSource; image: ImageIdentity }
): { a: string; b: string } {
  const na = imageName(a)
  const nb = imageName(b)
  if (na === nb) {
    // One multi-platform archive against itself: the platform is what tells the sides apart.
    const pa = imagePlatform(a.image)
    const pb = imagePlatform(b.image)
    if (pa && pb && pa !== pb) return { a: `${na} (${pa})`, b: `${nb} (${pb})` }
    return { a: `A (${na})`, b: `B (${nb})` }
  }
  const [ra, ta] = splitRef(na)
  const [rb, tb] = splitRef(nb)
  if (a.source.kind === b.source.kind && a.source.kind !== 'archive' && ra === rb && ta && tb) return { a: ta, b: tb }
  return { a: na, b: nb }
}

export interface SentenceInput {
  labels: { a: string; b: string }
  sizeA: number
  sizeB: number
  sameImage: boolean
  imageId: string
  contributors: readonly Contributor[]
  differingEntries: number
  /** Bytes that moved at all (sum of |size B - size A| over differing entries). */
  churn?: number
  /** Content changes no size shows: same-size edits, moves, mode/owner-only changes (each with one example). */
  sameSize?: { count: number; example?: string }
  moved?: { count: number; example?: { from: string; to: string } }
  metadata?: { count: number; example?: string }
}

/** "2 files changed content at the same size (/etc/app.conf, …)", moves and mode/owner changes. */
function contentFacts(x: SentenceInput): string[] {
  const out: string[] = []
  const eg = (n: number, s?: string): string => (s ? ` (${s}${n > 1 ? ', …' : ''})` : '')
  if (x.sameSize && x.sameSize.count > 0) out.push(`${formatCount(x.sameSize.count, 'file')} changed content at the same size${eg(x.sameSize.count, x.sameSize.example)}`)
  if (x.moved && x.moved.count > 0) {
    const e = x.moved.example
    out.push(`${formatCount(x.moved.count, 'file')} moved${eg(x.moved.count, e ? `${e.from} -> ${e.to}` : undefined)}`)
  }
  if (x.metadata && x.metadata.count > 0) out.push(`${formatCount(x.metadata.count, 'file')} changed only mode or owner${eg(x.metadata.count, x.metadata.example)}`)
  return out
}

export function compareSentence(x: SentenceInput): string {
  const { a, b } = x.labels
  if (x.sameImage) return `${a} and ${b} are the same image (${shortId(x.imageId)}): no difference.`
  const delta = x.sizeB - x.sizeA
  let head: string
  if (delta === 0) {
    head = `${b} is the same size as ${a} (${formatBytes(x.sizeA)})`
  } else {
    const smaller = delta < 0
    const big = Math.max(x.sizeA, x.sizeB)
    const small = Math.min(x.sizeA, x.sizeB)
    const ratio = small > 0 ? big / small : Infinity
    const how = ratio >= 1.1 ? formatRatio(ratio) : formatPercent(Math.abs(delta) / (x.sizeA || 1), 0)
    head = `${b} is ${how} ${smaller ? 'smaller' : 'bigger'} than ${a}: ${formatDelta(delta)}`
  }
  const parts = x.contributors
    .filter((c) => c.delta !== 0)
    .slice()
    .sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta))
    .slice(0, 3)
  const facts = contentFacts(x)
  const tail = facts.length > 0 ? `; ${facts.join('; ')}` : ''
  if (parts.length > 0) {
    return `${head}; the biggest parts: ${parts.map((c) => `${c.path} ${formatDelta(c.delta)}`).join(', ')}${tail}`
  }
  if (facts.length > 0) return `${head}${tail}`
  if (x.differingEntries > 0 && (x.churn ?? 0) === 0) return `${head}; ${x.differingEntries} entries differ without changing any bytes`
  if (x.differingEntries > 0) return `${head}; ${x.differingEntries} entries differ`
  return delta === 0 ? `${head}; the final filesystems hold the same entries` : head
}
