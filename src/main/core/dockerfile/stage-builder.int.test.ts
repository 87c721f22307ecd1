// Building each stage on the real engine, with BuildKit and with the legacy builder: sizes equal
// inspect and are the same with both, COPY --from bytes equal the files copied, failures name
// their line, cancel stops the build for real, and only our images are removed.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineClient } from '../engine/engine-client'
import type { LayerscopeError } from '../errors'
import { parseDockerfile } from './parser'
import { STAGE_BUILD_LABEL, buildStages, type StageBuildOptions } from './stage-builder'
import { buildStageGraph } from './stage-graph'

const CTX = join(__dirname, 'testdata', 'node-like')
const engine = EngineClient.fromEnvironment()
const fileBytes = (...rels: string[]): number => rels.reduce((s, r) => s + statSync(join(CTX, r)).size, 0)
const labelled = async (): Promise<string[]> =>
  (await engine.listImageEntries({ all: true, filters: { label: [`${STAGE_BUILD_LABEL}=1`] } })).map((i) => i.Id)
const exists = (id: string): Promise<boolean> =>
  engine
    .inspectImage(id)
    .then(
      () => true,
      () => false
    )

function prepare(text: string, target?: string) {
  const parsed = parseDockerfile(text)
  const { graph } = buildStageGraph(parsed, target)
  return { parsed, graph }
}

