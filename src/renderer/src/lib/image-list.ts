// The image list's pure logic: names, references, filter and sort (unit-tested, no DOM).
import type { ImageSummary } from '../../../shared/models/images'

export type ImageSortKey = 'name' | 'size' | 'created' | 'layers'
export interface ImageSort {
  key: ImageSortKey
  dir: 'asc' | 'desc'
}

/** What a row is called: its first tag, or `<none>:<none>` for a dangling image. */
export function imageName(img: Pick<ImageSummary, 'repoTags'>): string {
  return img.repoTags[0] ?? '<none>:<none>'
}

/** The reference to open an image by: a tag when it has one (reads better), else the ID. */
export function imageRef(img: Pick<ImageSummary, 'repoTags' | 'id'>): string {
  const tag = img.repoTags.find((t) => t !== '<none>:<none>')
  return tag ?? img.id
}

export function filterImages(images: ImageSummary[], filter: string): ImageSummary[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return images
  return images.filter((img) => {
    const hay = [...(img.repoTags.length ? img.repoTags : ['<none>:<none>']), img.id.replace(/^sha256:/, '')].join(' ').toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

export function sortImages(images: ImageSummary[], sort: ImageSort): ImageSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  const by = (a: ImageSummary, b: ImageSummary): number => {
    switch (sort.key) {
      case 'size':
        return a.size - b.size
      case 'layers':
        return a.layers - b.layers
      case 'created':
        return Date.parse(a.created) - Date.parse(b.created)
      case 'name': {
        // Dangling images sort last by name either way they are not named.
        const an = a.repoTags[0]
        const bn = b.repoTags[0]
        if (!an || !bn) return an ? -sign : bn ? sign : 0
        return an.localeCompare(bn)
      }
    }
  }
  // Ties fall back to the ID so the order is stable between reloads.
  return [...images].sort((a, b) => by(a, b) * sign || a.id.localeCompare(b.id))
}
