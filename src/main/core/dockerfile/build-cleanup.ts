// Removing what a stage-build run made, and only that. Every candidate comes from the engine,
// never from build output a RUN could forge: the stage images (run label / aux.ID), their
// parents by the engine's own Parent links, and, for a failed or cancelled legacy build, the
// images its step containers were created from (the engine's container `create` events).
// An image that existed before the run, or that carries a tag, is never removed, and every
// removal is `noprune`, so the engine prunes no parent on our behalf.
import type { EngineClient, EngineImageInspect } from '../engine/engine-client'

/** The image and its parents (engine Parent links), newest first, up to the first that existed before. */
export async function newAncestry(engine: EngineClient, tip: string, before: ReadonlySet<string>, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = []
  let id: string | undefined = tip
  // A chain is as long as a Dockerfile; the bound only guards against a loop.
  for (let i = 0; id && i < 10_000 && !before.has(id) && !out.includes(id); i++) {
    const info: EngineImageInspect | undefined = await engine.inspectImage(id, signal).catch(() => undefined)
    if (!info) break
    out.push(info.Id)
    id = info.Parent || undefined
  }
  return out
}

/** Images that step containers were created from between `sinceMs` and now (legacy builder commits). */
export async function stepImagesFromEvents(engine: EngineClient, sinceMs: number, before: ReadonlySet<string>): Promise<string[]> {
  const ids: string[] = []
  const since = Math.floor(sinceMs / 1000) - 1
  const until = Math.ceil(Date.now() / 1000)
  for await (const ev of engine.events({ type: ['container'], event: ['create'] }, undefined, { since, until })) {
    const from = (ev as { from?: string }).from ?? ev.Actor?.Attributes?.image
    if (from && from.startsWith('sha256:') && !before.has(from) && !ids.includes(from)) ids.push(from)
  }
  // The newest step image first, so children go before their parents.
  return ids.reverse()
}

/**
 * Removes `ids` (children before parents where known), each only if it did not exist before
 * and has no tag. Images whose children are still there, or whose (cancelled) step container
 * is still going away, are retried for a few seconds. Returns the ids removed.
 */
export async function removeRunImages(engine: EngineClient, ids: string[], before: ReadonlySet<string>): Promise<Set<string>> {
  const removed = new Set<string>()
  let left: string[] = []
  for (const id of ids) {
    if (before.has(id) || left.includes(id)) continue
    const info = await engine.inspectImage(id).catch(() => undefined)
    if (!info || before.has(info.Id) || (info.RepoTags ?? []).length > 0) continue
    left.push(info.Id)
  }
  for (let attempt = 0; left.length > 0 && attempt < 20; attempt++) {
    const again: string[] = []
    let progress = false
    for (const r of await engine.removeImages(left, { noprune: true })) {
      if (r.removed || r.statusCode === 404) {
        removed.add(r.id)
        progress = true
      } else if (r.statusCode === 409) again.push(r.id)
    }
    left = again
    // Nothing went this pass: wait for a step container to go away (409 "in use").
    if (!progress && left.length > 0) await new Promise((res) => setTimeout(res, 250))
  }
  return removed
}
