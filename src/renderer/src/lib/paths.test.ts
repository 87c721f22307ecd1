import { describe, expect, it } from 'vitest'
import { breadcrumbs, displayPath, parentPath, pathDepth } from './paths'

describe('paths', () => {
  it('normalises for display', () => {
    expect(displayPath('usr/lib')).toBe('/usr/lib')
    expect(displayPath('./usr/lib/')).toBe('/usr/lib')
    expect(displayPath('/')).toBe('/')
    expect(displayPath('')).toBe('/')
  })
  it('builds breadcrumbs and parents', () => {
    expect(breadcrumbs('usr/lib')).toEqual([
      { name: '/', path: '/' },
      { name: 'usr', path: '/usr' },
      { name: 'lib', path: '/usr/lib' }
    ])
    expect(parentPath('/usr/lib')).toBe('/usr')
    expect(parentPath('/usr')).toBe('/')
    expect(parentPath('/')).toBe('/')
    expect(pathDepth('/usr/lib')).toBe(2)
    expect(pathDepth('/')).toBe(0)
  })
})
