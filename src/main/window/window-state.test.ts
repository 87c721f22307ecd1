import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_STATE, fitToDisplays, loadWindowState, saveWindowState } from './window-state'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'layerscope-win-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('window state', () => {
  it('round-trips and falls back to the default on missing or broken files', () => {
    const f = join(dir, 'sub', 'window-state.json')
    expect(loadWindowState(f)).toEqual(DEFAULT_STATE)
    saveWindowState(f, { x: 10, y: 20, width: 1000, height: 700, maximized: true })
    expect(loadWindowState(f)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true })
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ width: 1000 })
    writeFileSync(f, '{"width": "big"')
    expect(loadWindowState(f)).toEqual(DEFAULT_STATE)
    writeFileSync(f, JSON.stringify({ width: 10, height: 10 }))
    expect(loadWindowState(f)).toMatchObject({ width: 800, height: 560 })
  })

  it('drops a position that is off every display', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }]
    const s = { x: 100, y: 100, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(s, screen)).toEqual(s)
    expect(fitToDisplays({ ...s, x: 3000 }, screen)).toEqual({ width: 1200, height: 800, maximized: false })
    expect(fitToDisplays({ ...s, x: 2000 }, [...screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toMatchObject({ x: 2000 })
  })
})
