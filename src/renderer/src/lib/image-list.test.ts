import { describe, expect, it } from 'vitest'
import type { ImageSummary } from '../../../shared/models/images'
import { filterImages, imageName, imageRef, sortImages } from '../lib/image-list'

const img = (id: string, tags: string[], size: number, created: string, layers = 1): ImageSummary => ({
  id: `sha256:${id.padEnd(64, '0')}`,
  repoTags: tags,
  repoDigests: [],
  size,
  created,
  layers
})
const a = img('aaa', ['app:1', 'app:latest'], 300, '2026-01-03T00:00:00Z', 3)
const b = img('bbb', ['base:1'], 100, '2026-01-01T00:00:00Z', 1)
const c = img('ccc', [], 200, '2026-01-02T00:00:00Z', 2)

describe('image list', () => {
  it('names dangling images like docker', () => {
    expect(imageName(c)).toBe('<none>:<none>')
    expect(imageRef(c)).toBe(c.id)
    expect(imageRef(a)).toBe('app:1')
  })
  it('sorts by size, created, layers and name (dangling last)', () => {
    expect(sortImages([a, b, c], { key: 'size', dir: 'desc' }).map(imageName)).toEqual(['app:1', '<none>:<none>', 'base:1'])
    expect(sortImages([a, b, c], { key: 'size', dir: 'asc' }).map(imageName)).toEqual(['base:1', '<none>:<none>', 'app:1'])
    expect(sortImages([a, b, c], { key: 'created', dir: 'desc' }).map(imageName)).toEqual(['app:1', '<none>:<none>', 'base:1'])
    expect(sortImages([a, b, c], { key: 'layers', dir: 'asc' }).map(imageName)).toEqual(['base:1', '<none>:<none>', 'app:1'])
    expect(sortImages([c, b, a], { key: 'name', dir: 'asc' }).map(imageName)).toEqual(['app:1', 'base:1', '<none>:<none>'])
    expect(sortImages([c, b, a], { key: 'name', dir: 'desc' }).map(imageName)).toEqual(['base:1', 'app:1', '<none>:<none>'])
  })
  it('filters by every tag, the ID and <none>', () => {
    expect(filterImages([a, b, c], 'latest').map(imageName)).toEqual(['app:1'])
    expect(filterImages([a, b, c], 'BBB').map(imageName)).toEqual(['base:1'])
    expect(filterImages([a, b, c], '<none>').map(imageName)).toEqual(['<none>:<none>'])
    expect(filterImages([a, b, c], '  ')).toHaveLength(3)
    expect(filterImages([a, b, c], 'app 1')).toHaveLength(1)
  })
})
