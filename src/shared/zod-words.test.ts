import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { issueWords } from './zod-words'

function words(schema: z.ZodType, value: unknown, reportInput = false): string {
  const r = schema.safeParse(value, { reportInput })
  if (r.success) throw new Error(`accepted ${JSON.stringify(value)}`)
  return issueWords(r.error.issues[0]!)
}

describe('issueWords', () => {
  it('says which type a field should be, and when it is missing', () => {
    expect(words(z.object({ a: z.array(z.string()) }), { a: 'x' })).toBe('should be a list')
    // Zod tells a missing field from a wrong one only when the parse reports its input.
    expect(words(z.object({ a: z.number() }), {}, true)).toBe('should be a number (it is missing)')
    expect(words(z.object({ a: z.number() }), {})).toBe('should be a number')
    expect(words(z.object({ a: z.string() }), { a: 5 })).toBe('should be a string')
    expect(words(z.object({ a: z.object({}) }), { a: 5 })).toBe('should be an object')
  })
  it("keeps a schema's own message, and drops zod's generic prefix", () => {
    expect(words(z.string().regex(/^x$/, 'is not a digest'), 'y')).toBe('is not a digest')
    expect(words(z.enum(['a', 'b']), 'c')).not.toMatch(/^Invalid input: /)
  })
})
