// The one way a layer blob becomes layer entries: bytes -> BlobSink (sniffs gzip / zstd /
// tar by magic bytes, decompresses, parses tar headers; helper hooks verify the diff ID
// there) -> LayerEntries. Used by every source that reads blobs one by one (OCI folders,
// registries); stream sources (engine save, tar archives) hand each inner blob to the same
// BlobSink through core/archive's image reader. Only headers are kept, never file contents.
import { BlobSink, type BlobResult } from '../archive/blob-sink'
import { LayerscopeError, throwIfCancelled } from '../errors'
import { recordEntries } from '../content/layer-hasher'
import { LayerEntries } from '../model/layer-entries'
import type { PathTable } from '../model/path-table'
import type { SourceLayer } from './layer-source'

export interface PipelineOptions {
  paths: PathTable
  /** Names the layer in messages ("registry 127.0.0.1:5000/app:1: layer 3 (sha256:...)"). */
  label: string
  diffId: string
  blobDigest?: string
  /** `chunks` fails unless its bytes hash to blobDigest (then an uncompressed layer is not hashed twice). */
  blobVerified?: boolean
  signal?: AbortSignal
  /** Blob bytes consumed so far (compressed, as they arrive). */
  onBytes?: (n: number) => void
}

/**
 * Parses one layer blob arriving as chunks. Each chunk is consumed before the next is
 * pulled, so memory stays at the decompressor's window plus one chunk whatever the layer.
 */
export async function parseLayerBlob(chunks: AsyncIterable<Buffer | Uint8Array>, o: PipelineOptions): Promise<SourceLayer> {
  let entries: LayerEntries | undefined
  let result: BlobResult | undefined
  let record: ReturnType<typeof recordEntries> | undefined
  const sink = new BlobSink({
    label: o.label,
    // The uncompressed bytes are hashed on their way through: a layer is believed (and cached)
    // only when they hash to the diff ID the config claims.
    diffId: true,
    ...(o.blobVerified && o.blobDigest ? { verifiedAs: o.blobDigest } : {}),
    onLayerStart: () => {
      entries = new LayerEntries(o.paths)
      record = recordEntries(entries)
    },
    onLayerEntry: (h) => record!(h),
    done: (r) => {
      entries?.linkDigests()
      result = r
    }
  })
  let n = 0
  for await (const c of chunks) {
    throwIfCancelled(o.signal)
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength)
    const w = sink.write(chunk)
    if (w) await w
    n += chunk.length
    o.onBytes?.(n)
  }
  throwIfCancelled(o.signal)
  await sink.end()
  const r = result!
  if (r.error) throw r.error
  if (!entries || (r.kind !== 'gzip' && r.kind !== 'zstd' && r.kind !== 'tar')) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${o.label} is neither a tar nor a gzip/zstd-compressed tar (it starts with bytes ${r.head ?? '?'}); unknown compression.`
    )
  }
  if (r.diffId !== o.diffId) {
    throw new LayerscopeError(
      'ARCHIVE_INVALID',
      `${o.label} is not the layer its config claims: its uncompressed bytes hash to ${r.diffId ?? 'nothing'}, the config says ${o.diffId}. Nothing of it was cached.`
    )
  }
  const compression = r.compression ?? 'none'
  const out: SourceLayer = { diffId: o.diffId, entries }
  if (compression !== 'none') out.compressedBytes = r.blobBytes
  if (o.blobDigest) out.blobDigest = o.blobDigest
  return out
}
