// What a source that reads through the image reader (archive tar or folder, engine export)
// hands back: one builder, so every such source reports its image and layers the same way.
import type { ReadImage } from '../archive/image-reader'
import type { ReadImageResult } from './layer-source'

/**
 * The reader's image as a source's read result. `known` overrides what the source knew before
 * the read and trusts more than the tar (the engine's image ID and tags from inspect).
 */
export function readImageResult(read: ReadImage, known: { id?: string; repoTags?: string[]; skipped?: Set<string> } = {}): ReadImageResult {
  return {
    format: read.format,
    id: known.id ?? read.id,
    config: read.config,
    repoTags: known.repoTags ?? read.repoTags,
    layers: read.layers.map((l) => ({ diffId: l.diffId, entries: l.entries, compressedBytes: l.compressedBytes })),
    skipped: known.skipped ?? new Set(),
    ...(read.platforms ? { platforms: read.platforms } : {})
  }
}
