// The events of one open, in the order a front can rely on: progress as it comes; the image
// preview once (layers, history, claimed sizes); then each layer's "read" exactly once, never
// before the preview (a layer read before the history answered waits for it); nothing after
// close(). Preview and layer-read events carry the latest progress, so a bar never goes back.
import type { ImagePreview, JobProgress } from '../../../shared/models/analysis'

type Progress = Omit<JobProgress, 'jobId'>

export class OpenEvents {
  private last: Progress = { phase: 'preparing', bytesDone: 0 }
  private sent = false
  private closed = false
  /** Diff IDs read before the preview went out. */
  private early: string[] = []
  private readonly read = new Set<number>()
  private indexOf = new Map<string, number[]>()

  constructor(private readonly emit?: (p: Progress) => void) {}

  progress(p: Progress): void {
    this.last = p
    if (!this.closed) this.emit?.(p)
  }

  /** Sends the preview (once); layers it marks cached are read already. */
  preview(p: ImagePreview): void {
    if (this.sent || this.closed) return
    this.sent = true
    for (const l of p.layers) {
      const at = this.indexOf.get(l.diffId)
      if (at) at.push(l.index)
      else this.indexOf.set(l.diffId, [l.index])
    }
    this.emit?.({ ...this.last, preview: p })
    for (const l of p.layers) if (l.cached) this.mark(l.index)
    for (const d of this.early) this.layerRead(d)
    this.early = []
  }

  /** A layer with this diff ID was read through the pipeline: every place it holds is read. */
  layerRead(diffId: string): void {
    if (this.closed) return
    if (!this.sent) {
      this.early.push(diffId)
      return
    }
    for (const i of this.indexOf.get(diffId) ?? []) this.mark(i)
  }

  close(): void {
    this.closed = true
  }

  private mark(i: number): void {
    if (this.read.has(i)) return
    this.read.add(i)
    this.emit?.({ ...this.last, layerRead: i })
  }
}
