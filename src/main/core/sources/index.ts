// Picks the LayerSource for an ImageSource. The one place that knows every kind of source.
import type { ImageSource } from '../../../shared/models/analysis'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError } from '../errors'
import type { exportImage } from '../archive/engine-export'
import { ArchiveSource } from './archive-source'
import { EngineSource } from './engine-source'
import { RegistrySource } from './registry-source'
import type { RegistryClient } from '../registry'
import type { LayerSource } from './layer-source'
import type { KnownLayers } from './engine-base'

export interface SourceDeps {
  engine: () => EngineClient
  exportImage?: typeof exportImage
  onExport?: () => void
  knownLayers?: KnownLayers
  /** The process's registry client (one per backend: keep-alive sockets, tokens in memory). */
  registry?: () => RegistryClient
}

/**
 * `sidePlatform` is the platform written on the source itself (kept in the analysis' source);
 * `platform` is the one in effect (the side's, else the request's).
 */
export function makeSource(source: ImageSource, sidePlatform: string | undefined, platform: string | undefined, deps: SourceDeps): LayerSource {
  const keep = sidePlatform
  if (source?.kind === 'engine' && typeof source.ref === 'string' && source.ref.trim() !== '') {
    const s = new EngineSource(source.ref.trim(), { engine: deps.engine(), platform, exportImage: deps.exportImage, onExport: deps.onExport, knownLayers: deps.knownLayers })
    return withSourcePlatform(s, keep)
  }
  if (source?.kind === 'archive' && typeof source.path === 'string' && source.path !== '') {
    return withSourcePlatform(new ArchiveSource(source.path, platform), keep)
  }
  if (source?.kind === 'registry' && typeof source.ref === 'string' && source.ref.trim() !== '') {
    if (!deps.registry) throw new LayerscopeError('INVALID_INPUT', 'This front cannot read registries.')
    return withSourcePlatform(new RegistrySource(source.ref.trim(), { client: deps.registry(), platform }), keep)
  }
  throw new LayerscopeError('INVALID_INPUT', 'Say which image to open: an engine image name/ID, an archive path or a registry://HOST/REPO[:TAG] reference.')
}

/** The analysis reports the source as asked: a platform only when the side named one. */
function withSourcePlatform<T extends LayerSource>(s: T, sidePlatform: string | undefined): T {
  const { platform: _p, ...rest } = s.source
  Object.assign(s, { source: sidePlatform ? { ...rest, platform: sidePlatform } : rest })
  return s
}
