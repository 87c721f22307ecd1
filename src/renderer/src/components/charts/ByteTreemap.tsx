// Treemap of byte sizes, two levels deep: blocks for the current level's children, tiles for
// their children inside. Block labels come from a second, label-only treemap laid over the
// first (same data, same size, so squarify puts every block in the same place): recharts draws
// children over their parents, which would otherwise hide the labels.
// The tooltip lives outside React's render of the chart: hovering never re-lays out the map.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { Treemap } from 'recharts'
import { formatBytes } from '../../../../shared/format'
import { afterPaint } from '../../lib/perf'
import { useResolvedTheme } from '../../lib/theme'
import { ChartTooltipBox } from './ChartTooltip'
import { chartPalette, type ChartPalette } from './palette'
import { toTreemapData, type ByteTreemapNode } from './treemap-data'

export type { ByteTreemapNode }


export interface ByteTreemapProps<N extends ByteTreemapNode> {
  /** The level shown: its children are the blocks. */
  root: N
  /** Fill of a tile. `top` is the block (depth-1 node) it belongs to, `topIndex` its rank. */
  colorFor: (node: N, top: N, topIndex: number, p: ChartPalette) => string
  /** Click on a tile: `top` is its block. */
  onOpen?: (top: N, node: N) => void
  /** Tooltip rows for a node (path and exact bytes are always shown). */
  tooltipRows?: (node: N) => [ReactNode, ReactNode][]
  tooltipFooter?: (node: N, top: N) => ReactNode
  /** Called after the browser painted a new root (performance marks). */
  onPainted?: () => void
  height: number
  label?: string
  /** Shown instead of the chart when the level has no bytes. */
  emptyText?: string
}

interface TileProps {
  depth: number
  x: number
  y: number
  width: number
  height: number
  node?: ByteTreemapNode
  top?: ByteTreemapNode
  topIndex?: number
  children?: unknown
}

/** Room for a block label: ~6.6 px a character at 11.5 px, the gap and the padding. */
function labelWidth(title: string, size: string): number {
  return (title.length + size.length) * 6.6 + (size ? 6 : 0) + 10
}

function fits(w: number, h: number, text: string): boolean {
  return w > Math.min(90, text.length * 6.4 + 8) && h > 15
}

