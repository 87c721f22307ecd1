import { describe, expect, it } from 'vitest'
import { formatRelative, formatTimestamp, ratePerSecond } from './time'

describe('formatRelative', () => {
  const now = Date.parse('2026-11-27T12:00:00Z')
  it('reads like docker images', () => {
    expect(formatRelative('2026-11-27T11:59:30Z', now)).toBe('just now')
    expect(formatRelative('2026-11-27T11:58:00Z', now)).toBe('2 minutes ago')
    expect(formatRelative('2026-11-27T11:00:00Z', now)).toBe('1 hour ago')
    expect(formatRelative('2026-11-24T12:00:00Z', now)).toBe('3 days ago')
    expect(formatRelative('2026-10-01T12:00:00Z', now)).toBe('1 month ago')
    expect(formatRelative('2024-11-01T12:00:00Z', now)).toBe('2 years ago')
  })
  it('copes with missing and bad input', () => {
    expect(formatRelative(undefined, now)).toBe('–')
    expect(formatRelative('garbage', now)).toBe('–')
  })
})

describe('formatTimestamp / ratePerSecond', () => {
  it('formats UTC and rates', () => {
    expect(formatTimestamp('2026-11-27T03:12:45.123Z')).toBe('2026-11-27 03:12:45 UTC')
    expect(ratePerSecond(1000, 500)).toBe(2000)
    expect(ratePerSecond(1000, 0)).toBe(0)
  })
})
