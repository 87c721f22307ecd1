// External images of a stage graph (`FROM node:22`, `COPY --from=alpine:3`) sized without a
// build: inspect .Size when the local engine has the image (as `docker images` shows it), else
// the download size from its registry's manifest (layer blobs + config, what a pull costs).
// Where the registry answers, the image's slimmer sibling tags come from the same measurement
// Savings uses (sources/base-siblings.ts). Registry answers are kept a few minutes (a re-open
// or a build's re-open asks again only after that); lookups share one deadline per graph.
import type { BaseAlternatives } from '../../../shared/models/analysis'
import type { StageGraph, StageNode } from '../../../shared/models/dockerfile'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError, isCancelled } from '../errors'
import { Lru } from '../model/lru'
import { formatReference, parseImageReference, type ImageReference, type RegistryClient } from '../registry'
import { measureBaseSiblings } from '../sources/base-siblings'

/** All registry lookups of one graph end by then; a node without an answer says so. */
export const REGISTRY_LOOKUP_MS = 5000
/** Registry answers are reused this long (a tag can move; a session re-opens often). */
export const REGISTRY_ANSWER_TTL_MS = 10 * 60_000
/** A refused lookup (no such host, no such tag) is asked again only after this. */
export const REGISTRY_REFUSAL_TTL_MS = 60_000

export interface RegistryAnswer {
  /** Download bytes of the image itself (manifest layer blobs + config). */
  downloadBytes: number
  ref: string
  /** Slimmer siblings with their download sizes, when the repository lists any. */
  slimmer: BaseAlternatives | null
}

type Cached = { at: number; answer: RegistryAnswer } | { at: number; refused: string }

export interface ExternalSizerDeps {
  engine?: () => EngineClient
  registry?: () => RegistryClient
  now?: () => number
  deadlineMs?: number
}

/** What a node learns: the size and which it is, or why there is none; and the slimmer siblings. */
export type ExternalFacts = Pick<StageNode, 'imageSize' | 'imageSizeNote' | 'slimmer'>

export class ExternalImageSizer {
  private readonly answers = new Lru<string, Cached>(256)

  constructor(private readonly deps: ExternalSizerDeps) {}

  /** Writes each external image node's size (and slimmer siblings) into `graph`. */
  async sizeGraph(graph: StageGraph, signal?: AbortSignal): Promise<void> {
    const nodes = graph.nodes.filter((n) => n.kind === 'image')
    if (nodes.length === 0) return
    const deadline = AbortSignal.timeout(this.deps.deadlineMs ?? REGISTRY_LOOKUP_MS)
    const lookup = signal ? anySignal([signal, deadline]) : deadline
    const platformOf = (n: StageNode): string | undefined => graph.nodes.find((s) => s.kind === 'stage' && s.platform && graph.edges.some((e) => e.from === n.id && e.to === s.id))?.platform
    const facts = await Promise.all(nodes.map((n) => this.size(n.name, platformOf(n), lookup)))
    if (signal?.aborted) throw new LayerscopeError('CANCELLED', 'Cancelled.')
    nodes.forEach((n, i) => {
      delete n.imageSize
      delete n.imageSizeNote
      delete n.slimmer
      Object.assign(n, facts[i])
    })
  }

  /** One external image: the engine's inspect first, the registry for the download size and siblings. */
  async size(name: string, platform: string | undefined, signal: AbortSignal): Promise<ExternalFacts> {
    if (name.includes('$')) return { imageSizeNote: 'The reference uses a build argument without a value: there is no image name to look up.' }
    let ref: ImageReference | null = null
    try {
      ref = parseImageReference(name)
    } catch {
      /* not a registry reference (e.g. an image ID): the engine may still know it */
    }
    const [engine, registry] = await Promise.all([this.fromEngine(name, signal), ref ? this.fromRegistry(ref, platform, signal) : Promise.resolve<Cached | null>(null)])
    const answer = registry && 'answer' in registry ? registry.answer : null
    const out: ExternalFacts = {}
    if (engine.bytes !== undefined) out.imageSize = { bytes: engine.bytes, kind: 'engine', ref: name }
    else if (answer) out.imageSize = { bytes: answer.downloadBytes, kind: 'download', ref: answer.ref }
    else {
      const registryWhy = !ref ? 'it is not a registry reference' : registry && 'refused' in registry ? registry.refused : 'no registry was asked'
      out.imageSizeNote = `Not sized: ${engine.why}; its registry: ${registryWhy}.`
    }
    if (answer?.slimmer && answer.slimmer.siblings.length > 0) out.slimmer = answer.slimmer
    return out
  }

  private async fromEngine(name: string, signal: AbortSignal): Promise<{ bytes?: number; why: string }> {
    if (!this.deps.engine) return { why: 'no engine to ask' }
    try {
      const info = await this.deps.engine().inspectImage(name, signal)
      return { bytes: info.Size, why: '' }
    } catch (e) {
      if (e instanceof LayerscopeError && e.code === 'IMAGE_NOT_FOUND') return { why: 'the engine does not have it' }
      return { why: `the engine did not answer (${shortWhy(e)})` }
    }
  }

  private async fromRegistry(ref: ImageReference, platform: string | undefined, signal: AbortSignal): Promise<Cached | null> {
    if (!this.deps.registry) return null
    const key = `${formatReference(ref)}|${platform ?? ''}`
    const now = this.deps.now?.() ?? Date.now()
    const hit = this.answers.get(key)
    if (hit && now - hit.at < ('answer' in hit ? REGISTRY_ANSWER_TTL_MS : REGISTRY_REFUSAL_TTL_MS)) return hit
    const client = this.deps.registry()
    try {
      const own = await client.resolve(ref, { platform, signal })
      // Siblings: Savings' measurement (a repository without a tags list simply has none here).
      const alt = ref.tag ? await measureBaseSiblings(client, ref, { platform: platform ?? own.platform, signal }).catch(() => null) : null
      const got: Cached = { at: now, answer: { downloadBytes: own.downloadBytes, ref: formatReference(ref), slimmer: alt } }
      // Siblings cut short by the deadline are not the repository's answer: ask again next time.
      if (!signal.aborted) this.answers.set(key, got)
      return got
    } catch (e) {
      if (isCancelled(e) || signal.aborted) return { at: now, refused: `no answer within ${(this.deps.deadlineMs ?? REGISTRY_LOOKUP_MS) / 1000} s` }
      const got: Cached = { at: now, refused: shortWhy(e) }
      this.answers.set(key, got)
      return got
    }
  }
}

/** The first sentence of an error, for a node's note. */
function shortWhy(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e)
  const first = m.split(/(?<=[.!?])\s/)[0] ?? m
  return first.replace(/[.\s]+$/, '')
}

/** AbortSignal.any (Node 20.3+), with a fallback for older runtimes. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any
  if (any) return any(signals)
  const ac = new AbortController()
  for (const s of signals) {
    if (s.aborted) ac.abort(s.reason)
    else s.addEventListener('abort', () => ac.abort(s.reason), { once: true })
  }
  return ac.signal
}
