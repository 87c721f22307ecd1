// Remembers the window's size and position in a small JSON file in userData.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_STATE: WindowState = { width: 1360, height: 860, maximized: false }
const MIN_WIDTH = 800
const MIN_HEIGHT = 560

/** The saved state, or the default when the file is missing or unreadable. */
export function loadWindowState(file: string): WindowState {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>
    const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
    if (!num(raw.width) || !num(raw.height)) return { ...DEFAULT_STATE }
    return {
      ...(num(raw.x) && num(raw.y) ? { x: Math.round(raw.x), y: Math.round(raw.y) } : {}),
      width: Math.max(MIN_WIDTH, Math.round(raw.width)),
      height: Math.max(MIN_HEIGHT, Math.round(raw.height)),
      maximized: raw.maximized === true
    }
  } catch {
    return { ...DEFAULT_STATE }
  }
}

/**
 * Keeps the position only when the window would still be visible on one of the current
 * displays (a monitor unplugged since last time must not leave the window off-screen).
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state
  const { x, y } = state
  const visible = workAreas.some((a) => x + 100 <= a.x + a.width && x + state.width - 100 >= a.x && y >= a.y && y + 40 <= a.y + a.height)
  if (visible) return state
  return { width: state.width, height: state.height, maximized: state.maximized }
}

/** Written via a temp file so a crash mid-write never leaves half a JSON. */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(`${file}.tmp`, JSON.stringify(state))
    renameSync(`${file}.tmp`, file)
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}
