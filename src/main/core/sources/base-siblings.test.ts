import { describe, expect, it } from 'vitest'
import { siblingTags } from './base-siblings'

describe('slimmer sibling tags', () => {
  const tags = ['20', '20-slim', '20-alpine', '20-alpine3.20', '20-bookworm', '20-bookworm-slim', '20.1-slim', '200-slim', 'latest', 'slim', 'alpine', 'lts']
  it('finds -slim and -alpine variants of the tag that exist, shortest first', () => {
    expect(siblingTags('20', tags)).toEqual(['20-slim', '20-alpine', '20-alpine3.20'])
  })
  it('reads latest as the bare variants', () => {
    expect(siblingTags('latest', tags)).toEqual(['slim', 'alpine'])
  })
  it('offers nothing when the repository has no slimmer tag', () => {
    expect(siblingTags('lts', tags)).toEqual([])
  })
})
