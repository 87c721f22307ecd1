import { Resvg } from '@resvg/resvg-js'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * SVG -> PNG without a browser. Only the fonts shipped in resources/fonts are used (no system
 * fonts), so the same SVG gives the same pixels on every machine.
 */
export function svgToPng(svg: string, opts: { width?: number; fontsDir: string; background?: string }): Buffer {
  const fontFiles = readdirSync(opts.fontsDir)
    .filter((f) => /\.(ttf|otf)$/i.test(f))
    .map((f) => join(opts.fontsDir, f))
  const resvg = new Resvg(svg, {
    fitTo: opts.width ? { mode: 'width', value: opts.width } : { mode: 'original' },
    background: opts.background,
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans' }
  })
  return resvg.render().asPng()
}
