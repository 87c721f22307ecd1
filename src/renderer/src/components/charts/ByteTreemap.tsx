// Treemap of byte sizes, two levels deep: blocks for the current level's children, tiles for
// their children inside. Laid out once (treemap-layout.ts) and drawn as plain SVG: the tiles,
// then the block labels in an overlay on top, so tiles never hide a label.
// The tooltip lives outside React's render of the chart: hovering never re-lays out the map.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { formatBytes } from '../../../../shared/format'
import { afterPaint } from '../../lib/perf'
import { useResolvedTheme } from '../../lib/theme'
import { ChartTooltipBox } from './ChartTooltip'
import { chartPalette, type ChartPalette } from './palette'
import { toTreemapData, type ByteTreemapNode } from './treemap-data'
import { layoutTreemap, type Placed } from './treemap-layout'
import { markOf, nextBlock, type Box } from './treemap-nav'
import './charts.css'

export type { ByteTreemapNode }


/**
 * A tile drawn as proportional stripes (a mixed folder shows its mix) with marks on top:
 * `wasted` bytes hatched over that share of the tile, `deleted` (hidden bytes, which have no
 * area) as a corner mark.
 */
export interface TileParts {
  stripes: Array<{ key: string; color: string; bytes: number }>
  wasted: number
  deleted: number
}

export interface ByteTreemapProps<N extends ByteTreemapNode> {
  /** The level shown: its children are the blocks. */
  root: N
  /** Fill of a tile. `top` is the block (depth-1 node) it belongs to, `topIndex` its rank. */
  colorFor: (node: N, top: N, topIndex: number, p: ChartPalette) => string
  /** A tile's area (default: its bytes). Give it a new identity only when the meaning changes. */
  areaOf?: (node: N) => number
  /** A block label's figure (default: its bytes). */
  sizeLabel?: (node: N) => string
  /** When given and it answers, the tile is drawn as stripes instead of one fill. */
  partsFor?: (node: N, p: ChartPalette) => TileParts | undefined
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
  /** The block that takes the keyboard focus on a new level (the folder Back came up from). */
  focusPath?: string | null
  /** Outline the block holding this path (the file tree's selection). */
  markPath?: string | null
  /** Faded tiles (the path filter leaves them out); `dimKey` changes when the answer does. */
  dim?: (node: N) => boolean
  dimKey?: string
}

type TileProps = Pick<Placed, 'x' | 'y' | 'width' | 'height'>

/** Room for a block label: ~6.6 px a character at 11.5 px, the gap and the padding. */
function labelWidth(title: string, size: string): number {
  return (title.length + size.length) * 6.6 + (size ? 6 : 0) + 10
}

function fits(w: number, h: number, text: string): boolean {
  return w > Math.min(90, text.length * 6.4 + 8) && h > 15
}

function ringStyle(b: Box): React.CSSProperties {
  return { transform: `translate(${b.x}px, ${b.y}px)`, width: b.w, height: b.h }
}

/** Stripes across the tile's longer side, in proportion to their bytes (largest first). */
function stripeRects(t: TileProps, stripes: TileParts['stripes']): React.ReactElement {
  const total = stripes.reduce((a, s) => a + s.bytes, 0)
  const across = t.width >= t.height
  const len = across ? t.width : t.height
  let at = 0
  return (
    <g pointerEvents="none">
      {stripes.map((s) => {
        const from = at
        at += (s.bytes / total) * len
        const w = at - from
        return across ? (
          <rect key={s.key} x={t.x + from} y={t.y} width={w} height={t.height} fill={s.color} data-change={s.key} />
        ) : (
          <rect key={s.key} x={t.x} y={t.y + from} width={t.width} height={w} fill={s.color} data-change={s.key} />
        )
      })}
    </g>
  )
}

/** Wasted bytes: that share of the tile hatched, along its bottom (or right) edge. */
function wasteRect(t: TileProps, share: number): React.ReactElement {
  const f = Math.min(1, share)
  const across = t.width >= t.height
  return across ? (
    <rect x={t.x} y={t.y + t.height * (1 - f)} width={t.width} height={t.height * f} fill="url(#tm-hatch)" data-mark="wasted" pointerEvents="none" />
  ) : (
    <rect x={t.x + t.width * (1 - f)} y={t.y} width={t.width * f} height={t.height} fill="url(#tm-hatch)" data-mark="wasted" pointerEvents="none" />
  )
}

