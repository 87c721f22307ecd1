/** Rows to render for a fixed-row-height virtual list: [start, end) plus overscan. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): [number, number] {
  if (count <= 0 || rowHeight <= 0) return [0, 0]
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, first + visible + overscan)
  return [Math.min(start, end), end]
}

/** The scrollTop that brings row `index` into view with the least movement (null: already visible). */
export function scrollToReveal(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight
  const bottom = top + rowHeight
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewport) return bottom - viewport
  return null
}
