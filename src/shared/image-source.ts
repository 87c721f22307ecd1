// How an image and its source are named wherever they are shown or compared (one place for
// every front): one name per image on every screen and in every report.
import { shortId } from './format'
import type { ImageIdentity, ImageSource } from './models/analysis'

/** The file or folder name an archive source reads from ("app.tar.gz"). */
export function archiveFileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path
}

/** What a person typed: the engine ref, the archive path (or its file name), `registry://HOST/REPO:TAG`. */
export function sourceName(s: ImageSource, short = false): string {
  if (s.kind === 'engine') return s.ref
  if (s.kind === 'registry') return `registry://${s.ref}`
  return short ? archiveFileName(s.path) : s.path
}

/** A string that is equal for the same image argument (platform not included). */
export function sourceId(s: ImageSource): string {
  return s.kind === 'archive' ? `archive:${s.path}` : `${s.kind}:${s.ref}`
}

/** "linux/arm64/v8", as docker writes a platform; "" when the image does not say. */
export function imagePlatform(i: Pick<ImageIdentity, 'os' | 'arch' | 'variant'>): string {
  return [i.os, i.arch, i.variant].filter(Boolean).join('/')
}

/** An OCI platform object (index descriptor, image config) written as {@link imagePlatform} does. */
export function ociPlatform(p: { os?: string; architecture?: string; variant?: string } | undefined): string {
  return p ? imagePlatform({ os: p.os, arch: p.architecture, variant: p.variant }) : '(no platform)'
}

export function sameSource(a: ImageSource, b: ImageSource): boolean {
  return sourceId(a) === sourceId(b)
}

export interface Nameable {
  image: Pick<ImageIdentity, 'id' | 'repoTags'>
  source: ImageSource
}

const NO_TAG = '<none>:<none>'

/**
 * A tag to call the image by. In an archive, a bare OCI ref name ("1.0", from
 * `org.opencontainers.image.ref.name`) is no repo:tag: such an archive keeps its file name.
 */
function isName(t: string, source: ImageSource): boolean {
  return t !== NO_TAG && (source.kind !== 'archive' || /:[^/]+$/.test(t))
}

/**
 * An analysed image's name: its repo:tag (the one it was opened by, when it has several), else
 * the reference it was opened by, else the archive's file name, else its short ID.
 */
export function imageName(a: Nameable): string {
  const tags = a.image.repoTags.filter((t) => isName(t, a.source))
  if (a.source.kind !== 'archive') {
    const ref = a.source.ref
    const typed = tags.find((t) => t === ref || t === `${ref}:latest`)
    if (typed) return typed
  }
  if (tags[0]) return tags[0]
  if (a.source.kind === 'archive') return archiveFileName(a.source.path)
  if (!/^(sha256:)?[0-9a-f]{12,64}$/i.test(a.source.ref)) return a.source.kind === 'registry' ? sourceName(a.source) : a.source.ref
  return shortId(a.image.id)
}
