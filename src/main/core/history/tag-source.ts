// The ImageSource a tag of the series opens as (analysis:open, compare:open).
import type { ImageSource } from '../../../shared/models/analysis'

/** A registry tag as the registry LayerSource opens it: `ref` is HOST[:PORT]/REPO:TAG. */
export function registryImageSource(ref: string): ImageSource {
  return { kind: 'registry', ref }
}

export function engineImageSource(ref: string): ImageSource {
  return { kind: 'engine', ref }
}
