// Base image detection: a tagged local image whose layers are a proper prefix of this one's.
import { createHash } from 'node:crypto'
import type { EngineClient } from '../engine/engine-client'
import { mapLimit } from '../engine/map-limit'

export interface BaseInfo {
  ref: string
  layers: number
}

/**
 * Image layer lists by image ID, kept by the service that owns the detection (images never
 * change their layers, so this never goes stale); bounded so a busy engine cannot grow it forever.
 */
export class KnownLayers {
  private readonly byId = new Map<string, string[]>()
  constructor(private readonly max = 4096) {}
  get(id: string): string[] | undefined {
    return this.byId.get(id)
  }
  set(id: string, layers: string[]): void {
    if (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value!)
    this.byId.set(id, layers)
  }
}

export interface BaseResult {
  /** Hash of the engine's image list (IDs + tags): while it is unchanged, so is the answer. */
  fingerprint: string
  base: BaseInfo | null
}

export async function detectBase(
  engine: Pick<EngineClient, 'listImageEntries' | 'inspectImage'>,
  id: string,
  diffIds: string[],
  prior?: BaseResult,
  layersById: KnownLayers = new KnownLayers()
): Promise<BaseResult> {
  const list = await engine.listImageEntries()
  const fingerprint = createHash('sha256')
    .update(
      list
        .map((i) => `${i.Id} ${(i.RepoTags ?? []).join(',')}`)
        .sort()
        .join('\n')
    )
    .digest('hex')
  if (prior && prior.fingerprint === fingerprint) return prior
  if (diffIds.length < 2) return { fingerprint, base: null }
  let best: BaseInfo | undefined
  const candidates = list.filter((i) => i.Id !== id && (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'))
  // Bounded: an engine with hundreds of tagged images is not asked hundreds of inspects at once.
  await mapLimit(candidates, 8, async (c) => {
      let layers = layersById.get(c.Id)
      if (!layers) {
        const ins = await engine.inspectImage(c.Id).catch(() => null)
        layers = ins?.RootFS?.Layers ?? []
        layersById.set(c.Id, layers)
      }
      if (layers.length === 0 || layers.length >= diffIds.length) return
      for (let i = 0; i < layers.length; i++) if (layers[i] !== diffIds[i]) return
      const ref = (c.RepoTags ?? []).find((t) => t !== '<none>:<none>')!
      if (!best || layers.length > best.layers || (layers.length === best.layers && ref < best.ref)) best = { ref, layers: layers.length }
  })
  return { fingerprint, base: best ?? null }
}
