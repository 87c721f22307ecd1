// Cases from distribution/reference's own tests (reference_test.go, normalize_test.go) and
// Docker's normalisation, plus the source form registry://.
import { describe, expect, it } from 'vitest'
import { LayerscopeError } from '../errors'
import { checkEngineImageArg, familiarReference, formatReference, isRegistrySource, manifestReference, parseImageReference, parseRegistrySource, withTag } from './reference'

const D64 = 'sha256:' + 'f'.repeat(64)

function refusal(input: string): LayerscopeError {
  try {
    parseImageReference(input)
  } catch (e) {
    expect(e).toBeInstanceOf(LayerscopeError)
    expect((e as LayerscopeError).code).toBe('INVALID_INPUT')
    return e as LayerscopeError
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`)
}

describe('parseImageReference: the grammar, normalised as docker does', () => {
  it.each([
    ['test_com', 'docker.io', 'library/test_com', 'latest', undefined],
    ['test.com:tag', 'docker.io', 'library/test.com', 'tag', undefined],
    ['test.com:5000', 'docker.io', 'library/test.com', '5000', undefined],
    ['test.com/repo:tag', 'test.com', 'repo', 'tag', undefined],
    ['test:5000/repo', 'test:5000', 'repo', 'latest', undefined],
    ['test:5000/repo:tag', 'test:5000', 'repo', 'tag', undefined],
    [`test:5000/repo@${D64}`, 'test:5000', 'repo', undefined, D64],
    [`test:5000/repo:tag@${D64}`, 'test:5000', 'repo', 'tag', D64],
    ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', undefined],
    ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux', 'latest', undefined],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag', undefined],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com', undefined],
    ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
    ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080', undefined],
    ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', undefined],
    ['localhost/foo', 'localhost', 'foo', 'latest', undefined],
    ['localhost:5000/a__b/c-d--e.f', 'localhost:5000', 'a__b/c-d--e.f', 'latest', undefined],
    ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo', 'latest', undefined],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000', 'app', '1', undefined],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', 'latest', undefined],
    ['index.docker.io/user/app:v2', 'docker.io', 'user/app', 'v2', undefined],
    ['docker.io/library/foo', 'docker.io', 'library/foo', 'latest', undefined]
  ])('%s', (input, domain, repository, tag, digest) => {
    const r = parseImageReference(input)
    expect(r.domain).toBe(domain)
    expect(r.repository).toBe(repository)
    expect(r.tag).toBe(tag)
    expect(r.digest).toBe(digest)
  })

  it('Docker Hub is reached at registry-1.docker.io; other registries at their own host', () => {
    expect(parseImageReference('nginx:1.27').apiHost).toBe('registry-1.docker.io')
    expect(parseImageReference('127.0.0.1:5000/app').apiHost).toBe('127.0.0.1:5000')
  })

  it.each([
    ['', /empty/],
    [':justtag', /empty|invalid/],
    [`@${D64}`, /empty|invalid/],
    ['repo@sha256:' + 'f'.repeat(65), /64 lower-case hex/],
    ['validname@invaliddigest:' + 'f'.repeat(64), /unsupported digest algorithm/],
    ['Uppercase:tag', /lower case/],
    ['test:5000/Uppercase/lowercase:tag', /lower case \("Uppercase"\)/],
    ['a^a', /not a valid repository path component/],
    ['aa/asdf$$^/aa', /"asdf\$\$\^"/],
    ['a/b:-tag', /not a valid tag/],
    ['a//b', /empty component/],
    ['a/b/', /empty component/],
    ['has space', /white space/],
    ['f'.repeat(64), /image ID/],
    ['a/'.repeat(128) + 'a:tag', /longer than 255/],
    ['a:' + 'b'.repeat(129), /not a valid tag/]
  ])('refuses %j with the reason', (input, why) => {
    expect(refusal(input).message).toMatch(why)
  })

  it('a URL is refused with the registry:// form to write instead', () => {
    expect(refusal('http://x/y').message).toContain('a reference has no scheme; for a registry write registry://x/y')
    expect(refusal('https://127.0.0.1:5000/app:1').message).toContain('registry://127.0.0.1:5000/app:1')
  })

  it('bounded work whatever the input: a huge or pathological string is refused quickly', () => {
    expect(refusal('a'.repeat(100_000)).message).toMatch(/longer than 4096/)
    const t = Date.now()
    refusal('a' + '-a'.repeat(1500) + '!')
    refusal('a.'.repeat(1500) + ':/')
    expect(Date.now() - t).toBeLessThan(2000)
  })
})

describe('registry:// source form', () => {
  it('parses host, port, repository, tag and digest', () => {
    expect(parseRegistrySource('registry://127.0.0.1:5000/team/app:1.4')).toEqual({ domain: '127.0.0.1:5000', apiHost: '127.0.0.1:5000', repository: 'team/app', tag: '1.4' })
    expect(parseRegistrySource(`registry://localhost:5000/app@${D64}`)).toEqual({ domain: 'localhost:5000', apiHost: 'localhost:5000', repository: 'app', digest: D64 })
    expect(isRegistrySource('REGISTRY://x/y')).toBe(true)
    expect(isRegistrySource('x/y')).toBe(false)
  })
  it('Docker Hub short forms behave as docker does', () => {
    expect(formatReference(parseRegistrySource('registry://nginx:1.27'))).toBe('docker.io/library/nginx:1.27')
    expect(parseRegistrySource('registry://nginx:1.27').apiHost).toBe('registry-1.docker.io')
  })
  it('refuses a non-registry source with the form to write', () => {
    expect(() => parseRegistrySource('nginx')).toThrow(/starts with registry:\/\//)
  })
})

describe('formatting', () => {
  it('full, familiar, the manifest reference and withTag', () => {
    const r = parseImageReference(`127.0.0.1:5000/app:1@${D64}`)
    expect(formatReference(r)).toBe(`127.0.0.1:5000/app:1@${D64}`)
    expect(manifestReference(r)).toBe(D64)
    expect(manifestReference(parseImageReference('app:2'))).toBe('2')
    expect(familiarReference(parseImageReference('nginx'))).toBe('nginx:latest')
    expect(familiarReference(parseImageReference('user/app:1'))).toBe('user/app:1')
    expect(formatReference(withTag(r, '2'))).toBe('127.0.0.1:5000/app:2')
    expect(() => withTag(r, '-bad')).toThrow(LayerscopeError)
  })
})

describe('checkEngineImageArg: what may reach the engine', () => {
  it('IDs and valid references pass as written; a URL or garbage is refused before the engine', () => {
    expect(checkEngineImageArg(' myapp:1 ')).toBe('myapp:1')
    expect(checkEngineImageArg('661f50163154')).toBe('661f50163154')
    expect(checkEngineImageArg(`sha256:${'a'.repeat(64)}`)).toBe(`sha256:${'a'.repeat(64)}`)
    expect(checkEngineImageArg('a'.repeat(64))).toBe('a'.repeat(64))
    expect(checkEngineImageArg('localhost:5000/app@' + D64)).toBe('localhost:5000/app@' + D64)
    expect(() => checkEngineImageArg('http://x/y')).toThrow(/for a registry write registry:\/\/x\/y/)
    expect(() => checkEngineImageArg('My App')).toThrow(LayerscopeError)
    expect(() => checkEngineImageArg('app:')).toThrow(/not a valid tag|invalid/)
  })
})
