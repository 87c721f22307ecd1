// Small SVG writing helpers: every piece of text goes through esc() (image and path names are
// hostile data: "<script>", "&", quotes, control characters, lone surrogates).
import { esc, r } from '../../../shared/svg'
import { FONT_FAMILY, textWidth, truncateEnd, type FontFace } from './text-width'

export { esc, r }

/** One line for display: newlines and tabs become spaces (a file name may hold them). */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ')
}

export interface TextStyle {
  size: number
  face?: FontFace
  fill: string
  anchor?: 'start' | 'middle' | 'end'
  spacing?: number
}

export function text(x: number, y: number, content: string, s: TextStyle): string {
  const face = s.face ?? 'sans'
  const attrs = [
    `x="${r(x)}"`,
    `y="${r(y)}"`,
    `font-family="${FONT_FAMILY[face]}"`,
    `font-size="${s.size}"`,
    face === 'bold' ? 'font-weight="bold"' : '',
    `fill="${s.fill}"`,
    s.anchor && s.anchor !== 'start' ? `text-anchor="${s.anchor}"` : '',
    s.spacing ? `letter-spacing="${s.spacing}"` : ''
  ].filter(Boolean)
  return `<text ${attrs.join(' ')}>${esc(content)}</text>`
}

export function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(Math.max(0, w))}" height="${r(Math.max(0, h))}" fill="${fill}"${extra ? ' ' + extra : ''}/>`
}

/** Greedy word wrap by measured width; the last allowed line ends in an ellipsis when cut. */
export function wrap(textIn: string, maxWidth: number, size: number, face: FontFace, maxLines: number): string[] {
  const words = oneLine(textIn).split(/\s+/).filter(Boolean)
  const lines: string[] = []
  let cur = ''
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w
    if (textWidth(next, size, face) <= maxWidth || !cur) {
      cur = next
      continue
    }
    lines.push(cur)
    cur = w
  }
  if (cur) lines.push(cur)
  // A single word wider than the line is cut rather than left to overflow.
  if (lines.length <= maxLines) return lines.map((l) => truncateEnd(l, maxWidth, size, face))
  const kept = lines.slice(0, maxLines)
  let last = kept[maxLines - 1]! + ' ' + lines.slice(maxLines).join(' ')
  while (last.length > 1 && textWidth(last + '…', size, face) > maxWidth) last = last.slice(0, -1)
  kept[maxLines - 1] = last.trimEnd() + '…'
  return kept.map((l) => truncateEnd(l, maxWidth, size, face))
}
