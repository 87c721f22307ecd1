// Every chart's colours come from here, so a colour means the same thing on every screen.
import type { ChangeKind } from '../../../../shared/models/analysis'

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
  categories: string[]
}

const LIGHT: ChartPalette = {
  text: '#1d2330',
  muted: '#667085',
  grid: '#e8eaef',
  surface: '#ffffff',
  accent: '#2f6fed',
  selected: '#1d4fc4',
  base: '#a3aec2',
  app: '#5b8def',
  empty: '#d0d5dd',
  aggregate: '#c4c9d2',
  change: { added: '#3aa96b', changed: '#e0a526', deleted: '#e0574f', unchanged: '#9aa8bf' },
  categories: ['#5b8def', '#3aa96b', '#e0a526', '#9b6bdf', '#e0574f', '#25a5b8', '#d9659b', '#7f8c2d', '#c27a3a', '#5f6fa8']
}

const DARK: ChartPalette = {
  text: '#e6e9ef',
  muted: '#98a2b3',
  grid: '#2b313b',
  surface: '#1b1f26',
  accent: '#6a9bff',
  selected: '#9dbcff',
  base: '#5a6478',
  app: '#5f8fe8',
  empty: '#3a414d',
  aggregate: '#4a515e',
  change: { added: '#3f9f68', changed: '#c7952a', deleted: '#cf5a52', unchanged: '#56627a' },
  categories: ['#5f8fe8', '#3f9f68', '#c7952a', '#8f6ad0', '#cf5a52', '#2f9aac', '#c2608e', '#8a963a', '#b5763d', '#6877b4']
}

export function chartPalette(theme: 'light' | 'dark'): ChartPalette {
  return theme === 'dark' ? DARK : LIGHT
}

/** A stable colour for a category name (top-level directory): same name, same colour. */
export function categoryColor(p: ChartPalette, name: string, index?: number): string {
  if (index !== undefined) return p.categories[index % p.categories.length]!
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0
  return p.categories[Math.abs(h) % p.categories.length]!
}
