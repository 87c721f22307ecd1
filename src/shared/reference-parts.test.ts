import { describe, expect, it } from 'vitest'
import { repositoryOf } from './reference-parts'

describe('repositoryOf', () => {
  it('finds the repository: a port is not a tag, a digest is dropped', () => {
    expect(repositoryOf('127.0.0.1:5000/team/app:1.4').repository).toBe('127.0.0.1:5000/team/app')
    expect(repositoryOf('127.0.0.1:5000/team/app').repository).toBe('127.0.0.1:5000/team/app')
    expect(repositoryOf(`h/app@sha256:${'a'.repeat(64)}`).repository).toBe('h/app')
  })
  it('and the tag, when there is one', () => {
    expect(repositoryOf('team/app:1.4')).toEqual({ repository: 'team/app', tag: '1.4' })
    expect(repositoryOf('127.0.0.1:5000/app:2')).toEqual({ repository: '127.0.0.1:5000/app', tag: '2' })
    expect(repositoryOf('127.0.0.1:5000/app')).toEqual({ repository: '127.0.0.1:5000/app' })
    expect(repositoryOf(`app:1@sha256:${'a'.repeat(64)}`)).toEqual({ repository: 'app', tag: '1' })
  })
})
