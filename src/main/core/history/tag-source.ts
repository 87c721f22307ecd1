// The ImageSource a tag of the series opens as (analysis:open, compare:open).
import type { ImageSource } from '../../../shared/models/analysis'

/**
 * A registry tag as an ImageSource: `{ kind: 'registry', ref: 'HOST/REPO:TAG' }`, the kind the
 * registry LayerSource (branch `sources`) adds. Until that lands the contract's ImageSource has
 * no registry kind, so the value is typed through here, the one place to change when it does;
 * analysis:open refuses it by name meanwhile (INVALID_INPUT).
 */
export function registryImageSource(ref: string): ImageSource {
  return { kind: 'registry', ref } as unknown as ImageSource
}

export function engineImageSource(ref: string): ImageSource {
  return { kind: 'engine', ref }
}
