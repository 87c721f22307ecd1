import { describe, expect, it } from 'vitest'
import { listImageSummaries, type ImageSource } from './image-list'

/** A stand-in for the engine's two calls; the real engine is covered by the integration tests. */
function fakeDocker(list: object[], inspect: Record<string, object | 'gone' | 'boom'>): ImageSource {
  return {
    list: async () => list,
    inspect: async (id: string) => {
      const v = inspect[id]
      if (v === 'gone') throw Object.assign(new Error('No such image'), { statusCode: 404 })
      if (v === 'boom') throw Object.assign(new Error('server error'), { statusCode: 500 })
      return v
    }
  } as unknown as ImageSource
}

const info = (size: number, layers: number, created: string) => ({ Size: size, RootFS: { Layers: Array(layers).fill('x') }, Created: created, Os: 'linux', Architecture: 'amd64' })

describe('listImageSummaries', () => {
  it('joins list and inspect, drops <none> tags, skips an image removed in between, newest first', async () => {
    const docker = fakeDocker(
      [
        { Id: 'sha256:a', RepoTags: ['app:1', 'app:latest'], RepoDigests: null, Created: 1 },
        { Id: 'sha256:b', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Created: 2 },
        { Id: 'sha256:c', RepoTags: ['old:1'], Created: 3 }
      ],
      { 'sha256:a': info(1234, 3, '2026-01-02T00:00:00.5Z'), 'sha256:b': info(99, 1, '2026-01-03T00:00:00Z'), 'sha256:c': 'gone' }
    )
    const out = await listImageSummaries(docker)
    expect(out).toEqual([
      { id: 'sha256:b', repoTags: [], repoDigests: [], size: 99, created: '2026-01-03T00:00:00.000Z', layers: 1, os: 'linux', arch: 'amd64' },
      { id: 'sha256:a', repoTags: ['app:1', 'app:latest'], repoDigests: [], size: 1234, created: '2026-01-02T00:00:00.500Z', layers: 3, os: 'linux', arch: 'amd64' }
    ])
  })

  it('passes other engine errors on and honours cancellation', async () => {
    await expect(listImageSummaries(fakeDocker([{ Id: 'x', Created: 1 }], { x: 'boom' }))).rejects.toThrow('server error')
    const ac = new AbortController()
    ac.abort()
    await expect(listImageSummaries(fakeDocker([], {}), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
