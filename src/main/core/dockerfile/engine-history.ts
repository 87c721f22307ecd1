// An image's history as the engine records it, for linking layers to Dockerfile lines: the
// /history steps plus, where a step's image is still local (legacy builds keep them), that
// image's layer count, which pins exactly which steps made layers (analysis/history.ts).
import type { EngineClient } from '../engine/engine-client'
import { mapLimit } from '../engine/map-limit'
import { historyFromEngine, type HistoryEntry } from './layer-lines'

/** More step images than this are not inspected (a history is as long as its Dockerfiles). */
const MAX_PINS = 256

export async function readEngineHistory(engine: EngineClient, ref: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
  const info = await engine.inspectImage(ref, signal)
  const api = await engine.imageHistory(info.Id, signal)
  const oldestFirst = [...api].reverse()
  const withIds = oldestFirst.map((h, i) => ({ i, id: h.Id })).filter((x): x is { i: number; id: string } => typeof x.id === 'string' && x.id.startsWith('sha256:'))
  const layersAfter = new Array<number | undefined>(oldestFirst.length).fill(undefined)
  await mapLimit(withIds.slice(-MAX_PINS), 8, async ({ i, id }) => {
    const step = await engine.inspectImage(id, signal).catch(() => undefined)
    if (step?.RootFS?.Layers) layersAfter[i] = step.RootFS.Layers.length
  })
  return historyFromEngine(
    api.map((h) => ({ CreatedBy: h.CreatedBy ?? '', Size: h.Size ?? 0 })),
    info.RootFS?.Layers?.length ?? 0,
    layersAfter
  )
}
