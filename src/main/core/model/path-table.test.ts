import { describe, expect, it } from 'vitest'
import { PathTable } from './path-table'

describe('PathTable.path', () => {
  it('prints any depth without recursion (a 25,000-level path used to overflow the stack)', () => {
    const t = new PathTable()
    const deep = 'd/'.repeat(25_000) + 'f'
    const id = t.intern(deep)
    expect(t.path(id)).toBe(deep)
    // Memoised prefixes are reused for siblings and do not change the answer.
    expect(t.path(t.intern('d/'.repeat(25_000) + 'g'))).toBe('d/'.repeat(25_000) + 'g')
    expect(t.path(t.intern('d/d/x'))).toBe('d/d/x')
  })
})
