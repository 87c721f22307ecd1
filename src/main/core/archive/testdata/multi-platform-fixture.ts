// A REAL multi-platform OCI layout for the integration tests, made with real tools: an amd64
// image built on the engine and an arm64 one `docker import`ed from a tiny rootfs, both copied
// out by skopeo, then joined under one index. The engine here (20.10, no containerd store)
// ignores `docker import --platform`, so the arm64 config is rewritten (architecture, new
// digest, new manifest) — skopeo then proves the result valid: it inspects it and picks each
// platform with --override-arch.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BASE_IMAGE, FIXTURE_LABEL, buildImage, docker, ensureBaseImage } from '../../../../../scripts/fixtures/base-image'

export const MP_PREFIX = 'layerscope-test/multiplatform-'
export const MP_AMD64 = `${MP_PREFIX}amd64:1`
/** The arm64 image as the engine stores it after loading the rewritten layout. */
export const MP_ARM64 = `${MP_PREFIX}arm64:1`
/** The imported rootfs before its config is rewritten (the engine records it as amd64). */
const MP_ARM64_SRC = `${MP_PREFIX}arm64-src:1`
export const MP_TAG = 'multi'

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

export interface MultiPlatformFixture {
  /** Single-platform OCI layouts (skopeo's own output; arm64 with its rewritten config). */
  amd64Dir: string
  arm64Dir: string
  arm64Tar: string
  /** index.json -> image index blob -> two platform manifests (what buildx and skopeo --all write). */
  nestedDir: string
  nestedTar: string
  /** index.json itself lists both platform manifests. */
  flatDir: string
  flatTar: string
  /** The layer blobs of each platform's manifest, in order (paths inside nestedDir). */
  layerBlobs: Record<'amd64' | 'arm64', string[]>
  configs: Record<'amd64' | 'arm64', { digest: string; diffIds: string[] }>
}

