import { describe, expect, it } from 'vitest'
import { parseRepository } from './tags'

describe('tags: the repository argument', () => {
  it('registry:// and docker short forms', () => {
    expect(parseRepository('registry://127.0.0.1:5000/team/app')).toMatchObject({ apiHost: '127.0.0.1:5000', repository: 'team/app' })
    expect(parseRepository('registry://nginx')).toMatchObject({ apiHost: 'registry-1.docker.io', repository: 'library/nginx' })
  })
  it('an image (tag or digest) is refused with the repository to write', () => {
    expect(() => parseRepository('registry://127.0.0.1:5000/app:1')).toThrow(/tags lists a repository: write registry:\/\/127\.0\.0\.1:5000\/app\./)
    expect(() => parseRepository(`registry://nginx@sha256:${'a'.repeat(64)}`)).toThrow(/write registry:\/\/nginx\./)
  })
})
