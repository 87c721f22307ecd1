// The sizer's own rules (which source wins, what is remembered, the deadline) on stand-ins;
// the real engine and registry answers are in dockerfile-service.int.test.ts.
import { describe, expect, it } from 'vitest'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError } from '../errors'
import type { RegistryClient } from '../registry'
import type { StageGraph } from '../../../shared/models/dockerfile'
import { ExternalImageSizer, REGISTRY_ANSWER_TTL_MS, REGISTRY_REFUSAL_TTL_MS } from './external-images'

const signal = new AbortController().signal

function fakes(o: { engine?: Record<string, number>; registry?: Record<string, number>; tags?: string[]; stallMs?: number }) {
  const calls = { resolve: 0, inspect: 0 }
  const engine = {
    inspectImage: async (ref: string) => {
      calls.inspect++
      const size = o.engine?.[ref]
      if (size === undefined) throw new LayerscopeError('IMAGE_NOT_FOUND', `No such image: ${ref}`)
      return { Id: 'sha256:x', Size: size }
    }
  } as unknown as EngineClient
  const registry = {
    resolve: async (ref: { repository: string; tag?: string }, opts: { signal?: AbortSignal }) => {
      calls.resolve++
      if (o.stallMs) await new Promise((r, j) => (setTimeout(r, o.stallMs), opts.signal?.addEventListener('abort', () => j(new LayerscopeError('CANCELLED', 'Cancelled.')))))
      const size = o.registry?.[`${ref.repository}:${ref.tag}`]
      if (size === undefined) throw new LayerscopeError('REGISTRY_ERROR', `${ref.repository} has no tag "${ref.tag}". Check the tag.`)
      return { downloadBytes: size, platform: 'linux/amd64' }
    },
    listTags: async () => o.tags ?? []
  } as unknown as RegistryClient
  return { engine, registry, calls }
}

describe('ExternalImageSizer', () => {
  it('the engine\'s inspect Size wins; the registry still gives the slimmer siblings', async () => {
    const f = fakes({ engine: { 'node:22': 1_100_000_000 }, registry: { 'library/node:22': 398_000_000, 'library/node:22-slim': 74_000_000 }, tags: ['22', '22-slim', '22-bookworm'] })
    const s = new ExternalImageSizer({ engine: () => f.engine, registry: () => f.registry })
    const got = await s.size('node:22', undefined, signal)
    expect(got.imageSize).toEqual({ bytes: 1_100_000_000, kind: 'engine', ref: 'node:22' })
    expect(got.slimmer?.siblings).toEqual([{ tag: '22-slim', ref: 'docker.io/library/node:22-slim', downloadSize: 74_000_000, savesBytes: 324_000_000 }])
  })

  it('without the engine\'s copy: the download size, remembered for a while; refusals for less', async () => {
    let now = 0
    const f = fakes({ registry: { 'library/alpine:3': 3_600_000 } })
    const s = new ExternalImageSizer({ engine: () => f.engine, registry: () => f.registry, now: () => now })
    expect((await s.size('alpine:3', undefined, signal)).imageSize).toEqual({ bytes: 3_600_000, kind: 'download', ref: 'docker.io/library/alpine:3' })
    const after = f.calls.resolve
    now += REGISTRY_ANSWER_TTL_MS - 1
    await s.size('alpine:3', undefined, signal)
    expect(f.calls.resolve).toBe(after) // remembered
    now += 2
    await s.size('alpine:3', undefined, signal)
    expect(f.calls.resolve).toBeGreaterThan(after)
    const miss = await s.size('alpine:404', undefined, signal)
    expect(miss.imageSize).toBeUndefined()
    expect(miss.imageSizeNote).toBe('Not sized: the engine does not have it; its registry: library/alpine has no tag "404".')
    const n = f.calls.resolve
    now += REGISTRY_REFUSAL_TTL_MS - 1
    await s.size('alpine:404', undefined, signal)
    expect(f.calls.resolve).toBe(n)
    now += 2
    await s.size('alpine:404', undefined, signal)
    expect(f.calls.resolve).toBe(n + 1)
  })

  it('a registry that does not answer in time is named, not waited for; unresolved build args are not looked up', async () => {
    const f = fakes({ stallMs: 5000 })
    const s = new ExternalImageSizer({ engine: () => f.engine, registry: () => f.registry, deadlineMs: 50 })
    const graph: StageGraph = { nodes: [{ id: 'image:x', kind: 'image', name: 'example.com/x:1', instructions: [], isTarget: false, unused: false }], edges: [], target: '' }
    const t0 = Date.now()
    await s.sizeGraph(graph)
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(graph.nodes[0]!.imageSizeNote).toBe('Not sized: the engine does not have it; its registry: no answer within 0.05 s.')
    expect((await s.size('${BASE}:1', undefined, signal)).imageSizeNote).toMatch(/build argument without a value/)
    expect(f.calls.inspect).toBe(1)
  })
})
