import { describe, expect, it } from 'vitest'
import { refFromInput, repositoryOf } from './recent'

describe('registry reference field', () => {
  it('takes the reference with or without registry://', () => {
    expect(refFromInput(' registry://127.0.0.1:5000/app:1 ')).toBe('127.0.0.1:5000/app:1')
    expect(refFromInput('REGISTRY://h/x')).toBe('h/x')
    expect(refFromInput('nginx:1.27')).toBe('nginx:1.27')
  })
  it('finds the repository: a port is not a tag, a digest is dropped', () => {
    expect(repositoryOf('127.0.0.1:5000/team/app:1.4')).toBe('127.0.0.1:5000/team/app')
    expect(repositoryOf('127.0.0.1:5000/team/app')).toBe('127.0.0.1:5000/team/app')
    expect(repositoryOf(`h/app@sha256:${'a'.repeat(64)}`)).toBe('h/app')
  })
})
