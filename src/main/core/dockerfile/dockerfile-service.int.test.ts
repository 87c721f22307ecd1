// The DockerfileService against the real engine and a real registry (Debian's docker-registry):
// a failed build marks the stage that failed and keeps what the stages before it measured;
// external image nodes are sized without a build, from the engine (inspect .Size) or from the
// registry's manifest (download), with the slimmer sibling tags Savings measures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { pushImage, registrySkipReason, skopeoRawManifest, startRegistry, type TestRegistry } from '../../../../scripts/test-env/registry'
import { formatBytes } from '../../../shared/format'
import { EngineClient } from '../engine/engine-client'
import type { LayerscopeError } from '../errors'
import { RegistryClient } from '../registry'
import { DockerfileService } from './dockerfile-service'

const engine = EngineClient.fromEnvironment()
const PREFIX = 'layerscope-test/df-service'
let dir: string

function write(text: string): string {
  writeFileSync(join(dir, 'Dockerfile'), text)
  return join(dir, 'Dockerfile')
}

beforeAll(async () => {
  await ensureBaseImage()
  dir = mkdtempSync(join(tmpdir(), 'layerscope-dfs-'))
}, 120_000)
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  removeTestImages(PREFIX)
})

describe('a failed build', () => {
  it('marks the failed stage (line, instruction, the engine\'s words) and keeps the earlier stage\'s figures; an edited line clears the mark', async () => {
    const svc = new DockerfileService({ engine: () => engine })
    const path = write(`FROM ${BASE_IMAGE} AS a\nRUN dd if=/dev/zero of=/x bs=1024 count=7\nFROM a AS b\nENV X=1\nRUN echo failing && exit 3\nFROM b\n`)
    const err = (await svc.build({ path }).catch((e: unknown) => e)) as LayerscopeError
    expect(err.code).toBe('BUILD_FAILED')
    expect(err.detail).toMatchObject({ stage: 'b', stageId: 'stage:1', line: 5 })
    const a = await svc.open({ path })
    const [sa, sb, s2] = a.graph.nodes.filter((n) => n.kind === 'stage')
    // stage a was built: its size is the engine's (the base plus the 7 KiB file it wrote)
    const base = (await engine.inspectImage(BASE_IMAGE)).Size
    expect(sa!.measured?.size).toBe(base + 7 * 1024)
    expect(sa!.buildError).toBeUndefined()
    expect(sb!.buildError).toMatchObject({ line: 5, instruction: 'RUN echo failing && exit 3' })
    expect(sb!.buildError!.message).toMatch(/exit code: 3|returned a non-zero code: 3/)
    expect(sb!.measured).toBeUndefined()
    expect(s2!.measured).toBeUndefined()
    expect(s2!.buildError).toBeUndefined()
    // the layout made room for the failed footer: boxes exist for every node
    expect(Object.keys(a.graph.layout!.nodes)).toHaveLength(a.graph.nodes.length)
    // The user fixes line 5: the old failure no longer describes this Dockerfile.
    write(`FROM ${BASE_IMAGE} AS a\nRUN dd if=/dev/zero of=/x bs=1024 count=7\nFROM a AS b\nENV X=1\nRUN echo fixed\nFROM b\n`)
    const fixed = await svc.open({ path })
    expect(fixed.graph.nodes.find((n) => n.id === 'stage:1')!.buildError).toBeUndefined()
    expect(fixed.graph.nodes.find((n) => n.id === 'stage:0')!.measured?.size).toBe(base + 7 * 1024)
    // and a good build replaces the failed measurement
    const g = await svc.build({ path })
    expect(g.nodes.every((n) => n.buildError === undefined)).toBe(true)
    expect((await svc.open({ path })).graph.nodes.filter((n) => n.kind === 'stage').every((n) => n.measured !== undefined)).toBe(true)
  }, 240_000)
})