export function ByteTreemap<N extends ByteTreemapNode>(props: ByteTreemapProps<N>): React.JSX.Element {
  const { root, areaOf, sizeLabel, colorFor, partsFor, onOpen, tooltipRows, tooltipFooter, onPainted, height, label, emptyText, focusPath, markPath, dim, dimKey } = props
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

  const data = useMemo(() => toTreemapData(root, areaOf), [root, areaOf])
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
  const partsRef = useRef(partsFor)
  partsRef.current = partsFor
  const sizeRef = useRef(sizeLabel)
  sizeRef.current = sizeLabel
  const dimRef = useRef(dim)
  dimRef.current = dim
  const [kbd, setKbd] = useState<string | null>(null)
  const [rings, setRings] = useState<{ focus?: Box; mark?: Box }>({})
  // Re-draw when striping is switched on or off (the colour mode), not on every render.
  const striped = partsFor !== undefined
  const openRef = useRef(onOpen)
  openRef.current = onOpen
  const layout = useMemo(() => layoutTreemap(data, width, height), [data, width, height])
  /** Where each block landed, for keys and outlines. */
  const rects = useMemo(() => new Map(layout.blocks.map((b) => [b.datum.node.path, { x: b.x, y: b.y, w: b.width, h: b.height }])), [layout])
  const chart = useMemo(() => {
    if (width <= 0) return null
    const tile = (t: Placed, i: number): React.ReactElement => {
      const node = t.datum.node
      const isBlock = t.depth === 1
      const parts = striped ? partsRef.current?.(node as N, p) : undefined
      const stripes = parts?.stripes.filter((s) => s.bytes > 0) ?? []
      const main = stripes.length > 0 ? stripes.reduce((a, b) => (b.bytes > a.bytes ? b : a)) : undefined
      const fill = main?.color ?? colorRef.current(node as N, t.datum.top as N, t.datum.topIndex, p)
      const name = node.kind === 'aggregate' ? `${node.count ?? ''} small entries` : node.name
      const faded = dimKey !== undefined && (dimRef.current?.(node as N) ?? false)
      // Tile names sit below the block label strip (top 20px) so the two never overlap.
      const show = !isBlock && t.height > 36 && fits(t.width, t.height, name)
      return (
        <g key={i} data-i={i} opacity={faded ? 0.22 : undefined} data-dim={faded ? 'true' : undefined}>
          <rect x={t.x} y={t.y} width={t.width} height={t.height} fill={fill} stroke={p.surface} strokeWidth={1} className="tm-tile" data-change={main?.key} />
          {parts && stripes.length > 1 && stripeRects(t, stripes)}
          {parts && parts.wasted > 0 && main && wasteRect(t, parts.wasted / stripes.reduce((a, x) => a + x.bytes, 0))}
          {parts && parts.deleted > 0 && t.width > 10 && t.height > 10 && (
            <path d={`M${t.x + t.width - 9} ${t.y + 1}h8v8z`} fill={p.change.deleted} stroke={p.surface} strokeWidth={0.5} data-mark="deleted" pointerEvents="none" />
          )}
          {show && (
            <text x={t.x + 5} y={t.y + Math.min(32, t.height - 5)} fontSize={10.5} fill={p.textOn(fill)} className="tm-text" pointerEvents="none">
              {name}
            </text>
          )}
        </g>
      )
    }
    const blockLabel = (t: Placed, i: number): React.ReactElement => {
      const node = t.datum.node
      const title = node.kind === 'aggregate' ? `${node.count ?? ''} small entries` : node.name
      const size = sizeRef.current?.(node as N) ?? formatBytes(node.bytes)
      const big = t.width > 70 && t.height > 34
      const small = fits(t.width, t.height, title)
      return (
        <g key={i} data-block={node.path} data-kind={node.kind}>
          <rect x={t.x + 0.5} y={t.y + 0.5} width={Math.max(0, t.width - 1)} height={Math.max(0, t.height - 1)} fill="none" stroke={p.surface} strokeWidth={2.5} />
          {(big || small) && (
            // The label sits on its own panel-coloured strip: tiles below it may be of any colour.
            <>
              <rect x={t.x + 2} y={t.y + 2} width={Math.max(0, Math.min(t.width - 4, labelWidth(title, big ? size : '')))} height={17} rx={3} className="tm-label-bg" />
              <text x={t.x + 6} y={t.y + 15} className="tm-label">
                <tspan fontWeight={600}>{title}</tspan>
                {big && (
                  <tspan dx={6} className="tm-label-size">
                    {size}
                  </tspan>
                )}
              </text>
            </>
          )}
        </g>
      )
    }
    // One handler for all tiles (event delegation): a tile is the <g data-i> under the pointer.
    const tileAt = (target: EventTarget): Placed | undefined => {
      const g = (target as Element).closest?.('[data-i]')
      return g ? layout.tiles[Number(g.getAttribute('data-i'))] : undefined
    }
    return (
      <>
        <svg
          width={width}
          height={height}
          className="tm-surface"
          onMouseOver={(e) => {
            const t = tileAt(e.target)
            if (t) setHover((h) => (h?.node === t.datum.node ? h : { node: t.datum.node, top: t.datum.top }))
          }}
          onClick={(e) => {
            const t = tileAt(e.target)
            if (t) openRef.current?.(t.datum.top as N, t.datum.node as N)
          }}
        >
          {layout.tiles.map(tile)}
        </svg>
        <div className="tm-overlay">
          <svg width={width} height={height} pointerEvents="none">
            {layout.blocks.map(blockLabel)}
          </svg>
        </div>
      </>
    )
  }, [layout, width, height, p, striped, dimKey])

  // A new level: the keyboard focus goes to the block asked for (or none).
  useEffect(() => setKbd(focusPath ?? null), [data, focusPath])
  // Outlines follow the blocks' places.
  useLayoutEffect(() => {
    setRings({ focus: kbd ? rects.get(kbd) : undefined, mark: markPath ? markOf(rects, markPath) : undefined })
  }, [rects, kbd, markPath])

  const onKey = (e: React.KeyboardEvent): void => {
    const all = [...rects.entries()]
    if (all.length === 0) return
    if (e.key.startsWith('Arrow') && !e.altKey) {
      e.preventDefault()
      const cur = kbd ? rects.get(kbd) : undefined
      const next = cur ? nextBlock(cur, all, e.key) : all[0]![0]
      if (next) setKbd(next)
    } else if (e.key === 'Enter' && kbd) {
      const d = data.find((x) => x.node.path === kbd)
      if (d) {
        e.preventDefault()
        openRef.current?.(d.top as N, d.node as N)
      }
    }
  }
  const focused = kbd ? data.find((x) => x.node.path === kbd)?.node : undefined

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
    <div
      ref={box}
      className="byte-treemap"
      style={{ height }}
      onMouseMove={onMove}
      onMouseLeave={() => setHover(null)}
      onKeyDown={onKey}
      tabIndex={data.length > 0 ? 0 : undefined}
      role="group"
      aria-label={`${label ?? 'Treemap'}: arrows move between blocks, Enter opens, Backspace goes back`}
      aria-describedby={focused ? 'tm-focused' : undefined}
      data-testid="treemap"
      data-focused={kbd ?? undefined}
    >
      {rings.mark && <div className="tm-ring tm-ring-mark" style={ringStyle(rings.mark)} data-testid="treemap-mark" />}
      {rings.focus && <div className="tm-ring tm-ring-focus" style={ringStyle(rings.focus)} data-testid="treemap-focus" />}
      <span id="tm-focused" className="tm-sr" aria-live="polite">
        {focused ? `${focused.name}, ${formatBytes(focused.bytes)}` : ''}
      </span>
      <svg width={0} height={0} aria-hidden style={{ position: 'absolute' }}>
        <defs>
          <pattern id="tm-hatch" width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width={2.2} height={6} fill={p.text} opacity={0.45} />
          </pattern>
        </defs>
      </svg>
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
