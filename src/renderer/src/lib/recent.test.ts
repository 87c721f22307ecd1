import { beforeEach, describe, expect, it } from 'vitest'
import { forgetRecent, recentImages, rememberImage } from './recent'

const store = new Map<string, string>()
beforeEach(() => {
  store.clear()
  ;(globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v)
  }
})

describe('recent images', () => {
  it('keeps the newest first, once each, at most 8', () => {
    for (let i = 0; i < 10; i++) rememberImage({ kind: 'engine', ref: `app:${i}` }, `app:${i}`)
    rememberImage({ kind: 'engine', ref: 'app:5' }, 'app:5')
    const list = recentImages()
    expect(list).toHaveLength(8)
    expect(list[0]!.name).toBe('app:5')
    expect(list.filter((r) => r.name === 'app:5')).toHaveLength(1)
  })
  it('tells archives by path and forgets on request', () => {
    rememberImage({ kind: 'archive', path: '/a/x.tar' }, 'x:1')
    rememberImage({ kind: 'archive', path: '/b/x.tar' }, 'x:1')
    expect(recentImages()).toHaveLength(2)
    forgetRecent()
    expect(recentImages()).toEqual([])
  })
  it('survives a foreign value', () => {
    store.set('layerscope:recent', '{"not":"a list"}')
    expect(recentImages()).toEqual([])
  })
})
