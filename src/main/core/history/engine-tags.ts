// A local repository's tags measured by the engine: inspect (.Size as `docker images` shows it,
// RootFS.Layers, Created) and /history (bytes per layer, for the base band). No export.
import type { EngineClient } from '../engine/engine-client'
import { mapLimit } from '../engine/map-limit'
import { historyFromEngine } from '../dockerfile/layer-lines'
import { LayerscopeError } from '../errors'
import type { MeasuredTag } from './tag-series'
import { engineImageSource } from './tag-source'
import type { MeasureOptions } from './registry-tags'

const INSPECT_CONCURRENCY = 6

/** The repository part of an engine reference given without a tag ("myapp", "host:5000/team/app"). */
export function checkEngineRepository(repo: string): string {
  const r = repo.trim()
  const last = r.slice(r.lastIndexOf('/') + 1)
  if (r === '' || last.includes(':') || r.includes('@')) {
    throw new LayerscopeError('INVALID_INPUT', `"${repo}" names an image; history reads a repository: give its name without a tag (e.g. ${r.replace(/[:@][^/]*$/, '') || 'myapp'}).`)
  }
  return r
}

export async function measureEngineTags(engine: EngineClient, repository: string, opts: MeasureOptions): Promise<{ measured: MeasuredTag[]; inspects: number }> {
  const repo = checkEngineRepository(repository)
  const entries = await engine.listImageEntries({ filters: { reference: [repo] }, signal: opts.signal })
  const refs: string[] = []
  for (const e of entries) for (const t of e.RepoTags ?? []) if (t.startsWith(`${repo}:`)) refs.push(t)
  refs.sort()
  if (refs.length === 0) throw new LayerscopeError('IMAGE_NOT_FOUND', `The engine has no tags of ${repo}: docker images ${repo} lists none.`)
  let done = 0
  let inspects = 0
  const measured = await mapLimit(refs, INSPECT_CONCURRENCY, async (ref) => {
    if (opts.signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
    const info = await engine.inspectImage(ref, opts.signal)
    const api = await engine.imageHistory(info.Id, opts.signal)
    inspects += 2
    done++
    opts.onProgress?.({ phase: 'preparing', bytesDone: 0, message: `Inspected ${done} of ${refs.length} tags` })
    const diffIds = info.RootFS?.Layers ?? []
    const hist = historyFromEngine(
      api.map((h) => ({ CreatedBy: h.CreatedBy ?? '', Size: h.Size ?? 0 })),
      diffIds.length
    )
    // Bytes per layer only when history pins every layer (else the band is drawn by count only).
    const pinned = hist.filter((h) => h.layerIndex !== undefined)
    const layerBytes = pinned.length === diffIds.length ? pinned.map((h) => h.size) : undefined
    const m: MeasuredTag = {
      tag: ref.slice(repo.length + 1),
      ref,
      source: engineImageSource(ref),
      digest: info.Id,
      unpackedBytes: info.Size,
      diffIds
    }
    if (info.Created) m.created = info.Created
    if (layerBytes) m.layerBytes = layerBytes
    return m
  })
  return { measured, inspects }
}
