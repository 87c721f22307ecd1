// Which layer of the image a finished blob of an image stream was, as soon as that can be
// told. Stream order is not layer order (`docker save` writes its folders in name order), so:
// - a blob whose bytes were hashed (archives verify every layer) names its diff ID itself;
// - an uncompressed OCI blob `blobs/sha256/<hex>` is named by its digest, which is its diff ID;
// - a legacy save's `<v1 id>/layer.tar` sits beside `<v1 id>/json`, whose `parent` links the
//   v1 IDs bottom-up: a layer's depth in that chain is its index, once the chain is complete.
// A blob it cannot place is not announced (the analysis at the end has every layer anyway).
import type { BlobResult } from '../archive/blob-sink'
import type { LayerEntries } from '../model/layer-entries'

const OCI_BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/
const LEGACY = /^([0-9a-f]{64})\/(json|layer\.tar)$/

export class LayerLocator {
  private diffIds: string[] | null = null
  /** v1 ID -> its parent's v1 ID ('' for the bottom layer). */
  private readonly parent = new Map<string, string>()
  /** Legacy layer folders whose layer.tar is read but whose depth is not known yet (with its entries). */
  private waiting = new Map<string, LayerEntries | undefined>()
  /** Diff IDs announced (each once). */
  private readonly told = new Set<string>()

  constructor(
    private readonly onRead: (diffId: string, entries?: LayerEntries) => void,
    diffIds?: string[]
  ) {
    if (diffIds) this.diffIds = diffIds
  }

  /** The image's diff IDs, bottom first, when they become known (a peek may answer late). */
  setLayers(diffIds: string[]): void {
    this.diffIds = diffIds
    this.resolve()
  }

  /** Feed every outer blob of the stream here as it ends (with the layer's entries when it was one). */
  blob(path: string, r: BlobResult, entries?: LayerEntries): void {
    if (r.error) return
    const isLayer = r.kind === 'tar' || r.kind === 'gzip' || r.kind === 'zstd'
    if (isLayer && r.diffId) return this.tell(r.diffId, entries)
    const oci = OCI_BLOB.exec(path)
    if (oci) {
      if (isLayer && (r.compression ?? 'none') === 'none') this.tell(`sha256:${oci[1]}`, entries)
      return
    }
    const legacy = LEGACY.exec(path)
    if (!legacy) return
    const id = legacy[1]!
    if (legacy[2] === 'json') {
      const p = (r.json as { parent?: unknown } | undefined)?.parent
      this.parent.set(id, typeof p === 'string' ? p : '')
    } else if (isLayer) {
      this.waiting.set(id, entries)
    }
    this.resolve()
  }

  private resolve(): void {
    if (!this.diffIds || this.waiting.size === 0) return
    for (const [id, entries] of [...this.waiting]) {
      const depth = this.depth(id)
      if (depth === null) continue
      this.waiting.delete(id)
      const d = this.diffIds[depth]
      if (d) this.tell(d, entries)
    }
  }

  /** Layers below `id` in the v1 chain; null while a link is missing (or the chain loops). */
  private depth(id: string): number | null {
    let n = 0
    let at = this.parent.get(id)
    while (at !== undefined && at !== '') {
      if (++n > this.parent.size) return null
      at = this.parent.get(at)
    }
    return at === '' ? n : null
  }

  private tell(diffId: string, entries?: LayerEntries): void {
    if (this.told.has(diffId)) return
    this.told.add(diffId)
    this.onRead(diffId, entries)
  }
}
