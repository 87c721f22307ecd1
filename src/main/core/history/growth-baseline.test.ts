import { describe, expect, it } from 'vitest'
import type { HistoryTag } from '../../../shared/models/history'
import { parseRules } from '../report/rules'
import { checkBaselineNeeded } from '../report/ci-gate'
import { growthRepository, medianTag } from './growth-baseline'

const t = (tag: string, unpackedBytes: number): HistoryTag => ({ tag, ref: `app:${tag}`, source: { kind: 'engine', ref: `app:${tag}` }, digest: tag, unpackedBytes, layers: 1, sharedWithPrevious: 0 })

describe('growth since the last N tags', () => {
  it('takes the median as a real tag (the lower one for an even count)', () => {
    expect(medianTag([t('a', 30), t('b', 10), t('c', 20)]).tag).toBe('c')
    expect(medianTag([t('a', 40), t('b', 10), t('c', 30), t('d', 20)]).tag).toBe('d')
    expect(medianTag([t('only', 5)]).tag).toBe('only')
  })

  it('finds the repository of the image', () => {
    expect(growthRepository('team/app:1.4')).toEqual({ repository: 'team/app', tag: '1.4' })
    expect(growthRepository('127.0.0.1:5000/app:2')).toEqual({ repository: '127.0.0.1:5000/app', tag: '2' })
    expect(growthRepository('registry://127.0.0.1:5000/app:2')).toEqual({ repository: 'registry://127.0.0.1:5000/app', tag: '2' })
    expect(() => growthRepository('127.0.0.1:5000/app')).toThrow(/needs the image as REPO:TAG/)
  })

  it('reads maxGrowthSinceTags from a rules file as a count, and it stands in for --baseline', () => {
    expect(parseRules('maxGrowthSinceTags: 10\nmaxGrowth: 5%\n', '.layerscope-ci.yml')).toEqual({ maxGrowthSinceTags: 10, maxGrowthPercent: 0.05 })
    expect(() => parseRules('maxGrowthSinceTags: 2.5\n', '.layerscope-ci.yml')).toThrow(/\.layerscope-ci\.yml:1: maxGrowthSinceTags must be a whole number of tags from 1 to 1000/)
    expect(() => parseRules('maxGrowthSinceTags: ten\n', 'r.yml')).toThrow(/whole number of tags/)
    expect(() => parseRules('{"maxGrowthSinceTags": 0}', 'r.json')).toThrow(/whole number of tags/)
    // The key alone needs no baseline; growth limits do (the CLI passes true when the key is set).
    expect(() => checkBaselineNeeded({ maxGrowthSinceTags: 3 }, false)).not.toThrow()
    expect(() => checkBaselineNeeded({ maxGrowthSinceTags: 3, maxGrowthPercent: 0.1 }, false)).toThrow(/--baseline/)
  })
})
