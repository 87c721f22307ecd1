import { describe, expect, it } from 'vitest'
import { scrollToReveal, visibleRange } from './virtual-range'

describe('visibleRange', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(visibleRange(0, 100, 20, 100_000, 2)).toEqual([0, 8])
    expect(visibleRange(2000, 100, 20, 100_000, 2)).toEqual([98, 108])
    expect(visibleRange(0, 100, 20, 3, 2)).toEqual([0, 3])
    expect(visibleRange(1e9, 100, 20, 10, 2)).toEqual([10, 10])
    expect(visibleRange(0, 100, 20, 0)).toEqual([0, 0])
  })
  it('scrolls the least to reveal a row', () => {
    expect(scrollToReveal(0, 100, 100, 20)).toBe(0)
    expect(scrollToReveal(6, 0, 100, 20)).toBe(40)
    expect(scrollToReveal(2, 0, 100, 20)).toBeNull()
  })
})
