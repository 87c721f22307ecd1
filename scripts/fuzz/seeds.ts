// Seed archives for the fuzzer, made by the real tools: `docker save` (docker-archive),
// skopeo (OCI layouts with gzip and with zstd layers), and a multi-platform layout (a nested
// image index over skopeo's manifest). Built once into a folder and reused.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BASE_IMAGE, buildImage, docker, ensureBaseImage } from '../fixtures/base-image'

export const SEED_NAMES = ['docker-archive.tar', 'oci-gzip.tar', 'oci-zstd.tar', 'oci-multi-platform.tar'] as const
const IMAGE = 'layerscope-test/fuzz-seed:1'

// Whiteouts, an opaque dir, links, a long name, a big and a sparse-ish file: the reader's paths.
const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN mkdir -p /app/data /app/cache && echo one > /app/data/a && echo two > /app/cache/b && dd if=/dev/zero of=/app/big bs=1k count=200 2>/dev/null
RUN rm -r /app/cache && ln -s /app/data/a /app/link && ln /app/data/a /app/hard && mkdir -p /app/$(printf 'n%.0s' $(seq 1 120))/x && echo deep > /app/$(printf 'n%.0s' $(seq 1 120))/x/f
RUN rm -r /app/data && mkdir /app/data && echo fresh > /app/data/c
`

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}

function tarUp(dir: string, file: string): void {
  execFileSync('tar', ['-C', dir, '-cf', file, 'oci-layout', 'index.json', 'blobs'])
}

/** Builds the seeds into `dir` when missing; returns their paths. */
export async function ensureSeeds(dir: string): Promise<string[]> {
  const paths = SEED_NAMES.map((n) => join(dir, n))
  if (paths.every((p) => existsSync(p))) return paths
  mkdirSync(dir, { recursive: true })
  await ensureBaseImage()
  buildImage(IMAGE, DOCKERFILE)
  try {
    const save = join(dir, 'docker-archive.tar')
    docker(['save', '-o', save, IMAGE])
    const work = join(dir, 'work')
    rmSync(work, { recursive: true, force: true })
    mkdirSync(work, { recursive: true })
    execFileSync('skopeo', ['copy', '-q', `docker-archive:${save}`, `oci:${join(work, 'gzip')}`])
    execFileSync('skopeo', ['copy', '-q', '--dest-compress-format', 'zstd', '--dest-compress', `docker-archive:${save}`, `oci:${join(work, 'zstd')}`])
    tarUp(join(work, 'gzip'), join(dir, 'oci-gzip.tar'))
    tarUp(join(work, 'zstd'), join(dir, 'oci-zstd.tar'))
    // Multi-platform: index.json -> image index blob -> the manifest under two platforms.
    const mp = join(work, 'gzip')
    const idx = JSON.parse(readFileSync(join(mp, 'index.json'), 'utf8')) as { manifests: Array<Record<string, unknown>> }
    const m = idx.manifests[0]!
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os: 'unknown', architecture: 'unknown' } }
        ]
      })
    )
    writeFileSync(join(mp, 'blobs', 'sha256', sha(nested)), nested)
    writeFileSync(
      join(mp, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${sha(nested)}`, size: nested.length, annotations: { 'org.opencontainers.image.ref.name': 'seed' } }] })
    )
    tarUp(mp, join(dir, 'oci-multi-platform.tar'))
    rmSync(work, { recursive: true, force: true })
  } finally {
    docker(['rmi', IMAGE])
  }
  return paths
}
