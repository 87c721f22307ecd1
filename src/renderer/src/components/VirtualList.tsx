// A small fixed-row-height virtual list: 100,000 rows cost what the visible ones cost.
// The parent owns selection and keys; `activeIndex` is kept scrolled into view.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { scrollToReveal, visibleRange } from './virtual-range'

export interface VirtualListProps {
  count: number
  rowHeight: number
  renderRow: (index: number) => ReactNode
  activeIndex?: number
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void
  className?: string
  label: string
  testId?: string
  /** 'tree' for rows that are treeitems (the file tree); default 'listbox'. */
  role?: 'listbox' | 'tree'
  /** The id of the active row's element (aria-activedescendant: focus stays on the list). */
  activeId?: string
}

export function VirtualList({ count, rowHeight, renderRow, activeIndex, onKeyDown, className, label, testId, role = 'listbox', activeId }: VirtualListProps): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(400)

  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    setViewport(el.clientHeight)
    const ro = new ResizeObserver(() => setViewport(el.clientHeight))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  useEffect(() => {
    const el = ref.current
    if (!el || activeIndex === undefined || activeIndex < 0) return
    const top = scrollToReveal(activeIndex, el.scrollTop, el.clientHeight, rowHeight)
    if (top !== null) el.scrollTop = top
  }, [activeIndex, rowHeight])

  const onScroll = useCallback(() => setScrollTop(ref.current?.scrollTop ?? 0), [])
  const [start, end] = visibleRange(scrollTop, viewport, rowHeight, count)
  const rows: ReactNode[] = []
  for (let i = start; i < end; i++) {
    rows.push(
      <div key={i} className="vrow-slot" role="none" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(i)}
      </div>
    )
  }
  return (
    <div ref={ref} className={['vlist', className].filter(Boolean).join(' ')} tabIndex={0} role={role} aria-label={label} aria-activedescendant={activeId} onScroll={onScroll} onKeyDown={onKeyDown} data-testid={testId}>
      <div className="vlist-inner" role="none" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  )
}
