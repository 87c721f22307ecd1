import { describe, expect, it } from 'vitest'
import { contrast, cssVariables, mix, textOn, themeCss, THEMES, type Theme, type ThemeName } from './theme'

const AA_SMALL = 4.5
const AA_LARGE = 3

type Token = { [K in keyof Theme]: Theme[K] extends string ? K : never }[keyof Theme]

// Each text colour with the backgrounds it is drawn on (grep the CSS/SVG for its uses).
const TEXT_ON: [Token, Token[]][] = [
  ['text', ['bg', 'panel', 'panel2', 'hover', 'active', 'accentSoft', 'warnSoft', 'errorSoft']],
  ['muted', ['bg', 'panel', 'panel2', 'hover', 'active']],
  ['faint', ['panel', 'panel2', 'bg']], // line numbers, empty history steps, "not built yet"
  ['accent', ['bg', 'panel', 'panel2', 'hover', 'accentSoft']], // links, active nav, crumbs, chip-accent
  ['added', ['panel', 'panel2', 'hover', 'active']],
  ['changed', ['panel', 'panel2', 'hover', 'active', 'bg']], // also the report's notes on bg
  ['deleted', ['panel', 'panel2', 'hover', 'active', 'errorSoft', 'bg']],
  ['warn', ['panel', 'panel2', 'warnSoft']],
  ['accentText', ['accent']], // primary buttons, the stage graph's TARGET badge
  ['edgeCopy', ['panel']], // stage graph edge labels and "passes" bytes
  ['edgeMount', ['panel']]
]

// Text on a tint: color-mix(in srgb, TINT N%, transparent) over a surface. [text, tint, N, surface]
const TINTED: [Token, Token, number, Token][] = [
  ['added', 'added', 0.14, 'panel'], // .mk-added
  ['changed', 'changed', 0.15, 'panel'], // .mk-changed
  ['deleted', 'deleted', 0.14, 'panel'], // .mk-deleted
  ['text', 'changed', 0.22, 'panel2'], // .df-src-line.focus
  ['text', 'accent', 0.22, 'panel2'] // .df-line-bar behind the line's bytes
]

function blocks(t: Theme): string[] {
  return [...t.categories, ...Object.values(t.change), t.base, t.app, t.aggregate, t.empty, t.accent, t.onlyA, t.onlyB]
}

describe.each(['light', 'dark'] as ThemeName[])('%s theme', (name) => {
  const t = THEMES[name]

  it('every text colour meets WCAG AA (4.5:1) on each background it is used on', () => {
    const fails: string[] = []
    for (const [fg, bgs] of TEXT_ON)
      for (const bg of bgs) {
        const c = contrast(t[fg], t[bg])
        if (c < AA_SMALL) fails.push(`${fg} ${t[fg]} on ${bg} ${t[bg]}: ${c.toFixed(2)}`)
      }
    for (const [fg, tint, amount, surface] of TINTED) {
      const c = contrast(t[fg], mix(t[tint], t[surface], amount))
      if (c < AA_SMALL) fails.push(`${fg} on ${Math.round(amount * 100)}% ${tint} over ${surface}: ${c.toFixed(2)}`)
    }
    expect(fails).toEqual([])
  })

  it('text on every coloured block (treemap tiles, bars, badges) reads at AA for small text', () => {
    const fails = blocks(t)
      .map((fill) => ({ fill, ink: textOn(t, fill) }))
      .filter(({ fill, ink }) => contrast(ink, fill) < AA_SMALL)
      .map(({ fill, ink }) => `${ink} on ${fill}: ${contrast(ink, fill).toFixed(2)}`)
    expect(fails).toEqual([])
  })

  it('marks without text (chart bars, edges) stand out from the surface at 3:1', () => {
    const fails = [t.edgeFrom, t.edgeCopy, t.edgeMount, t.onlyA, t.onlyB, t.app, t.accent]
      .filter((c) => contrast(c, t.panel) < AA_LARGE)
      .map((c) => `${c} on ${t.panel}: ${contrast(c, t.panel).toFixed(2)}`)
    expect(fails).toEqual([])
  })
})

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5)
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
    // The failure this module fixes: white on the treemap's mustard.
    expect(contrast('#ffffff', THEMES.light.change.changed)).toBeLessThan(2.5)
    expect(textOn(THEMES.light, THEMES.light.change.changed)).toBe(THEMES.light.inkDark)
  })
})

describe('CSS variables', () => {
  it('come from the module for both themes, the same names in each', () => {
    const light = cssVariables(THEMES.light)
    const dark = cssVariables(THEMES.dark)
    expect(Object.keys(light).sort()).toEqual(Object.keys(dark).sort())
    expect(light['--panel-2']).toBe(THEMES.light.panel2)
    expect(dark['--border-strong']).toBe(THEMES.dark.borderStrong)
    expect(dark['--change-changed']).toBe(THEMES.dark.change.changed)
    const css = themeCss()
    expect(css).toContain(`--bg: ${THEMES.light.bg};`)
    expect(css).toContain(":root[data-theme='dark'] {")
    expect(css).toContain(`--bg: ${THEMES.dark.bg};`)
  })
})