/** A throwaway context holding one Dockerfile. */
async function withDockerfile<T>(text: string, fn: (o: Pick<StageBuildOptions, 'parsed' | 'graph' | 'dockerfilePath' | 'contextDir'>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-sb-'))
  try {
    writeFileSync(join(dir, 'Dockerfile'), text)
    return await fn({ ...prepare(text), dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('builder choice', () => {
  it('uses BuildKit by default on an engine that takes version=2, and decodes its log', async () => {
    const dockerfilePath = join(CTX, 'Dockerfile')
    const { parsed, graph } = prepare(readFileSync(dockerfilePath, 'utf8'))
    const logs: string[] = []
    const progress: string[] = []
    const res = await buildStages(engine, {
      parsed,
      graph,
      dockerfilePath,
      contextDir: CTX,
      onLog: (l) => logs.push(l),
      onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.message}`)
    })
    expect(res.builder).toBe('buildkit')
    expect(res.graph.builder).toBe('buildkit')
    expect(res.images.every((i) => i.removed)).toBe(true)
    // Steps as BuildKit names them, cached or not, and no undecoded trace.
    expect(logs.some((l) => /^\[deps 5\/5\] RUN npm install( \(cached\))?$/.test(l))).toBe(true)
    expect(logs.some((l) => /^\[stage-3 4\/4\] COPY --from=build \/app\/dist \.\/dist/.test(l))).toBe(true)
    expect(logs.some((l) => l.includes('moby.buildkit.trace'))).toBe(false)
    expect(progress).toContain('2/3 Building stage 3 (3 of 3): [stage-3 3/4] COPY --from=deps /app/node_modules ./node_modules')
    expect(progress.at(-1)).toBe('3/3 All stages built')
  })
})

describe.each(['buildkit', 'legacy'] as const)('stage builds on the real engine (%s)', (builder) => {
  it('measures every used stage of the three-stage Node-like build and the bytes each COPY --from passes', async () => {
    const dockerfilePath = join(CTX, 'Dockerfile')
    const { parsed, graph } = prepare(readFileSync(dockerfilePath, 'utf8'))
    const logs: string[] = []
    const progress: string[] = []
    const res = await buildStages(engine, {
      parsed,
      graph,
      dockerfilePath,
      contextDir: CTX,
      keepImages: true,
      builder,
      onLog: (l) => logs.push(l),
      onProgress: (p) => progress.push(`${p.done}/${p.total}`)
    })
    try {
      expect(res.builder).toBe(builder)
      expect([...new Set(progress)]).toEqual(['0/3', '1/3', '2/3', '3/3'])
      if (builder === 'legacy') expect(logs.some((l) => l.startsWith('Step '))).toBe(true)
      else expect(logs.some((l) => l.startsWith('[deps 1/5] FROM '))).toBe(true)
      const node = (name: string) => res.graph.nodes.find((n) => n.name === name)!
      expect(node('lint').unused).toBe(true)
      expect(node('lint').measured).toBeUndefined()
      for (const name of ['deps', 'build', '3']) {
        const m = node(name).measured!
        const info = await engine.inspectImage(m.imageId)
        expect(m.size).toBe(info.Size)
        expect(m.layers).toBe(info.RootFS?.Layers?.length)
        expect(info.Config?.Labels?.[STAGE_BUILD_LABEL]).toBe('1')
        expect(info.RepoTags ?? []).toEqual([])
      }
      // Both builders make the same layers here (BuildKit's WORKDIR layer is the legacy
      // builder's too), so layer counts and every size below are the same figures.
      expect([node('deps'), node('build'), node('3')].map((n) => n.measured!.layers)).toEqual([5, 7, 4])
      // deps: the fake npm install; build adds the 1000 KiB "compiler" and the 50 KiB bundle.
      // tools/npm writes lib/index.js (19 B), devtool/index.js (23 B) and 200 + 300 KiB of blobs.
      const nodeModules = 19 + 23 + 500 * 1024
      const dist = fileBytes('src/index.js') + 50 * 1024
      expect(res.lineBytes.get(7)).toBe(nodeModules)
      expect(res.lineBytes.get(11)).toBe(1000 * 1024 + dist)
      const copyDeps = res.graph.edges.find((e) => e.kind === 'copy' && e.line === 20)!
      const copyBuild = res.graph.edges.find((e) => e.kind === 'copy' && e.line === 21)!
      expect(copyDeps.bytes).toBe(nodeModules)
      expect(copyBuild.bytes).toBe(dist)
      expect(node('deps').passesBytes).toBe(nodeModules)
      expect(node('build').passesBytes).toBe(dist)
      expect(node('3').instructions.find((i) => i.range.startLine === 20)!.measuredBytes).toBe(nodeModules)
      // The final image = base + what the two COPY --from bring (WORKDIR adds an empty layer).
      const base = await engine.inspectImage('layerscope-fixture/busybox:1')
      expect(node('3').measured!.size).toBe(base.Size + nodeModules + dist)
      // deps = base + the two COPYs + node_modules; build = deps + src + compiler + dist.
      expect(node('deps').measured!.size).toBe(base.Size + fileBytes('tools/npm', 'package.json', 'package-lock.json') + nodeModules)
      expect(node('build').measured!.size).toBe(node('deps').measured!.size + fileBytes('src/index.js') + 1000 * 1024 + dist)
    } finally {
      await engine.removeImages([...res.images].reverse().map((img) => img.imageId), { noprune: false })
    }
  })

  it('removes the images it built unless asked to keep them, and never others', async () => {
    const before = await labelled()
    const text = `FROM layerscope-fixture/busybox:1\nRUN dd if=/dev/zero of=/x bs=1024 count=3\nFROM layerscope-fixture/busybox:1\nCOPY --from=0 /x /x\n`
    await withDockerfile(text, async (o) => {
      const res = await buildStages(engine, { ...o, builder })
      expect(res.builder).toBe(builder)
      expect(res.images).toHaveLength(2)
      expect(res.images.every((i) => i.removed)).toBe(true)
      for (const i of res.images) expect(await exists(i.imageId)).toBe(false)
      // the unnamed first stage was targeted through a generated name
      expect(res.graph.edges.find((e) => e.kind === 'copy')!.bytes).toBe(3 * 1024)
      expect((await labelled()).sort()).toEqual(before.sort())
    })
  })

  it('fails with BUILD_FAILED and the failing line, after metadata steps and in a stage built FROM a stage', async () => {
    const text = `FROM layerscope-fixture/busybox:1 AS a\nRUN echo ok\nFROM a AS b\nENV X=1\nRUN exit 3\nFROM b\n`
    const before = await labelled()
    await withDockerfile(text, async (o) => {
      const logs: string[] = []
      // keepImages: stage a's image is still removed, as the failed run returns no image list
      const err = (await buildStages(engine, { ...o, builder, keepImages: true, onLog: (l) => logs.push(l) }).catch((e: unknown) => e)) as LayerscopeError
      expect(err.code).toBe('BUILD_FAILED')
      expect(err.detail?.line).toBe(5)
      expect(err.detail?.stage).toBe('b')
      expect(err.message).toMatch(/^Building stage b failed at line 5: .*(returned a non-zero code|exit code): 3/)
      if (builder === 'buildkit') expect(logs).toContain('ERROR: [b 1/1] RUN exit 3: executor failed running [/bin/sh -c exit 3]: exit code: 3')
      expect((await labelled()).sort()).toEqual(before.sort())
    })
  })

  it('stops on cancel: the step does not finish later, and no image of ours is left', async () => {
    const before = await labelled()
    const token = `cancel-${randomUUID()}`
    // Line 2 commits a step image (legacy builder) before line 3 is cancelled.
    const text = `FROM layerscope-fixture/busybox:1 AS a\nRUN echo ${token} > /marker\nRUN echo ${token} && sleep 4 && echo finished\nFROM a\nRUN echo never\n`
    await withDockerfile(text, async (o) => {
      const ac = new AbortController()
      const logs: string[] = []
      const err = (await buildStages(engine, {
        ...o,
        builder,
        signal: ac.signal,
        onLog: (l) => {
          logs.push(l)
          if (l === token) ac.abort()
        }
      }).catch((e: unknown) => e)) as LayerscopeError
      expect(err.code).toBe('CANCELLED')
      expect(logs).not.toContain('finished')
      expect((await labelled()).sort()).toEqual(before.sort())
      // The legacy builder's step images of the cancelled stage are gone too.
      for (const m of logs.map((l) => /^ ?---> ([0-9a-f]{12,})$/.exec(l)).filter((m) => m !== null)) {
        const id = m[1]!
        const info = await engine.inspectImage(id).catch(() => undefined)
        if (info) expect(info.RepoTags ?? [], `step image ${id} left behind`).not.toEqual([])
      }
      // Had the engine kept running the cancelled step, it would be in the cache by now.
      await new Promise((r) => setTimeout(r, 5000))
      const again: string[] = []
      const res = await buildStages(engine, { ...o, builder, onLog: (l) => again.push(l) })
      expect(again).toContain('finished')
      expect(res.images.every((i) => i.removed)).toBe(true)
    })
  })
})
