import { describe, expect, it } from 'vitest'
import { humanDuration, imagesTable, parseFilters } from './images'

describe('images command helpers', () => {
  it('prints one row per tag and <none> for dangling images, like docker images', () => {
    const now = Date.parse('2026-01-10T00:00:00Z')
    const table = imagesTable(
      [
        { id: 'sha256:' + 'a'.repeat(64), repoTags: ['app:1', 'localhost:5000/app:2'], repoDigests: [], size: 7054012, created: '2026-01-09T22:00:00Z', layers: 2 },
        { id: 'sha256:' + 'b'.repeat(64), repoTags: [], repoDigests: [], size: 999, created: '2026-01-09T23:59:30Z', layers: 1 }
      ],
      { noTrunc: false, now }
    )
    expect(table.split('\n')).toEqual([
      'REPOSITORY           TAG       IMAGE ID       CREATED          SIZE',
      'app                  1         aaaaaaaaaaaa   2 hours ago      7.05MB',
      'localhost:5000/app   2         aaaaaaaaaaaa   2 hours ago      7.05MB',
      '<none>               <none>    bbbbbbbbbbbb   30 seconds ago   999B',
      ''
    ])
  })

  it('formats durations like go-units', () => {
    expect(humanDuration(500)).toBe('Less than a second')
    expect(humanDuration(61_000)).toBe('About a minute')
    expect(humanDuration(3 * 3600_000)).toBe('3 hours')
    expect(humanDuration(3 * 86400_000)).toBe('3 days')
    expect(humanDuration(20 * 86400_000)).toBe('2 weeks')
    expect(humanDuration(800 * 86400_000)).toBe('2 years')
  })

  it('parses repeated --filter key=value', () => {
    expect(parseFilters([])).toBeUndefined()
    expect(parseFilters(['reference=app:*', 'reference=web', 'label=a=b'])).toEqual({ reference: ['app:*', 'web'], label: ['a=b'] })
    expect(() => parseFilters(['dangling'])).toThrow(/key=value/)
  })
})
