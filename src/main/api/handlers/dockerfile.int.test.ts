// The dockerfile channels through the real dispatcher and engine: open, build (events, then a
// re-open with measured advice), and layer <-> line links for an image built from the file.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURE_LABEL, docker, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { createBackend } from '..'
import type { Events } from '../../../shared/api'

const CTX = join(__dirname, '../../core/dockerfile/testdata/node-like')
const backend = createBackend({ cacheDir: '/tmp/layerscope-df-handler-cache', resourcesDir: join(__dirname, '../../../../resources'), front: 'cli', version: 'test' })
const events: { event: string; payload: unknown }[] = []
const ctx = { front: 'cli' as const, emit: <E extends keyof Events>(event: E, payload: Events[E]) => void events.push({ event, payload }) }

afterAll(() => removeTestImages('layerscope-test/dockerfile-links'))

describe('dockerfile channels', () => {
  it('open answers the graph with a layout, the context and advice; unknown paths say so', async () => {
    const a = await backend.dispatcher.invoke('dockerfile:open', { path: CTX }, ctx)
    expect(a.graph.nodes.filter((n) => n.kind === 'stage').map((n) => n.name)).toEqual(['deps', 'build', 'lint', '3'])
    expect(Object.keys(a.graph.layout!.nodes)).toHaveLength(a.graph.nodes.length)
    expect(a.context.hasDockerignore).toBe(true)
    expect(a.args).toEqual([{ name: 'BASE', value: 'layerscope-fixture/busybox:1', line: 2 }])
    const r = await backend.dispatcher.call('dockerfile:open', { path: '/nope/Dockerfile' }, ctx)
    expect(r.error).toEqual({ code: 'NOT_FOUND', message: 'There is no file at /nope/Dockerfile. Check the path of the Dockerfile.' })
    const t = await backend.dispatcher.call('dockerfile:open', { path: CTX, target: 'nope' }, ctx)
    expect(t.error?.code).toBe('INVALID_INPUT')
  })

  it('build streams log and progress, and a re-open carries the measured sizes', async () => {
    events.length = 0
    const g = await backend.dispatcher.invoke('dockerfile:build', { path: CTX, jobId: 'job-1' }, ctx)
    // This engine takes BuildKit builds through the API (stage-builder probes it); its decoded log names the steps.
    expect(g.builder).toBe('buildkit')
    expect(events.some((e) => e.event === 'job:log' && (e.payload as { line: string }).line.startsWith('[deps 5/5] RUN npm install'))).toBe(true)
    const progress = events.filter((e) => e.event === 'job:progress').map((e) => e.payload as { jobId: string; bytesDone: number; bytesTotal: number })
    expect(progress.every((p) => p.jobId === 'job-1' && p.bytesTotal === 3)).toBe(true)
    expect(progress.at(-1)!.bytesDone).toBe(3)
    const a = await backend.dispatcher.invoke('dockerfile:open', { path: CTX }, ctx)
    // advice now carries measured bytes: the devDependencies copied in, from line 20's layer
    const dev = a.advice.find((x) => x.id === 'dev-dependencies')!
    expect(dev).toMatchObject({ lines: [20, 7], bytes: 512_042, bytesKind: 'measured' })
    expect(a.advice[0]).toBe(dev)
    expect(a.advice.find((x) => x.id === 'npm-ci')!.lines).toEqual([7])
    const final = a.graph.nodes.find((n) => n.isTarget)!
    expect(final.measured?.size).toBe(g.nodes.find((n) => n.isTarget)!.measured!.size)
    expect(a.graph.edges.find((e) => e.line === 20)!.bytes).toBe(512_042)
  })

  it('links the layers of an image built from the Dockerfile to its lines', async () => {
    // `docker build` of the fixture folder itself (the fake npm must keep its executable bit).
    const tag = 'layerscope-test/dockerfile-links:1'
    docker(['build', '-q', '--network', 'none', '--label', `${FIXTURE_LABEL}=test`, '-t', tag, CTX])
    const links = await backend.dispatcher.invoke('dockerfile:links', { path: join(CTX, 'Dockerfile'), imageKey: tag }, ctx)
    const byLine = new Map(links.filter((l) => l.line !== undefined).map((l) => [l.line, l]))
    expect(byLine.get(20)).toMatchObject({ stage: '3', confidence: 'exact', size: 512_042 })
    expect(byLine.get(21)).toMatchObject({ stage: '3', confidence: 'exact', size: 50 * 1024 + statSync(join(CTX, 'src/index.js')).size })
    expect(byLine.get(18)!.confidence).toBe('exact')
    expect(byLine.get(22)!.confidence).toBe('exact')
    expect(links[0]).toMatchObject({ stage: 'layerscope-fixture/busybox:1', line: 17, confidence: 'likely', layerIndex: 0 })
    // the fixture label step is not a line of the Dockerfile
    expect(links.at(-1)).toMatchObject({ confidence: 'none' })
    const r = await backend.dispatcher.call('dockerfile:links', { path: join(CTX, 'Dockerfile'), imageKey: 'layerscope-test/does-not-exist:1' }, ctx)
    expect(r.error?.code).toBe('NOT_FOUND')
  })
})
