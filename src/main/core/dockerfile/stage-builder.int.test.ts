// Building each stage on the real engine: sizes equal inspect, COPY --from bytes equal the
// files copied, failures name their line, cancel stops, and only our images are removed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineClient } from '../engine/engine-client'
import { parseDockerfile } from './parser'
import { STAGE_BUILD_LABEL, buildStages } from './stage-builder'
import { buildStageGraph } from './stage-graph'
import type { LayerscopeError } from '../errors'

const CTX = join(__dirname, 'testdata', 'node-like')
const engine = EngineClient.fromEnvironment()
const fileBytes = (...rels: string[]): number => rels.reduce((s, r) => s + statSync(join(CTX, r)).size, 0)
const labelled = async (): Promise<string[]> =>
  (await engine.docker.listImages({ all: true, filters: { label: [`${STAGE_BUILD_LABEL}=1`] } })).map((i) => i.Id)

function prepare(text: string, target?: string) {
  const parsed = parseDockerfile(text)
  const { graph } = buildStageGraph(parsed, target)
  return { parsed, graph }
}

describe('stage builds on the real engine', () => {
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
      onLog: (l) => logs.push(l),
      onProgress: (p) => progress.push(`${p.done}/${p.total}`)
    })
    try {
      expect(res.builder).toBe('legacy')
      expect(progress).toEqual(['0/3', '1/3', '2/3', '3/3'])
      expect(logs.some((l) => l.startsWith('Step '))).toBe(true)
      const node = (name: string) => res.graph.nodes.find((n) => n.name === name)!
      expect(node('lint').unused).toBe(true)
      expect(node('lint').measured).toBeUndefined()
      for (const name of ['deps', 'build', '3']) {
        const m = node(name).measured!
        const info = await engine.docker.getImage(m.imageId).inspect()
        expect(m.size).toBe(info.Size)
        expect(m.layers).toBe(info.RootFS.Layers?.length)
        expect(info.Config.Labels?.[STAGE_BUILD_LABEL]).toBe('1')
        expect(info.RepoTags ?? []).toEqual([])
      }
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
      const base = await engine.docker.getImage('layerscope-fixture/busybox:1').inspect()
      expect(node('3').measured!.size).toBe(base.Size + nodeModules + dist)
    } finally {
      for (const img of [...res.images].reverse()) await engine.docker.getImage(img.imageId).remove({ noprune: false }).catch(() => undefined)
    }
  })

  it('removes the images it built unless asked to keep them, and never others', async () => {
    const before = await labelled()
    const dir = mkdtempSync(join(tmpdir(), 'layerscope-sb-'))
    try {
      const text = `FROM layerscope-fixture/busybox:1\nRUN dd if=/dev/zero of=/x bs=1024 count=3\nFROM layerscope-fixture/busybox:1\nCOPY --from=0 /x /x\n`
      writeFileSync(join(dir, 'Dockerfile'), text)
      const { parsed, graph } = prepare(text)
      const res = await buildStages(engine, { parsed, graph, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir })
      expect(res.images).toHaveLength(2)
      expect(res.images.every((i) => i.removed)).toBe(true)
      // the unnamed first stage was targeted through a generated name
      expect(res.graph.edges.find((e) => e.kind === 'copy')!.bytes).toBe(3 * 1024)
      expect((await labelled()).sort()).toEqual(before.sort())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails with BUILD_FAILED and the failing line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerscope-sb-'))
    try {
      const text = `FROM layerscope-fixture/busybox:1 AS a\nRUN echo ok\nRUN exit 3\nFROM a\n`
      writeFileSync(join(dir, 'Dockerfile'), text)
      const { parsed, graph } = prepare(text)
      const err = (await buildStages(engine, { parsed, graph, dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir }).catch((e: unknown) => e)) as LayerscopeError
      expect(err.code).toBe('BUILD_FAILED')
      expect(err.detail?.line).toBe(3)
      expect(err.message).toMatch(/Building stage a failed at line 3: .*returned a non-zero code: 3/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stops on cancel and leaves no image behind', async () => {
    const before = await labelled()
    const dir = mkdtempSync(join(tmpdir(), 'layerscope-sb-'))
    try {
      const text = `FROM layerscope-fixture/busybox:1 AS a\nRUN echo $RANDOM-slow && sleep 20\nFROM a\nRUN echo never\n`
      writeFileSync(join(dir, 'Dockerfile'), text)
      const { parsed, graph } = prepare(text)
      const ac = new AbortController()
      const p = buildStages(engine, {
        parsed,
        graph,
        dockerfilePath: join(dir, 'Dockerfile'),
        contextDir: dir,
        signal: ac.signal,
        onLog: (l) => {
          if (l.includes('Running in')) ac.abort()
        }
      })
      const err = (await p.catch((e: unknown) => e)) as LayerscopeError
      expect(err.code).toBe('CANCELLED')
      expect((await labelled()).sort()).toEqual(before.sort())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
