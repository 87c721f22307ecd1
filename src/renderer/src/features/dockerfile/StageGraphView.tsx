// The stage graph, drawn from the backend's dagre layout: pan by dragging, zoom with the wheel
// (around the pointer), Fit to show everything. FROM solid, COPY --from dashed, RUN --mount
// dotted; external images and scratch as pills; the target outlined; unused stages greyed.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { formatBytes, formatExactBytes } from '../../../../shared/format'
import { STAGE_BOX, type StageEdge, type StageGraph, type StageNode } from '../../../../shared/models/dockerfile'
import { Button } from '../../components/Button'

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

export function edgeText(e: StageEdge): string {
  if (e.kind === 'from') return ''
  const p = e.paths?.[0] ?? ''
  const path = p.length > 26 ? `…${p.slice(-25)}` : p
  const more = e.paths && e.paths.length > 1 ? ` +${e.paths.length - 1}` : ''
  return [path + more, e.bytes !== undefined ? formatBytes(e.bytes) : ''].filter(Boolean).join(' · ')
}

export function StageGraphView({ graph, selected, onSelect, building }: Props): React.JSX.Element {
  const layout = graph.layout
  const wrap = useRef<HTMLDivElement>(null)
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 })
  const drag = useRef<{ px: number; py: number; x: number; y: number; moved: boolean; node: string | null } | null>(null)

  const fit = useCallback(() => {
    const el = wrap.current
    if (!el || !layout) return
    const cw = el.clientWidth
    const ch = el.clientHeight
    if (cw === 0 || ch === 0) return
    const k = Math.min(MAX_K, Math.max(MIN_K, Math.min(cw / layout.width, ch / layout.height, 1.25) * 0.96))
    setView({ k, x: (cw - layout.width * k) / 2, y: (ch - layout.height * k) / 2 })
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

  if (!layout) return <div className="df-graph-empty muted">No layout for this graph.</div>

  return (
    <div className="df-graph-wrap">
      <div className="df-graph-tools">
        <Button size="sm" variant="ghost" onClick={() => zoomBy(1.25)} aria-label="Zoom in" title="Zoom in">
          +
        </Button>
        <Button size="sm" variant="ghost" onClick={() => zoomBy(0.8)} aria-label="Zoom out" title="Zoom out">
          −
        </Button>
        <Button size="sm" variant="ghost" onClick={fit} title="Fit the whole graph">
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
          <defs>
            {(['from', 'copy', 'mount'] as const).map((k) => (
              <marker key={k} id={`df-arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className={`df-arrow df-arrow-${k}`} />
              </marker>
            ))}
          </defs>
          <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
            {graph.nodes.map((n) => (
              <NodeBox key={n.id} node={n} selected={selected === n.id} building={building !== null && n.kind === 'stage' && n.name === building} layout={layout.nodes[n.id]} />
            ))}
            {graph.edges.map((e, i) => {
              const pts = layout.edges[i]?.points ?? []
              if (pts.length < 2) return null
              const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')
              const to = graph.nodes.find((n) => n.id === e.to)
              const label = edgeText(e)
              const mid = layout.edges[i]?.label ?? pts[Math.floor(pts.length / 2)]!
              const w = label.length * 6.3 + 12
              return (
                <g key={i} className={`df-edge df-edge-${e.kind}${to?.unused ? ' unused' : ''}`} data-edge-kind={e.kind}>
                  <title>{`${e.kind === 'from' ? 'FROM' : e.kind === 'copy' ? 'COPY --from' : 'RUN --mount from'} · line ${e.line}${e.bytes !== undefined ? ` · ${formatExactBytes(e.bytes)}` : ''}`}</title>
                  <path d={d} markerEnd={`url(#df-arrow-${e.kind})`} />
                  {label && (
                    <g className="df-edge-label" data-testid={e.bytes !== undefined ? 'edge-bytes' : undefined}>
                      <rect x={mid.x - w / 2} y={mid.y - 9} width={w} height={18} rx={4} />
                      <text x={mid.x} y={mid.y + 4} textAnchor="middle">
                        {label}
                      </text>
                    </g>
                  )}
                </g>
              )
            })}
          </g>
        </svg>
      </div>
      <div className="df-legend">
        <span className="legend-item">
          <svg width="30" height="8">
            <line x1="0" x2="30" y1="4" y2="4" className="df-legend-from" />
          </svg>
          FROM
        </span>
        <span className="legend-item">
          <svg width="30" height="8">
            <line x1="0" x2="30" y1="4" y2="4" className="df-legend-copy" />
          </svg>
          COPY --from
        </span>
        <span className="legend-item">
          <svg width="30" height="8">
            <line x1="0" x2="30" y1="4" y2="4" className="df-legend-mount" />
          </svg>
          RUN --mount
        </span>
        <span className="legend-item">
          <span className="df-legend-pill" /> external image / scratch
        </span>
        <span className="legend-item muted">drag to pan · wheel to zoom · click a stage</span>
      </div>
    </div>
  )
}

function NodeBox({ node: n, layout: b, selected, building }: { node: StageNode; layout?: NonNullable<StageGraph['layout']>['nodes'][string]; selected: boolean; building: boolean }): React.JSX.Element | null {
  if (!b) return null
  const x = b.x - b.width / 2
  const y = b.y - b.height / 2
  const cls = ['df-node', `df-node-${n.kind}`, n.isTarget ? 'target' : '', n.unused ? 'unused' : '', selected ? 'selected' : '', n.buildError ? 'failed' : '', building ? 'building' : '']
    .filter(Boolean)
    .join(' ')
  if (n.kind !== 'stage') {
    return (
      <g className={cls} data-node-id={n.id} data-testid="stage-node" data-name={n.name}>
        <title>{n.kind === 'scratch' ? 'scratch: the empty image' : `External image ${n.name}`}</title>
        <rect x={x} y={y} width={b.width} height={b.height} rx={b.height / 2} />
        <text x={b.x} y={b.y - 1} textAnchor="middle" className="df-node-title">
          {b.title}
        </text>
        <text x={b.x} y={b.y + 15} textAnchor="middle" className="df-node-sub-sans">
          {b.subtitle}
        </text>
      </g>
    )
  }
  const fy = y + b.height - 9
  return (
    <g className={cls} data-node-id={n.id} data-testid="stage-node" data-name={n.name}>
      <title>{`${b.title} · lines ${n.range?.startLine}-${n.range?.endLine}${n.unused ? ' · unused: it cannot reach the target' : ''}`}</title>
      <rect x={x} y={y} width={b.width} height={b.height} rx={8} className="df-node-box" />
      <text x={x + STAGE_BOX.padX} y={y + 20} className="df-node-title">
        {b.title}
      </text>
      <text x={x + STAGE_BOX.padX} y={y + 36} className="df-node-sub">
        {b.subtitle}
      </text>
      {n.isTarget && (
        <g className="df-target-badge">
          <rect x={x + b.width - 62} y={y + 8} width={52} height={17} rx={8.5} />
          <text x={x + b.width - 36} y={y + 20} textAnchor="middle">
            TARGET
          </text>
        </g>
      )}
      {b.lines.map((l, j) => (
        <text key={j} x={x + STAGE_BOX.padX} y={y + STAGE_BOX.headerHeight + 12 + j * STAGE_BOX.lineHeight} className="df-node-line">
          {l}
        </text>
      ))}
      <line x1={x} x2={x + b.width} y1={fy - 14} y2={fy - 14} className="df-node-sep" />
      <text x={x + STAGE_BOX.padX} y={fy} className="df-node-foot" data-testid={n.measured ? 'stage-size' : undefined}>
        <Footer n={n} building={building} />
      </text>
    </g>
  )
}

function Footer({ n, building }: { n: StageNode; building: boolean }): React.JSX.Element {
  if (building) return <tspan className="df-foot-building">building…</tspan>
  if (n.buildError) return <tspan className="df-foot-error">build failed{n.buildError.line ? ` at line ${n.buildError.line}` : ''}</tspan>
  if (n.measured) {
    return (
      <>
        <tspan className="df-foot-size">{formatBytes(n.measured.size)}</tspan>
        <tspan className="df-foot-muted"> · {n.measured.layers} layers</tspan>
        {n.passesBytes !== undefined && <tspan className="df-foot-pass"> · passes {formatBytes(n.passesBytes)}</tspan>}
      </>
    )
  }
  return <tspan className="df-foot-muted">{n.unused ? 'unused: cannot reach the target' : 'not built yet'}</tspan>
}
