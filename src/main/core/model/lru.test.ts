import { describe, expect, it } from 'vitest'
import { Lru } from './lru'

describe('Lru', () => {
  it('forgets the least recently used entry beyond its bound', () => {
    const c = new Lru<string, number>(2)
    c.set('a', 1).set('b', 2)
    expect(c.get('a')).toBe(1) // a is now the newest
    c.set('c', 3)
    expect([...c.values()]).toEqual([1, 3])
    expect(c.has('b')).toBe(false)
    expect(c.size).toBe(2)
  })

  it('peek does not count as a use; set of a known key refreshes it', () => {
    const c = new Lru<string, number>(2)
    c.set('a', 1).set('b', 2)
    expect(c.peek('a')).toBe(1)
    c.set('c', 3)
    expect(c.has('a')).toBe(false)
    c.set('b', 20).set('d', 4)
    expect([...c.values()]).toEqual([20, 4])
    expect(c.get('zz')).toBeUndefined()
    expect(c.delete('b')).toBe(true)
    c.clear()
    expect(c.size).toBe(0)
  })

  it('refuses a bound that is not a whole number of at least 1', () => {
    expect(() => new Lru(0)).toThrow(/at least 1/)
    expect(() => new Lru(1.5)).toThrow(RangeError)
  })
})
