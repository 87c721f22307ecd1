// Size per tag: the bar is the size the series measures first, its foot the common base band;
// the other size as a line where known, the layer count as a line on its own axis. Colours,
// byte formatting and the tooltip come from the charts wrapper (components/charts).
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatBytes, formatExactBytes } from '../../../../shared/format'
import type { TagSeries } from '../../../../shared/models/history'
import { ChartTooltipBox, LegendItem, chartPalette } from '../../components/charts'
import { useResolvedTheme } from '../../lib/theme'
import { chartRows, sizeName, type ChartRow } from './view-model'

export function HistoryChart({ series, onSelectTag }: { series: TagSeries; onSelectTag?: (index: number) => void }): React.JSX.Element {
  const p = chartPalette(useResolvedTheme())
  const rows = chartRows(series)
  const other = series.kind === 'registry' ? rows.some((r) => r.unpacked !== undefined) : false
  return (
    <div className="history-chart" data-testid="history-chart">
      <div style={{ height: 280 }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="24%">
            <CartesianGrid vertical={false} stroke={p.grid} />
            <XAxis dataKey="tag" tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={{ stroke: p.grid }} interval="preserveStartEnd" />
            <YAxis yAxisId="bytes" tickFormatter={(v: number) => formatBytes(v)} tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={false} width={62} />
            <YAxis yAxisId="layers" orientation="right" allowDecimals={false} tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={false} width={30} />
            <Tooltip
              cursor={{ fill: p.grid, opacity: 0.5 }}
              isAnimationActive={false}
              content={({ active, payload }) => {
                const d = active ? (payload?.[0]?.payload as ChartRow | undefined) : undefined
                if (!d) return null
                return (
                  <ChartTooltipBox
                    title={d.tag}
                    rows={[
                      [sizeName(series), formatBytes(d.size)],
                      ['Exact', formatExactBytes(d.size)],
                      ...(d.download !== undefined && series.kind !== 'registry' ? [['Download', formatBytes(d.download)] as [string, string]] : []),
                      ...(d.unpacked !== undefined && series.kind === 'registry' ? [['Unpacked', formatBytes(d.unpacked)] as [string, string]] : []),
                      ['Shared base', formatBytes(d.base)],
                      ['Layers', String(d.layers)],
                      ['Shared with previous', `${d.shared} layers`]
                    ]}
                  />
                )
              }}
            />
            <Bar yAxisId="bytes" dataKey="base" stackId="size" fill={p.base} isAnimationActive={false} onClick={(_d, i) => onSelectTag?.(i)} cursor={onSelectTag ? 'pointer' : undefined} />
            <Bar yAxisId="bytes" dataKey="rest" stackId="size" fill={p.app} radius={[2, 2, 0, 0]} isAnimationActive={false} onClick={(_d, i) => onSelectTag?.(i)} cursor={onSelectTag ? 'pointer' : undefined} />
            {other && <Line yAxisId="bytes" dataKey="unpacked" stroke={p.accent} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls />}
            <Line yAxisId="layers" dataKey="layers" stroke={p.muted} strokeDasharray="4 3" dot={{ r: 2 }} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <div className="chart-legend">
        <LegendItem color={p.app} label={sizeName(series)} />
        <LegendItem color={p.base} label={`Shared base (${series.baseLayers} layer${series.baseLayers === 1 ? '' : 's'} every tag starts with)`} />
        {other && <LegendItem color={p.accent} label="Unpacked size" />}
        <LegendItem color={p.muted} label="Layer count (right axis)" />
      </div>
    </div>
  )
}
