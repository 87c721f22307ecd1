// Text widths of the shipped fonts (resources/fonts, DejaVu Sans / Sans Bold / Sans Mono), so
// the report can right-align numbers and truncate long paths by measured width without a
// browser. Advances per 1000 em for U+0020..U+00FF were read from the fonts' hmtx tables.

/* prettier-ignore */
const SANS = [318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,636,636,636,636,636,636,636,636,636,636,337,337,838,838,838,531,1000,684,686,698,770,632,575,775,752,295,295,656,557,863,748,787,603,787,695,635,611,732,684,989,685,611,685,390,337,390,838,500,500,613,635,550,635,615,352,635,634,278,278,579,278,974,634,612,635,635,411,521,392,634,592,818,592,592,525,636,337,636,838,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,318,401,636,636,636,636,337,500,500,1000,471,612,838,361,1000,500,500,838,401,401,500,636,636,318,500,401,471,612,969,969,969,531,684,684,684,684,684,684,974,698,632,632,632,632,295,295,295,295,775,748,787,787,787,787,787,838,787,732,732,732,732,611,605,630,613,613,613,613,613,613,982,550,615,615,615,615,278,278,278,278,612,634,612,612,612,612,612,838,612,634,634,634,634,592,635,592]
/* prettier-ignore */
const BOLD = [348,456,521,838,696,1002,872,306,457,457,523,838,380,415,380,365,696,696,696,696,696,696,696,696,696,696,400,400,838,838,838,580,1000,774,762,734,830,683,683,821,837,372,372,775,637,995,837,850,733,850,770,720,682,812,774,1103,771,724,725,457,365,457,838,500,500,675,716,593,716,678,435,716,712,343,343,665,343,1042,712,687,716,716,493,595,478,712,652,924,645,652,582,712,365,712,838,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,600,348,456,696,696,636,696,365,500,500,1000,564,646,838,415,1000,500,500,838,438,438,500,736,636,380,500,438,564,646,1035,1035,1035,580,774,774,774,774,774,774,1085,734,683,683,683,683,372,372,372,372,838,837,850,850,850,850,850,838,850,812,812,812,812,724,738,719,675,675,675,675,675,675,1048,593,678,678,678,678,343,343,343,343,687,712,687,687,687,687,687,838,687,712,712,712,712,652,716,652]
const MONO_ADVANCE = 602

export type FontFace = 'sans' | 'bold' | 'mono'

export const FONT_FAMILY: Record<FontFace, string> = {
  sans: 'DejaVu Sans',
  bold: 'DejaVu Sans',
  mono: 'DejaVu Sans Mono'
}

/** Advance of one code point in 1/1000 em. Outside Latin-1 we guess wide (CJK, symbols) to err on the short side. */
function advance(cp: number, face: FontFace): number {
  if (face === 'mono') return cp >= 0x2e80 ? 1000 : MONO_ADVANCE
  if (cp >= 0x20 && cp <= 0xff) return (face === 'bold' ? BOLD : SANS)[cp - 0x20]!
  if (cp === 0x2026 || cp === 0x2014) return 1000 // … —
  if (cp === 0x2013 || cp === 0x2212) return face === 'bold' ? 696 : 636 // – −
  if (cp === 0x00b7 || cp === 0x2022) return 590 // · •
  return 1000
}

/** Width in px of `text` set at `size` px in the given face. */
export function textWidth(text: string, size: number, face: FontFace = 'sans'): number {
  let units = 0
  for (const ch of text) units += advance(ch.codePointAt(0)!, face)
  return (units * size) / 1000
}

const ELLIPSIS = '…'

/** Cuts the end off so the text fits in maxWidth px ("RUN apt-get install -y …"). */
export function truncateEnd(text: string, maxWidth: number, size: number, face: FontFace = 'sans'): string {
  if (textWidth(text, size, face) <= maxWidth) return text
  const chars = Array.from(text)
  const room = maxWidth - textWidth(ELLIPSIS, size, face)
  let w = 0
  let n = 0
  while (n < chars.length) {
    const cw = textWidth(chars[n]!, size, face)
    if (w + cw > room) break
    w += cw
    n++
  }
  return chars.slice(0, n).join('').trimEnd() + ELLIPSIS
}

/**
 * Cuts the middle out of a path so both its start and its file name stay readable
 * ("/usr/lib/…/libLLVM-15.so"); the tail gets the larger share.
 */
export function truncateMiddle(text: string, maxWidth: number, size: number, face: FontFace = 'sans'): string {
  if (textWidth(text, size, face) <= maxWidth) return text
  const chars = Array.from(text)
  const room = maxWidth - textWidth(ELLIPSIS, size, face)
  if (room <= 0) return ELLIPSIS
  const headRoom = room * 0.4
  let head = 0
  let hw = 0
  while (head < chars.length) {
    const cw = textWidth(chars[head]!, size, face)
    if (hw + cw > headRoom) break
    hw += cw
    head++
  }
  let tail = chars.length
  let tw = 0
  while (tail > head) {
    const cw = textWidth(chars[tail - 1]!, size, face)
    if (hw + tw + cw > room) break
    tw += cw
    tail--
  }
  return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(tail).join('')
}
