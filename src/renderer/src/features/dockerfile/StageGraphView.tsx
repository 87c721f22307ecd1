// The stage graph: the one drawing (src/shared/stage-graph-drawing.ts, also behind `layerscope
// graph` and the report) of the backend's dagre layout, rendered as React elements, with pan
// (drag), zoom (wheel, around the pointer), Fit and selection on top.
import { createElement, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { StageGraph } from '../../../../shared/models/dockerfile'
import { drawLegend, drawStageGraph } from '../../../../shared/stage-graph-drawing'
import type { SvgEl } from '../../../../shared/svg'
import { Button } from '../../components/Button'
import { useThemeColors } from '../../lib/theme'

interface Props {
  graph: StageGraph
  selected: string | null
  onSelect: (id: string | null) => void
  /** Name of the stage being built right now, if any. */
  building: string | null
}

interface View {
  x: number
  y: number
  k: number
}

const MIN_K = 0.2
const MAX_K = 3
const LEGIBLE_K = 0.8

const ID_PREFIX = 'df-'

/** SVG attribute names as React props (class, stroke-width -> className, strokeWidth); data-* stay. */
function propName(k: string): string {
  if (k === 'class') return 'className'
  if (k.startsWith('data-') || k.startsWith('aria-')) return k
  return k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

/** The shared drawing's element tree as React elements. */
export function svgElement(e: SvgEl | string, key?: number): ReactNode {
  if (typeof e === 'string') return e
  const props: Record<string, unknown> = { key }
  for (const [k, v] of Object.entries(e.attrs)) if (v !== undefined && v !== '' && k !== 'xmlns') props[propName(k)] = v
  return createElement(e.tag, props, ...(e.children ?? []).map((c, i) => svgElement(c, i)))
}

export function StageGraphView({ graph, selected, onSelect, building }: Props): React.JSX.Element {
  const layout = graph.layout
  const theme = useThemeColors()
  const drawing = useMemo(() => (layout ? drawStageGraph(graph, layout, { theme, idPrefix: ID_PREFIX, selected, building }) : null), [graph, layout, theme, selected, building])
  const legend = useMemo(() => drawLegend(theme, 1, 13, ID_PREFIX), [theme])
  const wrap = useRef<HTMLDivElement>(null)
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 })
  const drag = useRef<{ px: number; py: number; x: number; y: number; moved: boolean; node: string | null } | null>(null)

  // Fit never draws below LEGIBLE_K (node text under ~8 px is unreadable): a graph too big for
  // a small pane starts at its top, centred where it fits, and the rest is a drag away (the
  // minus button and the wheel still zoom out to an overview).
  const fit = useCallback(() => {
    const el = wrap.current
    if (!el || !layout) return
    const cw = el.clientWidth
    const ch = el.clientHeight
    if (cw === 0 || ch === 0) return
    const fits = Math.min(cw / layout.width, ch / layout.height, 1.25) * 0.96
    const k = Math.min(MAX_K, Math.max(MIN_K, fits, LEGIBLE_K))
    const x = layout.width * k <= cw ? (cw - layout.width * k) / 2 : 8
    const y = layout.height * k <= ch ? (ch - layout.height * k) / 2 : 8
    setView({ k, x, y })
  }, [layout])
  useLayoutEffect(() => fit(), [fit])
  useEffect(() => {
    const el = wrap.current
    if (!el) return
    const ro = new ResizeObserver(() => fit())
    ro.observe(el)
    return () => ro.disconnect()
  }, [fit])

  // Wheel zoom around the pointer (non-passive so the page does not scroll).
  useEffect(() => {
    const el = wrap.current
    if (!el) return
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault()
      const r = el.getBoundingClientRect()
      const mx = e.clientX - r.left
      const my = e.clientY - r.top
      setView((v) => {
        const k = Math.min(MAX_K, Math.max(MIN_K, v.k * Math.exp(-e.deltaY * 0.0015)))
        return { k, x: mx - ((mx - v.x) * k) / v.k, y: my - ((my - v.y) * k) / v.k }
      })
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [])

  const zoomBy = (f: number): void => {
    const el = wrap.current
    if (!el) return
    const mx = el.clientWidth / 2
    const my = el.clientHeight / 2
    setView((v) => {
      const k = Math.min(MAX_K, Math.max(MIN_K, v.k * f))
      return { k, x: mx - ((mx - v.x) * k) / v.k, y: my - ((my - v.y) * k) / v.k }
    })
  }

  if (!layout || !drawing) return <div className="df-graph-empty muted">No layout for this graph.</div>

  return (
    <div className="df-graph-wrap">
      <div className="df-graph-tools">
        <Button size="sm" variant="ghost" onClick={() => zoomBy(1.25)} aria-label="Zoom in" title="Zoom in">
          +
        </Button>
        <Button size="sm" variant="ghost" onClick={() => zoomBy(0.8)} aria-label="Zoom out" title="Zoom out">
          −
        </Button>
        <Button size="sm" variant="ghost" onClick={fit} title="Fit the graph to the pane, never below a legible 80%">
          Fit
        </Button>
        <span className="muted small num">{Math.round(view.k * 100)}%</span>
      </div>
      <div
        ref={wrap}
        className="df-graph"
        data-testid="stage-graph"
        onPointerDown={(e) => {
          if (e.button !== 0) return
          // The node under the pointer is read now: once captured, events target the wrapper.
          const node = (e.target as Element).closest('[data-node-id]')?.getAttribute('data-node-id') ?? null
          ;(e.currentTarget as HTMLElement).setPointerCapture(e.pointerId)
          drag.current = { px: e.clientX, py: e.clientY, x: view.x, y: view.y, moved: false, node }
        }}
        onPointerMove={(e) => {
          const d = drag.current
          if (!d) return
          const dx = e.clientX - d.px
          const dy = e.clientY - d.py
          if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true
          if (d.moved) setView((v) => ({ ...v, x: d.x + dx, y: d.y + dy }))
        }}
        onPointerUp={() => {
          const d = drag.current
          drag.current = null
          if (d && !d.moved) onSelect(d.node)
        }}
      >
        <svg width="100%" height="100%" role="img" aria-label="Stage graph">
          {svgElement(drawing.defs)}
          <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
            {drawing.items.map((item, i) => svgElement(item, i))}
          </g>
        </svg>
      </div>
      <div className="df-legend">
        <svg width={legend.width + 2} height={18} aria-label="Legend: FROM solid, COPY --from dashed, RUN --mount dotted, external images dashed">
          {svgElement(legend.el)}
        </svg>
        <span className="legend-item muted" title="Drag to pan, wheel to zoom, click a stage for its lines and sizes">drag to pan · wheel to zoom</span>
      </div>
    </div>
  )
}
