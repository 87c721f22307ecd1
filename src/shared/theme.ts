// Every colour of Layerscope, light and dark, defined once: the app (CSS variables generated
// from this module), its charts, the stage graph (app, `layerscope graph`, reports) and the
// static report. A unit test checks that no other file holds a colour literal and that every
// text colour meets WCAG AA on the backgrounds it is used on.
import type { ChangeKind } from './models/analysis'

export type ThemeName = 'light' | 'dark'

export interface Theme {
  // Surfaces
  bg: string
  panel: string
  panel2: string
  border: string
  borderStrong: string
  hover: string
  active: string
  accentSoft: string
  warnSoft: string
  errorSoft: string
  // Text (and marks drawn in a text colour)
  text: string
  muted: string
  faint: string
  accent: string
  accentText: string
  added: string
  changed: string
  deleted: string
  warn: string
  // Compare: the two sides
  onlyA: string
  onlyB: string
  // Charts
  grid: string
  selected: string
  base: string
  app: string
  empty: string
  aggregate: string
  change: Record<ChangeKind, string>
  categories: readonly string[]
  // Stage graph edges (dockerfilegraph's conventions: FROM, COPY --from, RUN --mount)
  edgeFrom: string
  edgeCopy: string
  edgeMount: string
  // Ink for text drawn on a coloured block: textOn() picks the one that reads best.
  inkLight: string
  inkDark: string
  shadow: string
  shadowPop: string
  /** A faint dotted grid behind the stage graph. */
  graphDots: string
}

const INK_LIGHT = '#ffffff'
const INK_DARK = '#111418'

const LIGHT_ACCENT = '#2563d9'
const LIGHT_WARN = '#b54708'

export const LIGHT: Theme = {
  bg: '#f5f6f8',
  panel: '#ffffff',
  panel2: '#f9fafb',
  border: '#e3e6eb',
  borderStrong: '#d0d5dd',
  hover: '#f0f3f8',
  active: '#e7eefc',
  accentSoft: '#e8effd',
  warnSoft: '#fef3e2',
  errorSoft: '#fdecea',
  text: '#1d2330',
  muted: '#5d6678',
  faint: '#666f80',
  accent: LIGHT_ACCENT,
  accentText: INK_LIGHT,
  added: '#1a7240',
  changed: '#8c5e00',
  deleted: '#b8322a',
  warn: LIGHT_WARN,
  onlyA: '#6a4ff0',
  onlyB: '#0e7c7c',
  grid: '#e8eaef',
  selected: '#1d4fc4',
  base: '#a3aec2',
  app: '#5b8def',
  empty: '#d0d5dd',
  aggregate: '#c4c9d2',
  change: { added: '#3aa96b', changed: '#e0a526', deleted: '#e0574f', unchanged: '#9aa8bf' },
  categories: ['#5b8def', '#3aa96b', '#e0a526', '#9b6bdf', '#e0574f', '#25a5b8', '#d9659b', '#a3ae3a', '#c27a3a', '#7f8fc8'],
  edgeFrom: '#475467',
  edgeCopy: LIGHT_ACCENT,
  edgeMount: LIGHT_WARN,
  inkLight: INK_LIGHT,
  inkDark: INK_DARK,
  shadow: '0 1px 2px rgba(16, 24, 40, 0.05)',
  shadowPop: '0 8px 24px rgba(16, 24, 40, 0.16)',
  graphDots: '#c6ccd6'
}

const DARK_ACCENT = '#6a9bff'
const DARK_WARN = '#f5a55b'

export const DARK: Theme = {
  bg: '#121418',
  panel: '#1a1d23',
  panel2: '#1e2229',
  border: '#2a2f38',
  borderStrong: '#3a404b',
  hover: '#222730',
  active: '#1f2d4a',
  accentSoft: '#1d2a44',
  warnSoft: '#2f2416',
  errorSoft: '#35201f',
  text: '#e6e9ef',
  muted: '#a0a9b8',
  faint: '#848d9c',
  accent: DARK_ACCENT,
  accentText: '#0d1526',
  added: '#4cc27e',
  changed: '#e0b04a',
  deleted: '#f07068',
  warn: DARK_WARN,
  onlyA: '#9985ff',
  onlyB: '#22b8b8',
  grid: '#2b313b',
  selected: '#9dbcff',
  base: '#5a6478',
  app: '#5f8fe8',
  empty: '#3a414d',
  aggregate: '#4a515e',
  change: { added: '#3f9f68', changed: '#c7952a', deleted: '#cf5a52', unchanged: '#56627a' },
  categories: ['#5f8fe8', '#3f9f68', '#c7952a', '#8f6ad0', '#cf5a52', '#2f9aac', '#c2608e', '#8a963a', '#b5763d', '#5f6da8'],
  edgeFrom: '#98a2b3',
  edgeCopy: DARK_ACCENT,
  edgeMount: DARK_WARN,
  inkLight: INK_LIGHT,
  inkDark: INK_DARK,
  shadow: 'none',
  shadowPop: '0 8px 24px rgba(0, 0, 0, 0.5)',
  graphDots: '#343a45'
}

export const THEMES: Record<ThemeName, Theme> = { light: LIGHT, dark: DARK }

// --- Contrast (WCAG 2.x relative luminance) -------------------------------------------

function channels(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex)
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`)
  const v = parseInt(m[1]!, 16)
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255]
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`
}

export function luminance(hex: string): number {
  const lin = channels(hex).map((c) => {
    const s = c / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!
}

/** WCAG contrast ratio, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** `top` at `amount` (0..1) over `under`, as CSS color-mix(in srgb, top N%, under) paints it. */
export function mix(top: string, under: string, amount: number): string {
  const a = channels(top)
  const b = channels(under)
  return toHex([0, 1, 2].map((i) => a[i]! * amount + b[i]! * (1 - amount)) as [number, number, number])
}

/** The ink (light or dark) that reads best on a coloured block. */
export function textOn(t: Theme, fill: string): string {
  return contrast(t.inkLight, fill) >= contrast(t.inkDark, fill) ? t.inkLight : t.inkDark
}

/** A stable colour for a category name (top-level directory): same name, same colour. */
export function categoryColor(t: Pick<Theme, 'categories'>, name: string, index?: number): string {
  if (index !== undefined) return t.categories[index % t.categories.length]!
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0
  return t.categories[Math.abs(h) % t.categories.length]!
}

// --- CSS custom properties -------------------------------------------------------------

const kebab = (k: string): string => k.replace(/[A-Z0-9]/g, (c) => `-${c.toLowerCase()}`)

/** Every theme colour as a CSS custom property: --panel-2, --border-strong, --change-added, --cat-0 ... */
export function cssVariables(t: Theme): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out[`--${kebab(k)}`] = v
  }
  for (const [k, v] of Object.entries(t.change)) out[`--change-${k}`] = v
  t.categories.forEach((c, i) => (out[`--cat-${i}`] = c))
  // Text on the compare sides' badges: the ink that passes on each.
  out['--on-only-a'] = textOn(t, t.onlyA)
  out['--on-only-b'] = textOn(t, t.onlyB)
  return out
}

/** The stylesheet text: light on :root, dark on :root[data-theme='dark']. */
export function themeCss(): string {
  const block = (sel: string, scheme: ThemeName, t: Theme): string =>
    `${sel} {\n  color-scheme: ${scheme};\n${Object.entries(cssVariables(t))
      .map(([k, v]) => `  ${k}: ${v};`)
      .join('\n')}\n}`
  return `${block(':root', 'light', LIGHT)}\n${block(":root[data-theme='dark']", 'dark', DARK)}\n`
}
