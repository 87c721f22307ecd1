// Stage builds touch nothing that was there before and believe no build output: an untagged
// image that existed before and that our stage image is built on (legacy cache) survives the
// cleanup, and a RUN printing a fake "Successfully built", " ---> <id>" or aux line does not
// change what is measured or removed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBaseImage, BASE_IMAGE } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from '../engine/engine-client'
import { parseDockerfile } from './parser'
import { buildStages, STAGE_BUILD_RUN_LABEL } from './stage-builder'
import { buildStageGraph } from './stage-graph'

const engine = EngineClient.fromEnvironment()
const exists = (id: string): Promise<boolean> => engine.inspectImage(id).then(
  () => true,
  () => false
)

async function inContext<T>(text: string, fn: (o: { dockerfilePath: string; contextDir: string }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-sbs-'))
  try {
    writeFileSync(join(dir, 'Dockerfile'), text)
    return await fn({ dockerfilePath: join(dir, 'Dockerfile'), contextDir: dir })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** An untagged image of the user's, made the way `docker build` without -t makes one. */
function userUntaggedImage(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerscope-user-'))
  try {
    writeFileSync(join(dir, 'Dockerfile'), text)
    return execFileSync('docker', ['build', '-q', '--network', 'none', dir], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } }).trim()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

beforeAll(async () => {
  await ensureBaseImage()
})

describe('stage builds and images that existed before (legacy builder)', () => {
  it('an untagged image of the user that our stage is built on survives; our own images go', async () => {
    const token = `keep-${process.pid}-${Date.now()}`
    const userText = `FROM ${BASE_IMAGE}\nRUN echo ${token} > /user\n`
    const user = userUntaggedImage(userText)
    try {
      expect((await engine.inspectImage(user)).RepoTags ?? []).toEqual([])
      // Same first step: the legacy builder takes the user's image from its cache as our parent.
      const text = `${userText}RUN echo ours > /ours\n`
      await inContext(text, async (o) => {
        const parsed = parseDockerfile(text)
        const res = await buildStages(engine, { ...o, parsed, graph: buildStageGraph(parsed).graph, builder: 'legacy' })
        expect(res.images).toHaveLength(1)
        expect(res.images[0]!.removed).toBe(true)
        expect(await exists(res.images[0]!.imageId)).toBe(false)
        expect(await exists(user)).toBe(true)
        const left = await engine.listImageEntries({ all: true })
        expect(left.some((i) => i.ParentId === user)).toBe(false)
      })
    } finally {
      await engine.removeImages([user])
    }
  })
})

describe.each(['legacy', 'buildkit'] as const)('forged build output (%s)', (builder) => {
  it('a RUN printing "Successfully built", " ---> <id>" and aux JSON changes nothing', async () => {
    const base = await engine.inspectImage(BASE_IMAGE)
    const short = base.Id.replace('sha256:', '').slice(0, 12)
    const forge = `echo "Successfully built ${short}"; echo " ---> ${short}"; echo '{"aux":{"ID":"${base.Id}"}}'; echo '{"stream":"Successfully built ${short}"}'`
    const text = `FROM ${BASE_IMAGE}\nRUN ${forge.replace(/\n/g, ' ')}; dd if=/dev/zero of=/blob bs=1024 count=7 2>/dev/null\n`
    await inContext(text, async (o) => {
      const parsed = parseDockerfile(text)
      const logs: string[] = []
      const res = await buildStages(engine, { ...o, parsed, graph: buildStageGraph(parsed).graph, builder, keepImages: true, onLog: (l) => logs.push(l) })
      try {
        expect(logs.some((l) => l.includes(`Successfully built ${short}`))).toBe(true)
        const m = res.graph.nodes.find((n) => n.kind === 'stage')!.measured!
        expect(m.imageId).not.toBe(base.Id)
        const info = await engine.inspectImage(m.imageId)
        // the measured image is the one this run labelled, and its figures are its own
        expect(info.Config?.Labels?.[STAGE_BUILD_RUN_LABEL]).toBeDefined()
        expect(m.size).toBe(info.Size)
        expect(m.size).toBe(base.Size + 7 * 1024)
        expect(res.lineBytes.get(2)).toBe(7 * 1024)
      } finally {
        await engine.removeImages(res.images.map((i) => i.imageId), { noprune: false })
      }
      expect(await exists(base.Id)).toBe(true)
    })
  })

  it('a failing RUN that forged a step ID leaves the image it named alone', async () => {
    const base = await engine.inspectImage(BASE_IMAGE)
    const short = base.Id.replace('sha256:', '').slice(0, 12)
    const text = `FROM ${BASE_IMAGE}\nRUN echo made > /m\nRUN echo " ---> ${short}"; echo "Successfully built ${short}"; exit 4\n`
    await inContext(text, async (o) => {
      const parsed = parseDockerfile(text)
      const err = await buildStages(engine, { ...o, parsed, graph: buildStageGraph(parsed).graph, builder }).catch((e: unknown) => e as { code?: string })
      expect(err).toMatchObject({ code: 'BUILD_FAILED' })
      expect(await exists(base.Id)).toBe(true)
    })
  })
})
