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
  it('gives the ids intern gives for the same paths read in place, in any mix and order', () => {
    const list = ['a', 'a/b', 'a/b/c', 'a/b/d', 'a/bb/c', 'a/b/c', 'x', 'a/b', 'z/y/x/w', 'z/y/x/v', 'a/b/c/e', 'long-directory-name-here/f', 'long-directory-name-here/g', '']
    const joined = list.join('\0')
    const byPath = new PathTable()
    const want = list.map((p) => byPath.intern(p))
    const inPlace = new PathTable()
    let start = 0
    const got = list.map((p, i) => {
      const id = i % 3 === 2 ? inPlace.intern(p) : inPlace.internAt(joined, start, start + p.length)
      start += p.length + 1
      return id
    })
    expect(got).toEqual(want)
    expect(got.map((id) => inPlace.path(id))).toEqual(list)
    // A directory that is a prefix of the last one is not mistaken for it.
    const t = new PathTable()
    const s = 'ab/c\0a/c'
    const ids = [t.internAt(s, 0, 4), t.internAt(s, 5, 8)]
    expect(ids.map((id) => t.path(id))).toEqual(['ab/c', 'a/c'])
  })
})
