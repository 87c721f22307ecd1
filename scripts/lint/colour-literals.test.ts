// Every colour lives in src/shared/theme.ts: no other source, style or page under src holds a
// colour literal (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl(), hsla()).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '../..')
const ALLOWED = new Set(['src/shared/theme.ts', 'src/shared/theme.test.ts'])
const COLOUR = /#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b|\b(?:rgba?|hsla?)\(/g

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name)
    if (d.isDirectory()) return d.name === 'node_modules' || d.name === 'testdata' ? [] : files(p)
    return /\.(ts|tsx|css|html)$/.test(d.name) ? [p] : []
  })
}

export function colourLiterals(text: string): string[] {
  return [...text.matchAll(COLOUR)].map((m) => m[0])
}

describe('colour literals', () => {
  it('finds the kinds of literal it is meant to refuse', () => {
    expect(colourLiterals("fill: #fff; stroke: '#1d2330'; c: #11223344; x: rgba(0, 0, 0, .5) hsl(1 2% 3%)")).toEqual(['#fff', '#1d2330', '#11223344', 'rgba(', 'hsl('])
    expect(colourLiterals('issue #12, url(#arrow-copy), &#39; var(--bg)')).toEqual([])
  })

  it('appear nowhere under src but in the theme module', () => {
    const found = files(join(ROOT, 'src'))
      .map((f) => relative(ROOT, f).split('\\').join('/'))
      .filter((f) => !ALLOWED.has(f))
      .flatMap((f) =>
        readFileSync(join(ROOT, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => colourLiterals(line).map((c) => `${f}:${i + 1}: ${c}`))
      )
    expect(found).toEqual([])
  })
})
