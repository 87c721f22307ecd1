// The static report's view of the one theme (src/shared/theme.ts), light and dark: the same
// colours as the app.
import type { ReportTheme } from '../../../shared/models/report'
import { THEMES, type Theme } from '../../../shared/theme'

export interface Palette {
  bg: string
  panel: string
  text: string
  muted: string
  border: string
  track: string
  accent: string
  base: string
  added: string
  changed: string
  deleted: string
  onlyA: string
  onlyB: string
  /** The whole theme, for drawings shared with the app (the stage graph). */
  theme: Theme
}

function palette(t: Theme): Palette {
  return {
    bg: t.bg,
    panel: t.panel,
    text: t.text,
    muted: t.muted,
    border: t.border,
    track: t.grid,
    accent: t.accent,
    base: t.base,
    added: t.added,
    changed: t.changed,
    deleted: t.deleted,
    onlyA: t.onlyA,
    onlyB: t.onlyB,
    theme: t
  }
}

export const PALETTES: Record<ReportTheme, Palette> = { light: palette(THEMES.light), dark: palette(THEMES.dark) }
