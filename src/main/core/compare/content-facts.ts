// What a byte count cannot show, with one example each, for the sentence: same-size content
// edits, moves and mode/owner-only changes.
import { firstDiffering, type FsDiff } from './fs-diff'
import type { SentenceInput } from './sentence'

export function contentFacts(diff: FsDiff): Pick<SentenceInput, 'sameSize' | 'moved' | 'metadata'> {
  const f = diff.files
  const out: Pick<SentenceInput, 'sameSize' | 'moved' | 'metadata'> = {}
  const sameSize = f.changed.sameSize ?? 0
  if (sameSize > 0) {
    out.sameSize = { count: sameSize, example: firstDiffering(diff.root, (n) => n.kindA === 'file' && n.kindB === 'file' && n.sizeA === n.sizeB && !n.metaOnly)?.path }
  }
  if (f.moved.count > 0) out.moved = { count: f.moved.count, example: f.moved.paths[0] && { from: f.moved.paths[0].from, to: f.moved.paths[0].to } }
  if (f.metadata.count > 0) out.metadata = { count: f.metadata.count, example: firstDiffering(diff.root, (n) => !!n.metaOnly)?.path }
  return out
}