export function ByteTreemap<N extends ByteTreemapNode>(props: ByteTreemapProps<N>): React.JSX.Element {
  const { root, colorFor, onOpen, tooltipRows, tooltipFooter, onPainted, height, label, emptyText } = props
  const theme = useResolvedTheme()
  const p = chartPalette(theme)
  const box = useRef<HTMLDivElement>(null)
  const tip = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  const [hover, setHover] = useState<{ node: ByteTreemapNode; top: ByteTreemapNode } | null>(null)

  useLayoutEffect(() => {
    const el = box.current
    if (!el) return
    setWidth(el.clientWidth)
    const ro = new ResizeObserver(() => setWidth(el.clientWidth))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const data = useMemo(() => toTreemapData(root), [root])
  // A new level: the tile under the pointer changed without a mouseenter.
  useEffect(() => setHover(null), [data])

  const paintedCb = useRef(onPainted)
  paintedCb.current = onPainted
  useEffect(() => {
    if (width > 0) afterPaint(() => paintedCb.current?.())
  }, [data, width])

  // The chart only re-renders when data, size or theme change — never on hover.
  const colorRef = useRef(colorFor)
  colorRef.current = colorFor
  const openRef = useRef(onOpen)
  openRef.current = onOpen
  const chart = useMemo(() => {
    if (width <= 0) return null
    const tile = (t: TileProps): React.ReactElement => {
      if (t.depth === 0 || !t.node || !t.top) return <g />
      const isBlock = t.depth === 1
      const hasKids = isBlock && Array.isArray(t.children) && t.children.length > 0
      if (hasKids) return <rect x={t.x} y={t.y} width={t.width} height={t.height} fill="none" />
      const fill = colorRef.current(t.node as N, t.top as N, t.topIndex ?? 0, p)
      const name = t.node.kind === 'aggregate' ? `${t.node.count ?? ''} small entries` : t.node.name
      // Tile names sit below the block label strip (top 20px) so the two never overlap.
      const show = !isBlock && t.height > 36 && fits(t.width, t.height, name)
      return (
        <g>
          <rect x={t.x} y={t.y} width={t.width} height={t.height} fill={fill} stroke={p.surface} strokeWidth={1} className="tm-tile" />
          {show && (
            <text x={t.x + 5} y={t.y + Math.min(32, t.height - 5)} fontSize={10.5} fill={p.textOn(fill)} className="tm-text" pointerEvents="none">
              {name}
            </text>
          )}
        </g>
      )
    }
    const blockLabel = (t: TileProps): React.ReactElement => {
      if (t.depth !== 1 || !t.node) return <g />
      const title = t.node.kind === 'aggregate' ? `${t.node.count ?? ''} small entries` : t.node.name
      const size = formatBytes(t.node.bytes)
      const big = t.width > 70 && t.height > 34
      const small = fits(t.width, t.height, title)
      return (
        <g pointerEvents="none">
          <rect x={t.x + 0.5} y={t.y + 0.5} width={Math.max(0, t.width - 1)} height={Math.max(0, t.height - 1)} fill="none" stroke={p.surface} strokeWidth={2.5} />
          {(big || small) && (
            // The label sits on its own panel-coloured strip: tiles below it may be of any colour.
            <>
              <rect x={t.x + 2} y={t.y + 2} width={Math.max(0, Math.min(t.width - 4, labelWidth(title, big ? size : '')))} height={17} rx={3} className="tm-label-bg" />
              <text x={t.x + 6} y={t.y + 15} className="tm-label">
                <tspan fontWeight={600}>{title}</tspan>
                {big && <tspan dx={6} className="tm-label-size">{size}</tspan>}
              </text>
            </>
          )}
        </g>
      )
    }
    return (
      <>
        <Treemap
          width={width}
          height={height}
          data={data}
          dataKey="size"
          nameKey="name"
          isAnimationActive={false}
          content={tile as never}
          onMouseEnter={(n: unknown) => {
            const d = n as TileProps
            if (d.node && d.top) setHover({ node: d.node, top: d.top })
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(n: unknown) => {
            const d = n as TileProps
            if (d.node && d.top) openRef.current?.(d.top as N, d.node as N)
          }}
        />
        <div className="tm-overlay">
          <Treemap width={width} height={height} data={data.map((d) => ({ ...d, children: undefined }))} dataKey="size" isAnimationActive={false} content={blockLabel as never} />
        </div>
      </>
    )
  }, [data, width, height, p])

  const onMove = (e: React.MouseEvent): void => {
    const el = tip.current
    const b = box.current
    if (!el || !b) return
    const r = b.getBoundingClientRect()
    const x = e.clientX - r.left
    const y = e.clientY - r.top
    // Keep the tooltip inside the chart: flip to the left/top near the edges.
    const left = x + 16 + el.offsetWidth > r.width ? x - el.offsetWidth - 12 : x + 16
    const top = y + 16 + el.offsetHeight > r.height ? Math.max(0, y - el.offsetHeight - 12) : y + 16
    el.style.transform = `translate(${left}px, ${top}px)`
  }

  return (
    <div ref={box} className="byte-treemap" style={{ height }} onMouseMove={onMove} onMouseLeave={() => setHover(null)} aria-label={label} data-testid="treemap">
      {data.length === 0 ? <div className="tm-empty muted">{emptyText ?? 'Nothing to show here: no file bytes at this level.'}</div> : chart}
      <div ref={tip} className="tm-tip" style={{ visibility: hover ? 'visible' : 'hidden' }}>
        {hover && (
          <ChartTooltipBox
            title={<span className="mono">{hover.node.kind === 'aggregate' ? `${hover.node.path} (${hover.node.count ?? ''} small entries)` : hover.node.path}</span>}
            rows={[['Size', formatBytes(hover.node.bytes)], ['Exact', `${hover.node.bytes.toLocaleString('en-US')} bytes`], ...(tooltipRows?.(hover.node as N) ?? [])]}
            footer={tooltipFooter?.(hover.node as N, hover.top as N)}
          />
        )}
      </div>
    </div>
  )
}
