// OCI index -> (nested index) -> manifest, choosing the host's platform or the asked one.
import { arch as hostArch } from 'node:os'
import { ociPlatform } from '../../../shared/image-source'
import { LayerscopeError } from '../errors'
import { limitError, MAX_INDEX_DEPTH } from './limits'
import { Index, Manifest, ManifestOrIndex, parseDoc, type OciDescriptor, type OciIndex, type OciManifest } from './schemas'

export type { OciDescriptor, OciManifest } from './schemas'

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'])

/** Go's GOARCH names for Node's os.arch(). */
export function hostPlatform(): { os: string; architecture: string; variant?: string } {
  const a = hostArch()
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }
  return { os: 'linux', architecture: map[a] ?? a, variant: a === 'arm64' ? 'v8' : undefined }
}

export function parsePlatform(p: string): { os: string; architecture: string; variant?: string } {
  const [os, architecture, variant] = p.split('/')
  if (!os || !architecture) throw new LayerscopeError('INVALID_INPUT', `"${p}" is not a platform: write it as os/arch[/variant], e.g. linux/amd64.`)
  return { os, architecture, variant }
}

function platformName(d: OciDescriptor): string {
  return ociPlatform(d.platform)
}

/** Refs written by skopeo/buildx: annotation org.opencontainers.image.ref.name (a tag) or io.containerd.image.name. */
function tagsOf(d: OciDescriptor): string[] {
  const a = d.annotations ?? {}
  const full = a['io.containerd.image.name']
  if (full) return [full]
  const ref = a['org.opencontainers.image.ref.name']
  return ref ? [ref] : []
}

export async function selectOciImage(
  index: unknown,
  platform: string | undefined,
  readJson: (d: OciDescriptor) => Promise<unknown>,
  where: string,
  image?: string
): Promise<{ manifest: OciManifest; tags: string[]; platforms?: string[] }> {
  const want = platform ? parsePlatform(platform) : undefined
  let node: OciManifest | OciIndex = parseDoc(ManifestOrIndex, index, where, 'index.json')
  let tags: string[] = []
  let platforms: string[] | undefined
  for (let depth = 0; depth < MAX_INDEX_DEPTH; depth++) {
    if ('layers' in node && Array.isArray(node.layers)) return { manifest: node as OciManifest, tags, ...(platforms ? { platforms } : {}) }
    let list = (node as OciIndex).manifests
    if (depth === 0) list = pickNamed(list, image, where)
    // Attestation manifests (buildx) carry platform unknown/unknown: never an image to show.
    const images = list.filter((d) => !(d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown'))
    if (images.length === 0) throw new LayerscopeError('ARCHIVE_INVALID', `${where}: the OCI index lists no image manifest.`)
    let pick: OciDescriptor | undefined
    if (images.length === 1 && !want) pick = images[0]!
    else {
      const target = want ?? hostPlatform()
      const match = (d: OciDescriptor, strictVariant: boolean): boolean =>
        !d.platform ||
        (d.platform.os === target.os &&
          d.platform.architecture === target.architecture &&
          (!strictVariant || !target.variant || !d.platform.variant || d.platform.variant === target.variant))
      pick = images.find((d) => d.platform && match(d, true)) ?? (want ? undefined : images.find((d) => match(d, false)))
      if (!pick && images.length === 1 && !images[0]!.platform) pick = images[0]
      if (!pick) {
        throw new LayerscopeError(
          'PLATFORM_MISMATCH',
          `${where} has no image for ${[target.os, target.architecture, target.variant].filter(Boolean).join('/')}; it has: ${images.map(platformName).join(', ')}. Pick one with --platform.`
        )
      }
    }
    // Several platforms to choose from: say which, so a person sees what else the archive holds.
    if (images.length > 1) platforms = images.map(platformName)
    const t = tagsOf(pick)
    if (t.length) tags = t
    const raw = await readJson(pick)
    const isIndex = pick.mediaType !== undefined && INDEX_TYPES.has(pick.mediaType)
    if (pick.mediaType && !isIndex && !(raw && typeof raw === 'object' && Array.isArray((raw as { layers?: unknown }).layers))) {
      throw new LayerscopeError('ARCHIVE_INVALID', `${where}: manifest ${pick.digest} has no layers.`)
    }
    node = isIndex ? parseDoc(Index, raw, where, `index ${pick.digest}`) : pick.mediaType ? parseDoc(Manifest, raw, where, `manifest ${pick.digest}`) : parseDoc(ManifestOrIndex, raw, where, `manifest ${pick.digest}`)
  }
  throw limitError('indexDepth', MAX_INDEX_DEPTH, `${where}: the OCI index nests too deeply`)
}

/**
 * index.json of a layout holding several images (skopeo or `docker save a b`): each top-level
 * entry names its image. Several names and none asked is an error listing them, never the first.
 */
function pickNamed(list: OciDescriptor[], image: string | undefined, where: string): OciDescriptor[] {
  const nameOf = (d: OciDescriptor): string => tagsOf(d)[0] ?? ''
  const names = [...new Set(list.map(nameOf))]
  const show = (): string => names.map((n, i) => `${i + 1}. ${n || '(unnamed)'}`).join('; ')
  if (image === undefined) {
    if (names.length <= 1) return list
    // One entry per platform (a flat multi-platform index whose entries carry names): a
    // platform choice, made below like any index's, not several images.
    const platforms = list.map((d) => (d.platform ? platformName(d) : ''))
    if (platforms.every(Boolean) && new Set(platforms).size === list.length) return list
    throw new LayerscopeError(
      'INVALID_INPUT',
      `${where} holds ${names.length} images: ${show()}. Pick one by name or number, e.g. "${where}#${names.find(Boolean) ?? '1'}".`,
      { images: names.length }
    )
  }
  const matches = (n: string): boolean => n === image || n === `${image}:latest` || n.endsWith(`/${image}`) || n.endsWith(`/${image}:latest`)
  let hit = names.filter((n) => n && matches(n))
  if (hit.length === 0 && /^[1-9][0-9]*$/.test(image) && Number(image) <= names.length) hit = [names[Number(image) - 1]!]
  const hex = image.replace(/^sha256:/, '')
  if (hit.length === 0 && /^[a-f0-9]{4,64}$/.test(hex)) {
    const byDigest = list.filter((d) => d.digest.startsWith(`sha256:${hex}`))
    if (byDigest.length === 1) return byDigest
  }
  if (hit.length !== 1) {
    throw new LayerscopeError('IMAGE_NOT_FOUND', `${where} has ${hit.length ? 'several images matching' : 'no image'} "${image}"; it holds: ${show()}.`)
  }
  return list.filter((d) => nameOf(d) === hit[0])
}
