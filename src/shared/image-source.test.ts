import { describe, expect, it } from 'vitest'
import { imageName, imagePlatform, ociPlatform, sourceName } from './image-source'

const id = 'sha256:' + 'ab'.repeat(32)

describe('imageName', () => {
  it('prefers the repo:tag, whatever the source', () => {
    expect(imageName({ image: { id, repoTags: ['app:1'] }, source: { kind: 'archive', path: '/x/app.tar.gz' } })).toBe('app:1')
    expect(imageName({ image: { id, repoTags: ['<none>:<none>', 'app:2'] }, source: { kind: 'engine', ref: id } })).toBe('app:2')
  })
  it('falls back to the archive file name, the reference, then the short ID', () => {
    expect(imageName({ image: { id, repoTags: [] }, source: { kind: 'archive', path: '/x/app.tar.gz' } })).toBe('app.tar.gz')
    expect(imageName({ image: { id, repoTags: [] }, source: { kind: 'engine', ref: 'myapp@sha256:' + 'cd'.repeat(32) } })).toBe('myapp@sha256:' + 'cd'.repeat(32))
    expect(imageName({ image: { id, repoTags: [] }, source: { kind: 'engine', ref: 'abababababab' } })).toBe('abababababab')
    expect(imageName({ image: { id, repoTags: [] }, source: { kind: 'engine', ref: id } })).toBe('abababababab')
  })
  it('calls an image by the tag it was opened by, and a bare OCI ref name is no repo:tag', () => {
    const tags = ['shop/app:1', 'shop/app:stable']
    expect(imageName({ image: { id, repoTags: tags }, source: { kind: 'engine', ref: 'shop/app:stable' } })).toBe('shop/app:stable')
    expect(imageName({ image: { id, repoTags: tags }, source: { kind: 'engine', ref: id } })).toBe('shop/app:1')
    expect(imageName({ image: { id, repoTags: ['nginx:latest'] }, source: { kind: 'engine', ref: 'nginx' } })).toBe('nginx:latest')
    expect(imageName({ image: { id, repoTags: ['1.0'] }, source: { kind: 'archive', path: '/x/app.oci.tar' } })).toBe('app.oci.tar')
    expect(imageName({ image: { id, repoTags: ['localhost:5000/app'] }, source: { kind: 'archive', path: '/x/a.tar' } })).toBe('a.tar')
  })
  it('names a source before analysis by its reference or file name', () => {
    expect(sourceName({ kind: 'archive', path: 'C:\\images\\a.tar' }, true)).toBe('a.tar')
    expect(sourceName({ kind: 'registry', ref: 'localhost:5000/app:1' })).toBe('registry://localhost:5000/app:1')
    expect(sourceName({ kind: 'engine', ref: 'nginx:1.27' })).toBe('nginx:1.27')
  })
})

describe('imagePlatform', () => {
  it('writes os/arch[/variant] as docker does, and nothing when the image does not say', () => {
    expect(imagePlatform({ os: 'linux', arch: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8')
    expect(imagePlatform({ os: 'linux', arch: 'amd64' })).toBe('linux/amd64')
    expect(imagePlatform({})).toBe('')
  })
})

describe('ociPlatform', () => {
  it('writes an OCI platform object the same way, and says when a descriptor has none', () => {
    expect(ociPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8')
    expect(ociPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64')
    expect(ociPlatform(undefined)).toBe('(no platform)')
  })
})
