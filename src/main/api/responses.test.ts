// The small answers match the response schemas the contract derives their types from.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RESPONSES } from '../../shared/schemas/responses'
import { createBackend } from '.'

const cacheDir = mkdtempSync(join(tmpdir(), 'layerscope-responses-'))
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))
const { dispatcher } = createBackend({ cacheDir, resourcesDir: '/nonexistent', front: 'browser', version: '1.2.3' })
const ctx = { front: 'browser' as const, emit: () => undefined }

describe('small responses', () => {
  it('app:info, job:cancel, cache:info and cache:clear answer what their schemas say', async () => {
    const info = await dispatcher.invoke('app:info', {}, ctx)
    expect(RESPONSES['app:info'].parse(info)).toEqual({ version: '1.2.3', front: 'browser', platform: process.platform })
    expect(RESPONSES['job:cancel'].parse(await dispatcher.invoke('job:cancel', { jobId: 'none' }, ctx))).toEqual({ cancelled: false })
    expect(RESPONSES['cache:info'].parse(await dispatcher.invoke('cache:info', {}, ctx))).toMatchObject({ entries: 0, bytes: 0 })
    expect(RESPONSES['cache:clear'].parse(await dispatcher.invoke('cache:clear', {}, ctx))).toEqual({ removedEntries: 0, removedBytes: 0 })
    expect(() => RESPONSES['cache:info'].parse({ dir: '/x', entries: -1, bytes: 0 })).toThrow()
  })

  it('the browser front answers dialog:open with the desktop-only message', async () => {
    expect(await dispatcher.call('dialog:open', { kind: 'archive' }, ctx)).toEqual({
      error: { code: 'INVALID_INPUT', message: 'File dialogs exist only in the desktop app: drop an archive on the window or type its path.' }
    })
  })
})
