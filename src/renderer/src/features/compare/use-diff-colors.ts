// The diff colours come from the theme's CSS variables (--only-a, --only-b, --changed) so the
// chart, the treemap and the table swatches always agree. Read after paint: the shell sets
// the theme attribute in its own effect, which runs after ours.
import { useEffect, useState } from 'react'
import { useResolvedTheme } from '../../lib/theme'

export interface DiffColors {
  onlyA: string
  onlyB: string
  changed: string
  shared: string
}

const FALLBACK: DiffColors = { onlyA: '#7b61ff', onlyB: '#14a3a3', changed: '#d69a1c', shared: '#a3aec2' }

function read(): DiffColors {
  const cs = getComputedStyle(document.documentElement)
  const v = (name: string, fb: string): string => cs.getPropertyValue(name).trim() || fb
  return {
    onlyA: v('--only-a', FALLBACK.onlyA),
    onlyB: v('--only-b', FALLBACK.onlyB),
    changed: v('--changed', FALLBACK.changed),
    shared: v('--shared', FALLBACK.shared)
  }
}

export function useDiffColors(): DiffColors {
  const theme = useResolvedTheme()
  const [colors, setColors] = useState<DiffColors>(FALLBACK)
  useEffect(() => {
    const id = requestAnimationFrame(() => setColors(read()))
    return () => cancelAnimationFrame(id)
  }, [theme])
  return colors
}
