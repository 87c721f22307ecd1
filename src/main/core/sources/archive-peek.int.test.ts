// Archives show their layer list early too: a `docker save` tar and an OCI layout (tar and
// folder, as skopeo writes them) are peeked by seeking, with the figures their own manifests
// and configs hold; a .tar.gz has no peek (it would mean decompressing it all). Opening an
// archive sends the preview before any layer is marked read, and each layer is marked read
// once its bytes hashed to its diff ID.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage, removeTestImages } from '../../../../scripts/fixtures/base-image'
import type { JobProgress } from '../../../shared/models/analysis'
import { AnalysisService } from '../analysis/analysis-service'
import { EngineClient } from '../engine/engine-client'
import { peekOciDir, peekTarArchive } from './archive-peek'

const IMG = 'layerscope-test/archive-peek:1'
let tmp: string
let saved: string
let inspect: { Id: string; RepoTags: string[]; RootFS: { Layers: string[] } }

beforeAll(async () => {
  await ensureBaseImage()
  buildImage(IMG, `FROM ${BASE_IMAGE}\nRUN dd if=/dev/urandom of=/a bs=1k count=600\nENV A=1\nRUN dd if=/dev/urandom of=/b bs=1k count=300\n`)
  tmp = mkdtempSync(join(tmpdir(), 'ls-peek-int-'))
  saved = join(tmp, 'saved.tar')
  docker(['save', '-o', saved, IMG])
  inspect = JSON.parse(docker(['image', 'inspect', IMG]))[0]
})

afterAll(() => {
  removeTestImages('layerscope-test/archive-peek')
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('archive peek', () => {
  it('a docker save tar: the engine image it was saved from, without reading a layer', async () => {
    const d = (await peekTarArchive(saved))!
    expect(d.id).toBe(inspect.Id)
    expect(d.repoTags).toEqual(inspect.RepoTags)
    expect(d.layers.map((l) => l.diffId)).toEqual(inspect.RootFS.Layers)
    expect(d.config?.history?.length).toBeGreaterThan(inspect.RootFS.Layers.length)
  })

  it('an OCI layout, tar and folder: the layout manifest\'s blob digests and sizes', async () => {
    const dir = join(tmp, 'oci')
    const tar = join(tmp, 'oci.tar')
    execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMG}`, `oci:${dir}:t1`])
    execFileSync('skopeo', ['copy', '-q', `docker-daemon:${IMG}`, `oci-archive:${tar}:t1`])
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }
    const manifest = JSON.parse(readFileSync(join(dir, 'blobs', ...index.manifests[0]!.digest.split(':')), 'utf8')) as {
      config: { digest: string; size: number }
      layers: Array<{ digest: string; size: number }>
    }
    for (const d of [(await peekOciDir(dir))!, (await peekTarArchive(tar))!]) {
      expect(d.id).toBe(manifest.config.digest)
      expect(d.configBytes).toBe(manifest.config.size)
      expect(d.layers.map((l) => [l.blobDigest, l.blobBytes])).toEqual(manifest.layers.map((l) => [l.digest, l.size]))
      expect(d.layers.map((l) => l.diffId)).toEqual(inspect.RootFS.Layers)
    }
  })

  it('no peek for a .tar.gz, a non-archive or a missing file', async () => {
    const gz = join(tmp, 'saved.tar.gz')
    writeFileSync(gz, gzipSync(readFileSync(saved)))
    expect(await peekTarArchive(gz)).toBeNull()
    const junk = join(tmp, 'junk.tar')
    writeFileSync(junk, Buffer.alloc(4096, 7))
    expect(await peekTarArchive(junk)).toBeNull()
    expect(await peekTarArchive(join(tmp, 'nope.tar'))).toBeNull()
  })

  it('opening the tar sends the preview first, then each layer as its bytes verify', async () => {
    const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), cacheDir: join(tmp, 'cache') })
    const ev: Array<Omit<JobProgress, 'jobId'>> = []
    const img = await svc.open({ kind: 'archive', path: saved }, { onProgress: (p) => ev.push(p) })
    await svc.flush()
    const at = ev.findIndex((e) => e.preview)
    expect(at).toBeGreaterThanOrEqual(0)
    const pv = ev[at]!.preview!
    expect(pv.layers.map((l) => l.diffId)).toEqual(inspect.RootFS.Layers)
    expect(pv.layers.every((l) => !l.cached)).toBe(true)
    expect(pv.history.map((h) => h.createdBy)).toEqual(img.analysis.history.map((h) => h.createdBy))
    const reads = ev.map((e, i) => [i, e.layerRead] as const).filter(([, l]) => l !== undefined)
    expect(reads.every(([i]) => i > at)).toBe(true)
    const analyse = ev.findIndex((e) => e.phase === 'analyse')
    expect(reads.filter(([i]) => i < analyse).map(([, l]) => l).sort()).toEqual(inspect.RootFS.Layers.map((_, i) => i))
  })
})
