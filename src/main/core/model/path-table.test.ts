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

describe('PathTable.internAt', () => {
  it('reads paths in place: one id per distinct path, each printing back as itself, its parent its directory', () => {
    const list = ['a', 'a/b', 'a/b/c', 'a/b/d', 'a/bb/c', 'a/b/c', 'x', 'a/b', 'z/y/x/w', 'z/y/x/v', 'a/b/c/e', 'long-directory-name-here/f', 'long-directory-name-here/g', '']
    const joined = list.join('\0')
    const t = new PathTable()
    let start = 0
    const ids = list.map((p, i) => {
      // Mixed with intern (the same rule for a whole string), as tar and cache paths meet in one table.
      const id = i % 3 === 2 ? t.intern(p) : t.internAt(joined, start, start + p.length)
      start += p.length + 1
      return id
    })
    expect(ids.map((id) => t.path(id))).toEqual(list)
    list.forEach((p, i) => list.forEach((q, j) => expect(ids[i] === ids[j]).toBe(p === q)))
    list.forEach((p, i) => {
      const slash = p.lastIndexOf('/')
      if (slash > 0) expect(t.path(t.parent(ids[i]!))).toBe(p.slice(0, slash))
    })
    // A directory that is a prefix of the last one is not mistaken for it.
    const u = new PathTable()
    const s = 'ab/c\0a/c'
    expect([u.internAt(s, 0, 4), u.internAt(s, 5, 8)].map((id) => u.path(id))).toEqual(['ab/c', 'a/c'])
  })
})
