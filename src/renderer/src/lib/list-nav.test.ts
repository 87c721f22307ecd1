import { describe, expect, it } from 'vitest'
import { moveIndex } from './list-nav'

describe('moveIndex', () => {
  it('moves within bounds', () => {
    expect(moveIndex(-1, 5, 'ArrowDown')).toBe(0)
    expect(moveIndex(0, 5, 'ArrowUp')).toBe(0)
    expect(moveIndex(3, 5, 'ArrowDown')).toBe(4)
    expect(moveIndex(4, 5, 'ArrowDown')).toBe(4)
    expect(moveIndex(2, 5, 'Home')).toBe(0)
    expect(moveIndex(2, 5, 'End')).toBe(4)
    expect(moveIndex(2, 50, 'PageDown')).toBe(12)
    expect(moveIndex(2, 50, 'PageUp')).toBe(0)
  })
  it('ignores other keys and empty lists', () => {
    expect(moveIndex(1, 5, 'a')).toBeNull()
    expect(moveIndex(0, 0, 'ArrowDown')).toBeNull()
  })
})
