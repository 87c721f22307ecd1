// EngineClient's verbs against the real engine, each checked against the docker CLI's view.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildImage, docker, ensureBaseImage, FIXTURE_LABEL, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from './engine-client'

const PREFIX = 'layerscope-test/verbs'
const engine = EngineClient.fromEnvironment()
let ref: string

beforeAll(async () => {
  await ensureBaseImage()
  ref = buildImage(`${PREFIX}:a`, 'FROM layerscope-fixture/busybox:1\nRUN echo hi > /hi.txt\nWORKDIR /app\nENV A=1\n')
}, 120_000)
afterAll(() => removeTestImages(PREFIX))

describe('EngineClient verbs (real engine)', () => {
  it('ping and version say what `docker version` says', async () => {
    const [version, api] = docker(['version', '--format', '{{.Server.Version}}|{{.Server.APIVersion}}']).trim().split('|')
    expect(await engine.version()).toMatchObject({ Version: version, ApiVersion: api })
    const ping = await engine.ping()
    expect(ping.apiVersion).toBe(api)
  })

  it('inspectImage and imageHistory match `docker image inspect` / `docker history`', async () => {
    const cli = JSON.parse(docker(['image', 'inspect', ref]))[0] as { Id: string; Size: number; RootFS: { Layers: string[] } }
    const info = await engine.inspectImage(ref)
    expect(info.Id).toBe(cli.Id)
    expect(info.Size).toBe(cli.Size)
    expect(info.RootFS?.Layers).toEqual(cli.RootFS.Layers)
    const hist = await engine.imageHistory(ref)
    const cliHist = docker(['history', '--no-trunc', '--format', '{{.Size}}|{{.CreatedBy}}', '--human=false', ref]).trim().split('\n')
    expect(hist.map((h) => `${h.Size}|${h.CreatedBy}`)).toEqual(cliHist)
  })

  it('a missing image is IMAGE_NOT_FOUND naming it', async () => {
    await expect(engine.inspectImage(`${PREFIX}:missing`)).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: `No local image ${PREFIX}:missing: \`docker images\` lists what this engine has.`
    })
    await expect(engine.imageHistory(`${PREFIX}:missing`)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
    await expect(engine.saveImages([`${PREFIX}:missing`])).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })

  it('listImageEntries filters by label as `docker images --filter` does', async () => {
    const mine = await engine.listImageEntries({ filters: { label: [`${FIXTURE_LABEL}=test`], reference: [`${PREFIX}:*`] } })
    const cli = docker(['images', '--no-trunc', '--filter', `label=${FIXTURE_LABEL}=test`, '--filter', `reference=${PREFIX}:*`, '--format', '{{.ID}}']).trim().split('\n')
    expect(mine.map((i) => i.Id).sort()).toEqual([...new Set(cli)].sort())
  })

  it('saveImages streams the same bytes as `docker save`', async () => {
    const stream = await engine.saveImages([ref])
    const h = createHash('sha256')
    let n = 0
    for await (const c of stream as AsyncIterable<Buffer>) {
      h.update(c)
      n += c.length
    }
    const cli = execFileSync('sh', ['-c', `docker save ${ref} | tee /dev/null | sha256sum; docker save ${ref} | wc -c`], { encoding: 'utf8' }).trim().split('\n')
    expect(`${h.digest('hex')}  -`).toBe(cli[0])
    expect(n).toBe(Number(cli[1]))
  })

  it('saveImages is cancelled by its signal', async () => {
    const ac = new AbortController()
    const stream = await engine.saveImages([ref], ac.signal)
    ac.abort()
    await expect(
      (async () => {
        for await (const _ of stream as AsyncIterable<Buffer>) void _
      })()
    ).rejects.toBeTruthy()
  })

  it('events report a tag made while watching', async () => {
    const ac = new AbortController()
    const tag = `${PREFIX}:evt-${Date.now()}`
    const seen = (async () => {
      for await (const ev of engine.events({ type: ['image'], event: ['tag'] }, ac.signal)) {
        if (ev.Actor?.Attributes?.name === tag) return ev
      }
      return undefined
    })()
    await new Promise((r) => setTimeout(r, 300))
    docker(['tag', ref, tag])
    const ev = await Promise.race([seen, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])
    ac.abort()
    expect(ev).toMatchObject({ Type: 'image', Action: 'tag' })
    docker(['rmi', tag])
  })
})
