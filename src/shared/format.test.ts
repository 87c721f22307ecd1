import { describe, expect, it } from 'vitest'
import { clip, formatBytes, formatCount, formatDelta, formatDockerSize, formatPercent, groupDigits, modeString, shortId } from './format'

describe('formatDockerSize (docker images rounding)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1234, '1.23kB'],
    [999_500, '1e+03kB'],
    [7054012, '7.05MB'],
    [1_100_000_000, '1.1GB'],
    [187_654_321, '188MB']
  ])('%d -> %s', (n, s) => {
    expect(formatDockerSize(n)).toBe(s)
  })
})

describe('formatBytes', () => {
  it('adds a space and keeps the sign', () => {
    expect(formatBytes(1234)).toBe('1.23 kB')
    expect(formatBytes(-852_000_000)).toBe('-852 MB')
    expect(formatDelta(220_000_000)).toBe('+220 MB')
    expect(formatDelta(0)).toBe('0 B')
  })
})

it('groups digits and shortens ids', () => {
  expect(groupDigits(1234567)).toBe('1,234,567')
  expect(shortId('sha256:0123456789abcdef0123')).toBe('0123456789ab')
})

describe('formatPercent', () => {
  it('rounds as usual away from the ends', () => {
    expect(formatPercent(0.8734)).toBe('87.3%')
    expect(formatPercent(1)).toBe('100.0%')
    expect(formatPercent(0)).toBe('0.0%')
  })
  it('never claims 100% or 0% for a ratio that is not', () => {
    expect(formatPercent(1 - 207 / 7_621_314)).toBe('>99.9%')
    expect(formatPercent(0.00001)).toBe('<0.1%')
    expect(formatPercent(0.99999, 2)).toBe('>99.99%')
  })
})

describe('formatCount', () => {
  it('uses the singular for exactly one and groups digits', () => {
    expect(formatCount(1, 'file')).toBe('1 file')
    expect(formatCount(0, 'file')).toBe('0 files')
    expect(formatCount(12_034, 'file')).toBe('12,034 files')
    expect(formatCount(2, 'copy', 'copies')).toBe('2 copies')
  })
})

describe('modeString', () => {
  it('reads like ls -l, special bits included', () => {
    expect(modeString('file', 0o644)).toBe('-rw-r--r--')
    expect(modeString('dir', 0o755)).toBe('drwxr-xr-x')
    expect(modeString('file', 0o4755)).toBe('-rwsr-xr-x')
    expect(modeString('file', 0o2644)).toBe('-rw-r-Sr--')
    expect(modeString('dir', 0o1777)).toBe('drwxrwxrwt')
    expect(modeString('symlink', 0o777)).toBe('lrwxrwxrwx')
  })
})

describe('clip', () => {
  it('keeps a text that fits and cuts a longer one to the limit, ending in an ellipsis', () => {
    expect(clip('RUN make', 8)).toBe('RUN make')
    expect(clip('RUN make all', 8)).toBe('RUN mak…')
    expect(clip('RUN make all', 8)).toHaveLength(8)
    expect(clip('', 3)).toBe('')
  })
})
