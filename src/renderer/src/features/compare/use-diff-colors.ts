// The diff colours, from the one theme module, so the chart, the treemap and the table
// swatches always agree (the CSS variables --only-a, --only-b are generated from it too).
import { useThemeColors } from '../../lib/theme'

export interface DiffColors {
  onlyA: string
  onlyB: string
  changed: string
  shared: string
}

export function useDiffColors(): DiffColors {
  const t = useThemeColors()
  return { onlyA: t.onlyA, onlyB: t.onlyB, changed: t.change.changed, shared: t.base }
}
