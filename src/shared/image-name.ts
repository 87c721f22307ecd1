// One name per image on every screen and in every report: its repo:tag, else the reference it
// was opened by, else the archive's file name, else its short ID.
import { shortId } from './format'
import type { ImageIdentity, ImageSource } from './models/analysis'

export interface Nameable {
  image: Pick<ImageIdentity, 'id' | 'repoTags'>
  source: ImageSource
}

const NO_TAG = '<none>:<none>'

/** The file or folder name an archive source reads from ("app.tar.gz"). */
export function archiveFileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path
}

/** What an image is called before it is analysed (progress, errors): the reference or file name. */
export function sourceName(source: ImageSource): string {
  if (source.kind === 'archive') return archiveFileName(source.path)
  return source.ref
}

export function imageName(a: Nameable): string {
  const tag = a.image.repoTags.find((t) => t !== NO_TAG)
  if (tag) return tag
  if (a.source.kind === 'archive') return archiveFileName(a.source.path)
  if (!/^(sha256:)?[0-9a-f]{12,64}$/i.test(a.source.ref)) return a.source.ref
  return shortId(a.image.id)
}
