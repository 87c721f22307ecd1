import { expect, it } from 'vitest'
import { grow } from './typed-arrays'

it('grows a column keeping its type and its values', () => {
  const a = new Uint16Array([1, 2, 65535])
  const b = grow(a, 8)
  expect(b).toBeInstanceOf(Uint16Array)
  expect(b.length).toBe(8)
  expect([...b.slice(0, 3)]).toEqual([1, 2, 65535])
  expect(b[3]).toBe(0)
})
