import { describe, expect, it } from 'vitest'
import { markOf, nextBlock, type Box } from './treemap-nav'

// Three blocks: a tall one on the left, two stacked on the right.
const blocks: Array<[string, Box]> = [
  ['/usr', { x: 0, y: 0, w: 60, h: 100 }],
  ['/app', { x: 60, y: 0, w: 40, h: 60 }],
  ['/…', { x: 60, y: 60, w: 40, h: 40 }]
]
const rects = new Map(blocks)

describe('treemap keys and outlines', () => {
  it('an arrow goes to the nearest block that way, or nowhere', () => {
    expect(nextBlock(rects.get('/usr')!, blocks, 'ArrowRight')).toBe('/app')
    expect(nextBlock(rects.get('/app')!, blocks, 'ArrowDown')).toBe('/…')
    expect(nextBlock(rects.get('/…')!, blocks, 'ArrowUp')).toBe('/app')
    expect(nextBlock(rects.get('/…')!, blocks, 'ArrowLeft')).toBe('/usr')
    expect(nextBlock(rects.get('/usr')!, blocks, 'ArrowLeft')).toBeNull()
  })

  it('the tree selection outlines the block holding it, else the small-entries block of the level', () => {
    expect(markOf(rects, '/usr/lib/x.so')).toBe(rects.get('/usr'))
    expect(markOf(rects, '/app')).toBe(rects.get('/app'))
    // /etc is too small for a block of its own: it is inside "small entries".
    expect(markOf(rects, '/etc/passwd')).toBe(rects.get('/…'))
    const drilled = new Map<string, Box>([['/usr/lib', { x: 0, y: 0, w: 1, h: 1 }]])
    expect(markOf(drilled, '/etc')).toBeUndefined()
  })
})
