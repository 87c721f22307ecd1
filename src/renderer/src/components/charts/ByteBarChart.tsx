// Bars of byte sizes (layer sizes, stage sizes...). Bytes on the axis and in the tooltip are
// formatted like everywhere else; the selected bar is outlined; empty bars still show a sliver.
import type { ReactNode } from 'react'
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatBytes, formatExactBytes } from '../../../../shared/format'
import { useResolvedTheme } from '../../lib/theme'
import { ChartTooltipBox } from './ChartTooltip'
import { chartPalette, type ChartPalette } from './palette'

export interface ByteBar {
  id: string | number
  /** Short axis label ("#3"). */
  label: string
  bytes: number
  /** Tooltip title (the instruction, the path...). */
  title?: string
  /** Picks a palette colour: 'base' / 'app' / a change kind; or a literal colour. */
  tone?: 'base' | 'app' | 'empty' | 'accent'
  color?: string
  /** Extra tooltip rows. */
  rows?: [ReactNode, ReactNode][]
}

export interface ByteBarChartProps {
  data: ByteBar[]
  selectedId?: string | number | null
  onSelect?: (id: string | number) => void
  height?: number
  /** Legend content under the chart. */
  legend?: ReactNode
}

function barColor(p: ChartPalette, b: ByteBar): string {
  if (b.color) return b.color
  if (b.tone === 'base') return p.base
  if (b.tone === 'empty') return p.empty
  if (b.tone === 'accent') return p.accent
  return p.app
}

export function ByteBarChart({ data, selectedId, onSelect, height = 160, legend }: ByteBarChartProps): React.JSX.Element {
  const p = chartPalette(useResolvedTheme())
  const max = Math.max(1, ...data.map((d) => d.bytes))
  // A minimum visible height keeps 0-byte and tiny layers clickable.
  const rows = data.map((d) => ({ ...d, shown: d.bytes > 0 ? Math.max(d.bytes, max * 0.012) : max * 0.006 }))
  return (
    <div className="byte-bar-chart" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap="18%">
          <CartesianGrid vertical={false} stroke={p.grid} />
          <XAxis dataKey="label" tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={{ stroke: p.grid }} interval="preserveStartEnd" />
          <YAxis
            tickFormatter={(v: number) => formatBytes(v)}
            tick={{ fill: p.muted, fontSize: 11 }}
            tickLine={false}
            axisLine={false}
            width={58}
            domain={[0, max]}
            allowDataOverflow
          />
          <Tooltip
            cursor={{ fill: p.grid, opacity: 0.5 }}
            isAnimationActive={false}
            content={({ active, payload }) => {
              const d = active ? (payload?.[0]?.payload as ByteBar | undefined) : undefined
              if (!d) return null
              return <ChartTooltipBox title={d.title ?? d.label} rows={[['Size', formatBytes(d.bytes)], ['Exact', formatExactBytes(d.bytes)], ...(d.rows ?? [])]} />
            }}
          />
          <Bar dataKey="shown" isAnimationActive={false} radius={[2, 2, 0, 0]} onClick={(e: { payload?: ByteBar }) => e.payload && onSelect?.(e.payload.id)} cursor={onSelect ? 'pointer' : undefined}>
            {rows.map((d) => (
              <Cell
                key={String(d.id)}
                fill={barColor(p, d)}
                stroke={d.id === selectedId ? p.selected : 'none'}
                strokeWidth={d.id === selectedId ? 2 : 0}
                opacity={selectedId == null || d.id === selectedId ? 1 : 0.55}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      {legend && <div className="chart-legend">{legend}</div>}
    </div>
  )
}

/** A legend entry: a colour swatch and its meaning. */
export function LegendItem({ color, label }: { color: string; label: ReactNode }): React.JSX.Element {
  return (
    <span className="legend-item">
      <span className="swatch" style={{ background: color }} />
      {label}
    </span>
  )
}
