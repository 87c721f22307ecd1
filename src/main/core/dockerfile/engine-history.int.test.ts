// Which steps make layers, as the real engine records them (the image config's empty_layer in
// `docker save`), for the legacy builder and BuildKit, against what readEngineHistory works out
// from the engine's /history alone. Answers the WORKDIR question on this engine.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker, ensureBaseImage, FIXTURE_LABEL } from '../../../../scripts/fixtures/base-image'
import { EngineClient } from '../engine/engine-client'
import { contextTar } from './context-tar'
import type { ContextEntry } from './context-walk'
import { readEngineHistory } from './engine-history'

const engine = EngineClient.fromEnvironment()
const TAG = `layerscope-test/history-${process.pid}`
// 0-byte steps of every kind: a RUN that changes nothing, a WORKDIR that makes its folder, the
// same WORKDIR again, a RUN that makes a folder, a COPY of an empty file.
const DOCKERFILE = [
  'FROM layerscope-fixture/busybox:1',
  'RUN echo nothing changes',
  'WORKDIR /app',
  'ENV A=1',
  'WORKDIR /app',
  'RUN mkdir /made',
  'COPY empty.txt /e',
  'RUN echo 12345 > /five'
].join('\n')
const files: Record<string, Buffer> = { Dockerfile: Buffer.from(DOCKERFILE), 'empty.txt': Buffer.alloc(0) }

function savedEmptyLayers(ref: string): { createdBy: string; empty: boolean }[] {
  const manifest = JSON.parse(execFileSync('sh', ['-c', `docker save ${ref} | tar -xOf - manifest.json`], { encoding: 'utf8' })) as { Config: string }[]
  const config = JSON.parse(execFileSync('sh', ['-c', `docker save ${ref} | tar -xOf - ${manifest[0]!.Config}`], { encoding: 'utf8', maxBuffer: 1 << 24 })) as {
    history: { created_by?: string; empty_layer?: boolean }[]
  }
  return config.history.map((h) => ({ createdBy: h.created_by ?? '', empty: h.empty_layer === true }))
}

async function buildWith(builder: 'legacy' | 'buildkit', tag: string): Promise<void> {
  const entries: ContextEntry[] = Object.entries(files).map(([rel, content]) => ({ rel, type: 'file', size: content.length, mode: 0o644, mtimeMs: 0, content }))
  const query = { t: tag, labels: { [FIXTURE_LABEL]: 'test' }, networkmode: 'none', rm: true, forcerm: true, nocache: true, ...(builder === 'buildkit' ? { version: '2' as const } : {}) }
  let error: string | undefined
  for await (const m of engine.build(contextTar('/nonexistent', entries), query)) if (m.error) error = m.error
  if (error) throw new Error(error)
}

beforeAll(async () => {
  await ensureBaseImage()
  await buildWith('legacy', `${TAG}:legacy`)
  await buildWith('buildkit', `${TAG}:buildkit`)
}, 180_000)
afterAll(() => {
  for (const t of ['legacy', 'buildkit']) docker(['rmi', `${TAG}:${t}`])
})

describe.each(['legacy', 'buildkit'] as const)('what the %s builder records', (builder) => {
  it('a WORKDIR that makes its folder makes a layer (and a RUN that changes nothing only with BuildKit)', () => {
    const saved = savedEmptyLayers(`${TAG}:${builder}`)
    const of = (re: RegExp) => saved.filter((h) => re.test(h.createdBy)).map((h) => h.empty)
    expect(of(/WORKDIR \/app/)[0]).toBe(false)
    // Docker 20.10: the legacy builder drops an empty diff, its BuildKit keeps it as a layer.
    expect(of(/echo nothing changes/)).toEqual([builder === 'legacy'])
    expect(of(/ENV A=1/)).toEqual([true])
    expect(of(/mkdir \/made/)).toEqual([false])
    expect(of(/COPY .*\/e( |$)/)).toEqual([false])
  })

  it('readEngineHistory works out the same layers from /history as the image config says', async () => {
    const saved = savedEmptyLayers(`${TAG}:${builder}`)
    const mine = await readEngineHistory(engine, `${TAG}:${builder}`)
    expect(mine.map((h) => h.createdBy)).toEqual(saved.map((h) => h.createdBy))
    const layerSteps = saved.map((h, i) => (h.empty ? -1 : i)).filter((i) => i >= 0)
    // Legacy: local step images pin every step. BuildKit keeps none: the step kinds decide.
    expect(mine.map((h) => h.emptyLayer)).toEqual(saved.map((h) => h.empty))
    expect(mine.filter((h) => h.layerIndex !== undefined).map((h) => mine.indexOf(h))).toEqual(layerSteps)
  })
})
