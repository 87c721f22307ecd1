import { describe, expect, it } from 'vitest'
import { compareSentence, sideLabels } from './sentence'
import type { ImageIdentity } from '../../../shared/models/analysis'
import { imageName } from '../../../shared/image-source'

const id = (repoTags: string[]): ImageIdentity => ({ id: 'sha256:abc', repoTags, size: 0, sizeKind: 'engine' })

describe('sideLabels', () => {
  it('uses the tags when both share a repository', () => {
    expect(sideLabels({ source: { kind: 'engine', ref: 'shop/app:single' }, image: id([]) }, { source: { kind: 'engine', ref: 'shop/app:multi' }, image: id([]) })).toEqual({ a: 'single', b: 'multi' })
  })
  it("keeps full names otherwise, an archive's file name as every screen shows it, and A/B for the same name", () => {
    expect(sideLabels({ source: { kind: 'archive', path: '/tmp/x/app-single.tar' }, image: id([]) }, { source: { kind: 'engine', ref: 'localhost:5000/app' }, image: id([]) })).toEqual({ a: 'app-single.tar', b: 'localhost:5000/app' })
    expect(sideLabels({ source: { kind: 'engine', ref: 'a:1' }, image: id([]) }, { source: { kind: 'engine', ref: 'a:1' }, image: id([]) })).toEqual({ a: 'A (a:1)', b: 'B (a:1)' })
  })
  it('names the platform when one multi-platform archive is on both sides', () => {
    const src = { kind: 'archive' as const, path: '/tmp/multi.tar' }
    const amd = { ...id([]), os: 'linux', arch: 'amd64' }
    const arm = { ...id([]), os: 'linux', arch: 'arm64', variant: 'v8' }
    expect(sideLabels({ source: src, image: amd }, { source: { ...src, platform: 'linux/arm64' }, image: arm })).toEqual({ a: 'multi.tar (linux/amd64)', b: 'multi.tar (linux/arm64/v8)' })
  })

  it('calls each side by the one name the screens and reports use (imageName)', () => {
    const sides = [
      { source: { kind: 'archive' as const, path: '/s/app-single-stage.docker.tar.gz' }, image: id(['layerscope-sample/app:single-stage']) },
      { source: { kind: 'archive' as const, path: '/s/app-multi.oci.tar' }, image: id(['1.0']) },
      { source: { kind: 'engine' as const, ref: 'sha256:' + 'ab'.repeat(32) }, image: id(['shop/app:2']) },
      { source: { kind: 'engine' as const, ref: 'shop/app:stable' }, image: id(['shop/app:1', 'shop/app:stable']) }
    ]
    // An archive with a repo:tag is called by it; a bare OCI ref name ("1.0") keeps the file name.
    expect(sideLabels(sides[0]!, sides[1]!)).toEqual({ a: imageName(sides[0]!), b: imageName(sides[1]!) })
    expect(sideLabels(sides[0]!, sides[1]!)).toEqual({ a: 'layerscope-sample/app:single-stage', b: 'app-multi.oci.tar' })
    expect(sideLabels(sides[1]!, sides[2]!)).toEqual({ a: 'app-multi.oci.tar', b: 'shop/app:2' })
    // An ID reads as the image's tag; of several tags, the one the side was opened by.
    expect(sideLabels(sides[2]!, sides[3]!)).toEqual({ a: '2', b: 'stable' })
  })
})

describe('compareSentence', () => {
  const labels = { a: 'single', b: 'multi' }
  const base = { labels, sameImage: false, imageId: 'sha256:abc', contributors: [], differingEntries: 0 }
  it('reads like the issue asks', () => {
    const s = compareSentence({
      ...base,
      sizeA: 1_071_000_000,
      sizeB: 219_000_000,
      contributors: [
        { path: '/app/node_modules', bytesA: 140e6, bytesB: 0, delta: -140e6, status: 'onlyA', hasChildren: true },
        { path: '/usr/lib', bytesA: 400e6, bytesB: 0, delta: -400e6, status: 'onlyA', hasChildren: true }
      ]
    })
    expect(s).toBe('multi is 4.9x smaller than single: -852 MB; the biggest parts: /usr/lib -400 MB, /app/node_modules -140 MB')
  })
  it('uses a percentage for small differences, and says bigger', () => {
    expect(compareSentence({ ...base, sizeA: 1000, sizeB: 1030 })).toBe('multi is 3% bigger than single: +30 B')
    expect(compareSentence({ ...base, sizeA: 1000, sizeB: 1000, differingEntries: 2 })).toBe('multi is the same size as single (1 kB); 2 entries differ without changing any bytes')
    const moved = [
      { path: '/data/b', bytesA: 0, bytesB: 400, delta: 400, status: 'onlyB' as const, hasChildren: true },
      { path: '/data/a', bytesA: 400, bytesB: 0, delta: -400, status: 'onlyA' as const, hasChildren: true }
    ]
    expect(compareSentence({ ...base, sizeA: 1000, sizeB: 1000, differingEntries: 2, churn: 800, contributors: moved })).toBe(
      'multi is the same size as single (1 kB); the biggest parts: /data/b +400 B, /data/a -400 B'
    )
  })
})
