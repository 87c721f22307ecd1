// images:list: the engine's list joined with one inspect per image (for the exact .Size and
// the layer count), with bounded concurrency.
import type { ImageSummary } from '../../../shared/models/images'
import { throwIfCancelled } from '../errors'
import type { EngineImageEntry, EngineImageInspect } from './engine-types'
import { mapLimit } from './map-limit'

/** The two engine calls this needs (EngineClient's verbs; a stand-in in unit tests). */
export interface ImageSource {
  list(opts: { all: boolean; filters?: Record<string, string[]> }): Promise<EngineImageEntry[]>
  inspect(id: string): Promise<EngineImageInspect>
}

export interface ListImagesOptions {
  /** Also intermediate images (`docker images -a`). */
  all?: boolean
  /** Engine filters, e.g. { reference: ['myapp:*'], dangling: ['true'] }. */
  filters?: Record<string, string[]>
  /** Parallel inspects (default 8). */
  concurrency?: number
  signal?: AbortSignal
}

const NONE_TAG = '<none>:<none>'
const NONE_DIGEST = '<none>@<none>'

export async function listImageSummaries(engine: ImageSource, opts: ListImagesOptions = {}): Promise<ImageSummary[]> {
  throwIfCancelled(opts.signal)
  const list = await engine.list({ all: opts.all ?? false, ...(opts.filters && Object.keys(opts.filters).length > 0 ? { filters: opts.filters } : {}) })
  const rows = await mapLimit(list, opts.concurrency ?? 8, async (img): Promise<ImageSummary | null> => {
    throwIfCancelled(opts.signal)
    let info: EngineImageInspect
    try {
      info = await engine.inspect(img.Id)
    } catch (e) {
      // Removed between the list and the inspect (a parallel `docker rmi`): not an error.
      if ((e as { statusCode?: number; code?: string }).statusCode === 404 || (e as { code?: string }).code === 'IMAGE_NOT_FOUND') return null
      throw e
    }
    const created = Date.parse(info.Created ?? '')
    return {
      id: img.Id,
      repoTags: (img.RepoTags ?? []).filter((t) => t !== NONE_TAG),
      repoDigests: (img.RepoDigests ?? []).filter((d) => d !== NONE_DIGEST),
      size: info.Size,
      created: new Date(Number.isFinite(created) ? created : img.Created * 1000).toISOString(),
      layers: info.RootFS?.Layers?.length ?? 0,
      ...(info.Os ? { os: info.Os } : {}),
      ...(info.Architecture ? { arch: info.Architecture } : {})
    }
  })
  // Newest first, like `docker images`.
  return rows.filter((r): r is ImageSummary => r !== null).sort((a, b) => Date.parse(b.created) - Date.parse(a.created))
}
