// Base image detection: a tagged local image whose layers are a proper prefix of this one's.
import { createHash } from 'node:crypto'
import type { EngineClient } from '../engine/engine-client'

export interface BaseInfo {
  ref: string
  layers: number
}

/** Image layer lists by image ID; images never change their layers, so this never goes stale. */
const layersById = new Map<string, string[]>()

export interface BaseResult {
  /** Hash of the engine's image list (IDs + tags): while it is unchanged, so is the answer. */
  fingerprint: string
  base: BaseInfo | null
}

export async function detectBase(engine: Pick<EngineClient, 'listImageEntries' | 'inspectImage'>, id: string, diffIds: string[], prior?: BaseResult): Promise<BaseResult> {
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
  await Promise.all(
    candidates.map(async (c) => {
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
  )
  return { fingerprint, base: best ?? null }
}
