import { Resvg } from '@resvg/resvg-js'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { esc } from './svg-text'
import { FONT_FAMILY, textWidth, truncateEnd, truncateMiddle, type FontFace } from './text-width'

const FONTS = join(__dirname, '../../../../resources/fonts')

/** The width resvg really draws the text with the shipped fonts. */
function drawnWidth(s: string, size: number, face: FontFace): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="100"><text x="0" y="50" font-family="${FONT_FAMILY[face]}" font-size="${size}"${face === 'bold' ? ' font-weight="bold"' : ''}>${esc(s)}</text></svg>`
  const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf'].map((f) => join(FONTS, f))
  const bbox = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: 'DejaVu Sans' } }).getBBox()!
  return bbox.x + bbox.width
}

describe('textWidth', () => {
  it.each([
    ['Biggest directories', 16, 'bold'],
    ['RUN apt-get update && apt-get install -y curl', 12, 'mono'],
    ['339,181,134 bytes · docker images', 12, 'sans'],
    ['WASTED 11.5 MB', 28, 'bold']
  ] as [string, number, FontFace][])('matches what resvg draws for %s (within 3 %%)', (s, size, face) => {
    // The ink box ends a little before the last advance: allow a few percent.
    expect(Math.abs(textWidth(s, size, face) - drawnWidth(s, size, face)) / textWidth(s, size, face)).toBeLessThan(0.03)
  })

  it('sets digits tabular (every digit the same width)', () => {
    const w = new Set('0123456789'.split('').map((d) => textWidth(d, 13)))
    expect(w.size).toBe(1)
  })
})

describe('truncation', () => {
  const path = '/usr/lib/x86_64-linux-gnu/perl/5.36.0/auto/Encode/JP/JP.so'
  it('cuts the middle of a path, keeping its start and file name, within the width', () => {
    const t = truncateMiddle(path, 200, 12, 'mono')
    expect(t).toContain('…')
    expect(t.startsWith('/usr/')).toBe(true)
    expect(t.endsWith('JP.so')).toBe(true)
    expect(textWidth(t, 12, 'mono')).toBeLessThanOrEqual(200)
  })
  it('cuts the end of a command within the width', () => {
    const t = truncateEnd('RUN apt-get update && apt-get install -y build-essential', 150, 12)
    expect(t.endsWith('…')).toBe(true)
    expect(textWidth(t, 12)).toBeLessThanOrEqual(150)
  })
  it('leaves text that fits alone, and never splits a surrogate pair', () => {
    expect(truncateEnd('short', 500, 12)).toBe('short')
    const emoji = '📦'.repeat(40)
    const t = truncateMiddle(emoji, 100, 12)
    expect(t.replace('…', '')).toMatch(/^(📦)+$/u)
  })
})
