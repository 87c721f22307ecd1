import { describe, expect, it } from 'vitest'
import { Services } from '../services'
import type { HandlerContext } from '../types'
import { reportHandlers } from './report'

const ctx: HandlerContext = { signal: new AbortController().signal, emit: () => undefined, front: 'browser' }
const handlers = (front: 'browser' | 'cli') => reportHandlers(new Services({ cacheDir: '/nonexistent', resourcesDir: '/nonexistent', front, version: '0' }))

describe('report handlers', () => {
  it('refuses bad requests with a message naming the field', async () => {
    const h = handlers('browser')
    await expect(h['report:render']({ a: '', format: 'png' }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a (the analysis key') })
    await expect(h['report:render']({ a: 'k', format: 'pdf' as never }, ctx)).rejects.toMatchObject({ message: 'Unknown report format "pdf": use png, svg, json, md.' })
    await expect(h['report:render']({ a: 'k', format: 'png', theme: 'sepia' as never }, ctx)).rejects.toMatchObject({ message: expect.stringContaining('Unknown theme "sepia"') })
    await expect(h['report:render']({ a: 'k', format: 'png', width: 50 }, ctx)).rejects.toMatchObject({ message: expect.stringContaining('from 400 to 4800') })
  })

  it('says an unknown analysis key is not open', async () => {
    await expect(handlers('browser')['report:render']({ a: 'no-such-key', format: 'svg' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('keeps the save dialog and the clipboard to the desktop app', async () => {
    for (const front of ['browser', 'cli'] as const) {
      await expect(handlers(front)['report:save']({ a: 'k', format: 'png' }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('desktop app') })
      await expect(handlers(front)['report:copy']({ a: 'k', format: 'png' }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
  })
})
