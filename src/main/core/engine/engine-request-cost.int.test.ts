// docker-modem formats every request's options with util.inspect (showHidden, depth: null) even
// with its debug output off. The agent in those options holds the live sockets of concurrent
// calls, so 27 concurrent inspects cost ~630 ms of CPU formatting them, during the export.
// Checked by what util.inspect is asked to write (not by time): each request stays small.
import util from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { EngineClient } from './engine-client'

const original = util.inspect
afterEach(() => {
  util.inspect = original
})

describe('engine requests', () => {
  it('do not format the live sockets of concurrent calls', async () => {
    const engine = EngineClient.fromEnvironment()
    const images = await engine.listImages()
    expect(images.length).toBeGreaterThan(0)
    let longest = 0
    let calls = 0
    util.inspect = Object.assign((...args: Parameters<typeof util.inspect>): string => {
      const s = original(...args)
      calls++
      longest = Math.max(longest, s.length)
      return s
    }, original)
    // Concurrent, as base detection inspects every image while the export streams.
    const ids = Array.from({ length: 12 }, (_, i) => images[i % images.length]!.id)
    await Promise.all(ids.map((id) => engine.inspectImage(id)))
    util.inspect = original
    expect(calls).toBeGreaterThanOrEqual(ids.length)
    // Options, headers and the agent's name: a few hundred characters (a live socket graph is 100k+).
    expect(longest).toBeLessThan(5000)
  })
})