function skopeo(args: string[]): string {
  return execFileSync('skopeo', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] })
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`
const blobFile = (dir: string, digest: string): string => join(dir, 'blobs', ...digest.split(':'))
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T

function writeBlob(dir: string, body: Buffer): string {
  const d = sha(body)
  writeFileSync(blobFile(dir, d), body)
  return d
}

function onlyManifest(dir: string): Descriptor {
  const idx = readJson<{ manifests: Descriptor[] }>(join(dir, 'index.json'))
  if (idx.manifests.length !== 1) throw new Error(`${dir}: expected one manifest, got ${idx.manifests.length}`)
  return idx.manifests[0]!
}

function tarUp(dir: string, file: string): void {
  execFileSync('tar', ['-C', dir, '-cf', file, 'oci-layout', 'index.json', 'blobs'])
}

function copyBlobs(from: string, to: string): void {
  mkdirSync(join(to, 'blobs', 'sha256'), { recursive: true })
  for (const f of readdirSync(join(from, 'blobs', 'sha256'))) copyFileSync(join(from, 'blobs', 'sha256', f), join(to, 'blobs', 'sha256', f))
}

/** Gives the one image of a skopeo-written layout a new platform: new config blob, new manifest blob, new index. */
function setPlatform(dir: string, architecture: string, variant?: string): void {
  const desc = onlyManifest(dir)
  const manifest = readJson<{ config: Descriptor; layers: Descriptor[] }>(blobFile(dir, desc.digest))
  const config = readJson<Record<string, unknown>>(blobFile(dir, manifest.config.digest))
  config.architecture = architecture
  if (variant) config.variant = variant
  const configBody = Buffer.from(JSON.stringify(config))
  manifest.config = { ...manifest.config, digest: writeBlob(dir, configBody), size: configBody.length }
  const manifestBody = Buffer.from(JSON.stringify(manifest))
  const index = { schemaVersion: 2, manifests: [{ ...desc, digest: writeBlob(dir, manifestBody), size: manifestBody.length }] }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index))
}

/** The rootfs of the arm64 image: files only (it is analysed, never run). */
function arm64RootfsTar(root: string): Buffer {
  for (const d of ['etc', 'usr/lib/arm64', 'app']) mkdirSync(join(root, d), { recursive: true })
  writeFileSync(join(root, 'etc/os-release'), 'NAME=layerscope-arm64-fixture\n')
  writeFileSync(join(root, 'usr/lib/arm64/libfake.so'), Buffer.alloc(40_000, 0x41))
  writeFileSync(join(root, 'app/main'), Buffer.alloc(12_345, 0x7f))
  return execFileSync('tar', ['-C', root, '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 16 * 1024 * 1024 })
}

export async function buildMultiPlatformFixture(tmp: string): Promise<MultiPlatformFixture> {
  await ensureBaseImage()
  buildImage(MP_AMD64, `FROM ${BASE_IMAGE}\nCOPY app/ /app/\n`, { 'app/main': Buffer.alloc(23_456, 0x11), 'app/config.json': '{"amd64":true}\n' })
  mkdirSync(join(tmp, 'arm-root'), { recursive: true })
  docker(['import', '--platform', 'linux/arm64', '-c', `LABEL ${FIXTURE_LABEL}=test`, '-c', 'CMD ["/app/main"]', '-', MP_ARM64_SRC], arm64RootfsTar(join(tmp, 'arm-root')))

  const amd64Dir = join(tmp, 'amd64')
  const arm64Dir = join(tmp, 'arm64')
  skopeo(['copy', '-q', `docker-daemon:${MP_AMD64}`, `oci:${amd64Dir}`])
  skopeo(['copy', '-q', `docker-daemon:${MP_ARM64_SRC}`, `oci:${arm64Dir}`])
  docker(['rmi', MP_ARM64_SRC])
  setPlatform(arm64Dir, 'arm64', 'v8')
  // The engine can hold it too (a real arm64 engine image, loaded, never run).
  skopeo(['copy', '-q', `oci:${arm64Dir}`, `docker-daemon:${MP_ARM64}`])
  const arm64Tar = join(tmp, 'arm64.tar')
  tarUp(arm64Dir, arm64Tar)

  const amd = onlyManifest(amd64Dir)
  const arm = onlyManifest(arm64Dir)
  const platformed: Descriptor[] = [
    { mediaType: amd.mediaType, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: arm.mediaType, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
  ]

  const nestedDir = join(tmp, 'nested')
  copyBlobs(amd64Dir, nestedDir)
  copyBlobs(arm64Dir, nestedDir)
  writeFileSync(join(nestedDir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  const imageIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: platformed }))
  const top: Descriptor = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: writeBlob(nestedDir, imageIndex),
    size: imageIndex.length,
    annotations: { 'org.opencontainers.image.ref.name': MP_TAG }
  }
  writeFileSync(join(nestedDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [top] }))

  const flatDir = join(tmp, 'flat')
  copyBlobs(amd64Dir, flatDir)
  copyBlobs(arm64Dir, flatDir)
  writeFileSync(join(flatDir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  // Each entry also named (ref.name), so skopeo — which does not pick by platform in a flat index — can address each.
  const flat = platformed.map((d) => ({ ...d, annotations: { 'org.opencontainers.image.ref.name': `${MP_TAG}-${d.platform!.architecture}` } }))
  writeFileSync(join(flatDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: flat }))

  const nestedTar = join(tmp, 'nested.tar')
  const flatTar = join(tmp, 'flat.tar')
  tarUp(nestedDir, nestedTar)
  tarUp(flatDir, flatTar)

  const info = (d: Descriptor): { layers: string[]; config: { digest: string; diffIds: string[] } } => {
    const m = readJson<{ config: Descriptor; layers: Descriptor[] }>(blobFile(nestedDir, d.digest))
    const c = readJson<{ rootfs: { diff_ids: string[] } }>(blobFile(nestedDir, m.config.digest))
    return { layers: m.layers.map((l) => blobFile(nestedDir, l.digest)), config: { digest: m.config.digest, diffIds: c.rootfs.diff_ids } }
  }
  const a = info(amd)
  const r = info(arm)
  return {
    amd64Dir,
    arm64Dir,
    arm64Tar,
    nestedDir,
    nestedTar,
    flatDir,
    flatTar,
    layerBlobs: { amd64: a.layers, arm64: r.layers },
    configs: { amd64: a.config, arm64: r.config }
  }
}

export { skopeo }
