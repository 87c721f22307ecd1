// Base image detection: a tagged local image whose layers are a proper prefix of this one's.
import type Docker from 'dockerode'

export interface BaseInfo {
  ref: string
  layers: number
}

/** Image layer lists by image ID; images never change their layers, so this never goes stale. */
const layersById = new Map<string, string[]>()

export async function detectBase(docker: Docker, id: string, diffIds: string[]): Promise<BaseInfo | undefined> {
  if (diffIds.length < 2) return undefined
  const list = await docker.listImages()
  let best: BaseInfo | undefined
  const candidates = list.filter((i) => i.Id !== id && (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'))
  await Promise.all(
    candidates.map(async (c) => {
      let layers = layersById.get(c.Id)
      if (!layers) {
        const ins = (await docker.getImage(c.Id).inspect().catch(() => null)) as { RootFS?: { Layers?: string[] } } | null
        layers = ins?.RootFS?.Layers ?? []
        layersById.set(c.Id, layers)
      }
      if (layers.length === 0 || layers.length >= diffIds.length) return
      for (let i = 0; i < layers.length; i++) if (layers[i] !== diffIds[i]) return
      const ref = (c.RepoTags ?? []).find((t) => t !== '<none>:<none>')!
      if (!best || layers.length > best.layers || (layers.length === best.layers && ref < best.ref)) best = { ref, layers: layers.length }
    })
  )
  return best
}