describe('external image nodes without a build', () => {
  it('an image the engine has shows inspect .Size; one nobody has says why', async () => {
    const svc = new DockerfileService({ engine: () => engine, registry: () => new RegistryClient() })
    const missing = `${PREFIX}-nope:1`
    const path = write(`FROM ${BASE_IMAGE} AS a\nCOPY --from=${missing} /x /x\nFROM scratch\nCOPY --from=a /bin/sh /sh\n`)
    const a = await svc.open({ path })
    const have = a.graph.nodes.find((n) => n.name === BASE_IMAGE)!
    const info = await engine.inspectImage(BASE_IMAGE)
    expect(have.imageSize).toEqual({ bytes: info.Size, kind: 'engine', ref: BASE_IMAGE })
    expect(have.imageSizeNote).toBeUndefined()
    const none = a.graph.nodes.find((n) => n.name === missing)!
    expect(none.imageSize).toBeUndefined()
    expect(none.imageSizeNote).toMatch(/^Not sized: the engine does not have it; its registry: /)
    expect(a.graph.nodes.find((n) => n.kind === 'scratch')!.imageSize).toBeUndefined()
    // The box says which size it is.
    expect(a.graph.layout!.nodes[have.id]!.subtitle).toMatch(/ · in the engine$/)
  }, 60_000)
})

const skip = registrySkipReason()
describe.skipIf(skip)('external image nodes from a registry (real registry)', () => {
  let reg: TestRegistry
  beforeAll(async () => {
    reg = await startRegistry()
    buildImage(`${PREFIX}-slim:1`, 'FROM scratch\nCOPY blob.bin /blob.bin\n', { 'blob.bin': Buffer.alloc(30_000, 7) })
    await pushImage(`docker-daemon:${BASE_IMAGE}`, reg.host, 'df/base:1')
    await pushImage(`docker-daemon:${PREFIX}-slim:1`, reg.host, 'df/base:1-slim')
    await pushImage(`docker-daemon:${PREFIX}-slim:1`, reg.host, 'df/base:1-alpine')
  }, 180_000)
  afterAll(async () => {
    await reg?.stop()
  })

  it('an image only the registry has shows its download size from the manifest and its slimmer siblings, like Savings', async () => {
    const size = async (t: string): Promise<number> => {
      const m = (await skopeoRawManifest(reg.host, t)).json as { config: { size: number }; layers: Array<{ size: number }> }
      return m.layers.reduce((n, l) => n + l.size, 0) + m.config.size
    }
    const svc = new DockerfileService({ engine: () => engine, registry: () => new RegistryClient() })
    const ref = `${reg.host}/df/base:1`
    const path = write(`FROM ${ref}\nRUN true\n`)
    const a = await svc.open({ path })
    const n = a.graph.nodes.find((x) => x.kind === 'image')!
    const own = await size('df/base:1')
    expect(n.imageSize).toEqual({ bytes: own, kind: 'download', ref })
    const slim = await size('df/base:1-slim')
    expect(n.slimmer).toEqual({
      base: ref,
      downloadSize: own,
      siblings: [
        { tag: '1-slim', ref: `${ref}-slim`, downloadSize: slim, savesBytes: own - slim },
        { tag: '1-alpine', ref: `${ref}-alpine`, downloadSize: slim, savesBytes: own - slim }
      ]
    })
    const box = a.graph.layout!.nodes[n.id]!
    expect(box.subtitle).toMatch(/ download · registry$/)
    const tail = ` ${formatBytes(slim)} download`
    expect(box.lines).toEqual([`…${`${ref}-slim`.slice(-(40 - tail.length - 1))}${tail}`, `…${`${ref}-alpine`.slice(-(40 - tail.length - 1))}${tail}`])
    expect(box.lines.every((l) => l.length <= 40)).toBe(true)
    // A tag the registry lacks: no size, and the registry's words.
    const gone = write(`FROM ${reg.host}/df/base:404\n`)
    const b = await svc.open({ path: gone })
    expect(b.graph.nodes.find((x) => x.kind === 'image')!.imageSizeNote).toMatch(/^Not sized: the engine does not have it; its registry: .*has no tag "404"/)
  }, 60_000)
})
