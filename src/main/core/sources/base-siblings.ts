// Slimmer bases, measured: for a base image that lives in a registry, the download size of
// its sibling tags that commonly trade size for tools (`-slim`, `-alpine`, ...), read from
// their manifests (no layer is fetched). A measured alternative, not a guess: only tags the
// repository's tags list really has are shown.
import type { BaseAlternatives } from '../../../shared/models/analysis'
import { throwIfCancelled } from '../errors'
import { formatReference, mapBounded, withTag, type ImageReference, type RegistryClient } from '../registry'

/** Suffixes of the slimmer variants official images publish. */
const SLIM = /^(slim|alpine|distroless|minimal|busybox|musl|static)([-.]?[0-9a-z.]*)?$/

/** At most this many sibling manifests are read for one base (each is a manifest + config GET). */
export const MAX_SIBLINGS = 8

/** Tags of `tags` that are slimmer variants of `tag`: "20" -> "20-slim", "20-alpine3.20"; "latest" -> "slim", "alpine". */
export function siblingTags(tag: string, tags: readonly string[]): string[] {
  const out: string[] = []
  for (const t of tags) {
    if (t === tag) continue
    const rest = tag === 'latest' ? t : t.startsWith(`${tag}-`) ? t.slice(tag.length + 1) : null
    if (rest !== null && SLIM.test(rest)) out.push(t)
  }
  // Shortest first ("20-slim" before "20-slim-bookworm"), then by name: a stable, short list.
  return out.sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).slice(0, MAX_SIBLINGS)
}

export async function measureBaseSiblings(
  client: RegistryClient,
  base: ImageReference,
  o: { platform?: string; signal?: AbortSignal } = {}
): Promise<BaseAlternatives | null> {
  if (!base.tag) return null
  const own = await client.resolve(base, o)
  const tags = await client.listTags(base, { signal: o.signal })
  const names = siblingTags(base.tag, tags)
  const measured = await mapBounded(
    names,
    3,
    async (t, _i, signal) => {
      throwIfCancelled(signal)
      const r = await client.resolve(withTag(base, t), { platform: o.platform ?? own.platform, signal }).catch(() => null)
      return r ? { tag: t, ref: formatReference(withTag(base, t)), downloadSize: r.downloadBytes } : null
    },
    o.signal
  )
  return {
    base: formatReference(base),
    downloadSize: own.downloadBytes,
    siblings: measured.filter((m): m is NonNullable<typeof m> => m !== null).map((m) => ({ ...m, savesBytes: own.downloadBytes - m.downloadSize }))
  }
}
