import { describe, expect, it } from 'vitest'
import { createBackend } from '..'
import type { HandlerContext } from '../types'

const ctx: Omit<HandlerContext, 'signal'> = { emit: () => undefined, front: 'browser' }
// Through the dispatcher: the request schemas refuse bad requests before the report service runs.
const handlers = (front: 'browser' | 'cli') => {
  const d = createBackend({ cacheDir: '/nonexistent', resourcesDir: '/nonexistent', front, version: '0' }).dispatcher
  const h = (c: 'report:render' | 'report:save' | 'report:copy') => (req: unknown, cx: typeof ctx) => d.invoke(c, req as never, cx)
  return { 'report:render': h('report:render'), 'report:save': h('report:save'), 'report:copy': h('report:copy') }
}

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
