import { describe, expect, it } from 'vitest'
import { refFromInput } from './recent'

describe('registry reference field', () => {
  it('takes the reference with or without registry://', () => {
    expect(refFromInput(' registry://127.0.0.1:5000/app:1 ')).toBe('127.0.0.1:5000/app:1')
    expect(refFromInput('REGISTRY://h/x')).toBe('h/x')
    expect(refFromInput('nginx:1.27')).toBe('nginx:1.27')
  })
})
