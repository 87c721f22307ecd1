// The charts' view of the one theme (src/shared/theme.ts), so a colour means the same thing on
// every screen, in reports and in graphs.
import type { ChangeKind } from '../../../../shared/models/analysis'
import { THEMES, categoryColor as themeCategoryColor, textOn, type ThemeName } from '../../../../shared/theme'

export interface ChartPalette {
  text: string
  muted: string
  grid: string
  surface: string
  accent: string
  selected: string
  base: string
  app: string
  empty: string
  aggregate: string
  change: Record<ChangeKind, string>
  categories: readonly string[]
  /** The ink that reads at WCAG AA on a block of this colour. */
  textOn: (fill: string) => string
}

function palette(name: ThemeName): ChartPalette {
  const t = THEMES[name]
  return {
    text: t.text,
    muted: t.muted,
    grid: t.grid,
    surface: t.panel,
    accent: t.accent,
    selected: t.selected,
    base: t.base,
    app: t.app,
    empty: t.empty,
    aggregate: t.aggregate,
    change: t.change,
    categories: t.categories,
    textOn: (fill) => textOn(t, fill)
  }
}

const PALETTES: Record<ThemeName, ChartPalette> = { light: palette('light'), dark: palette('dark') }

export function chartPalette(theme: ThemeName): ChartPalette {
  return PALETTES[theme]
}

/** A stable colour for a category name (top-level directory): same name, same colour. */
export function categoryColor(p: ChartPalette, name: string, index?: number): string {
  return themeCategoryColor(p, name, index)
}
