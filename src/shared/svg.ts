// A tiny SVG element tree: drawings shared by every front are built as data (pure, testable),
// then written as markup (CLI, reports) or as React elements (the app). One escaping rule.

export type SvgAttrs = Record<string, string | number | undefined>

export interface SvgEl {
  tag: string
  attrs: SvgAttrs
  children?: (SvgEl | string)[]
}

export function el(tag: string, attrs: SvgAttrs, children?: (SvgEl | string | null | undefined | false)[]): SvgEl {
  const kids = children?.filter((c): c is SvgEl | string => c !== null && c !== undefined && c !== false)
  return kids && kids.length > 0 ? { tag, attrs, children: kids } : { tag, attrs }
}

// Characters XML 1.0 forbids (and resvg rejects): C0 controls except tab/newline/CR, U+FFFE/F, lone surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Text made safe for SVG/XML content and attribute values (names are hostile data). */
export function esc(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Rounds to 0.1 px so the markup stays small and stable across runs. */
export function r(n: number): string {
  return String(Math.round(n * 10) / 10)
}

function attrText(attrs: SvgAttrs): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? r(v) : esc(v!)}"`)
    .join('')
}

/** The element as markup. */
export function svgMarkup(e: SvgEl | string): string {
  if (typeof e === 'string') return esc(e)
  const open = `<${e.tag}${attrText(e.attrs)}`
  if (!e.children || e.children.length === 0) return `${open}/>`
  const inner = e.children.map(svgMarkup).join(e.children.every((c) => typeof c === 'string') ? '' : '\n')
  return `${open}>${inner}</${e.tag}>`
}
