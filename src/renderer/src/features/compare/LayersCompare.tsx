// Layers side by side, aligned by diff ID: the shared base as one row for both, then each
// side's own layers with their instruction and size; above, both images' layer sizes as bars.
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { Comparison, LayerRef } from '../../../../shared/models/compare'
import { clip, formatBytes, formatExactBytes } from '../../../../shared/format'
import { ChartTooltipBox, LegendItem, chartPalette } from '../../components/charts'
import { useResolvedTheme } from '../../lib/theme'
import { layerBars, layerPairs, shortDiffId, type LayerBar } from './view-model'
import { useDiffColors } from './use-diff-colors'

function LayerCell({ l, side }: { l?: LayerRef; side: 'a' | 'b' }): React.JSX.Element {
  if (!l) return <div className="cmp-layer-cell empty" />
  return (
    <div className={`cmp-layer-cell side-${side}`} title={`${l.createdBy}\n${l.diffId}\n${formatExactBytes(l.contentBytes)} of content`}>
      <span className="cmp-layer-instr mono">{clip(l.createdBy || '(no history)', 90)}</span>
      <span className="num cmp-layer-size">{formatBytes(l.contentBytes)}</span>
    </div>
  )
}

function LayerChart({ bars, labels }: { bars: LayerBar[]; labels: { a: string; b: string } }): React.JSX.Element {
  const p = chartPalette(useResolvedTheme())
  const colors = useDiffColors()
  const max = Math.max(1, ...bars.flatMap((b) => [b.a, b.b]))
  // Tiny layers keep a sliver so they can be hovered.
  const data = bars.map((b) => ({ ...b, aShown: b.a > 0 ? Math.max(b.a, max * 0.01) : 0, bShown: b.b > 0 ? Math.max(b.b, max * 0.01) : 0 }))
  return (
    <div className="cmp-layer-chart" data-testid="layer-chart">
      <ResponsiveContainer width="100%" height={190}>
        <BarChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap="22%" barGap={2}>
          <CartesianGrid vertical={false} stroke={p.grid} />
          <XAxis dataKey="label" tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={{ stroke: p.grid }} />
          <YAxis tickFormatter={(v: number) => formatBytes(v)} tick={{ fill: p.muted, fontSize: 11 }} tickLine={false} axisLine={false} width={62} domain={[0, max]} allowDataOverflow />
          <Tooltip
            cursor={{ fill: p.grid, opacity: 0.5 }}
            isAnimationActive={false}
            content={({ active, payload }) => {
              const d = active ? (payload?.[0]?.payload as LayerBar | undefined) : undefined
              if (!d) return null
              return (
                <ChartTooltipBox
                  title={`Layer ${d.label}${d.shared ? ' (shared)' : ''}`}
                  rows={[
                    [`A: ${clip(d.titleA ?? '—', 48)}`, d.titleA ? formatBytes(d.a) : '—'],
                    [`B: ${clip(d.titleB ?? '—', 48)}`, d.titleB ? formatBytes(d.b) : '—']
                  ]}
                />
              )
            }}
          />
          <Bar dataKey="aShown" name={labels.a} isAnimationActive={false} radius={[2, 2, 0, 0]}>
            {data.map((d) => (
              <Cell key={d.label} fill={d.shared ? p.base : colors.onlyA} />
            ))}
          </Bar>
          <Bar dataKey="bShown" name={labels.b} isAnimationActive={false} radius={[2, 2, 0, 0]}>
            {data.map((d) => (
              <Cell key={d.label} fill={d.shared ? p.base : colors.onlyB} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <div className="chart-legend">
        <LegendItem color={p.base} label="shared (stored once)" />
        <LegendItem color={colors.onlyA} label={`only in A (${labels.a})`} />
        <LegendItem color={colors.onlyB} label={`only in B (${labels.b})`} />
      </div>
    </div>
  )
}

export function LayersCompare({ c }: { c: Comparison }): React.JSX.Element {
  const pairs = layerPairs(c)
  const labels = c.labels ?? { a: 'A', b: 'B' }
  const sharedBytes = c.sharedLayers.reduce((n, l) => n + l.contentBytes, 0)
  return (
    <section className="panel cmp-panel cmp-layers" aria-label="Layers side by side">
      <div className="cmp-panel-head">
        <h3>Layers side by side</h3>
        <span className="muted">
          {c.sharedLayers.length} shared ({formatBytes(sharedBytes)}) · {c.onlyA.length} only in A · {c.onlyB.length} only in B · content bytes
        </span>
      </div>
      <LayerChart bars={layerBars(pairs)} labels={labels} />
      <div className="cmp-layer-table" data-testid="layer-table">
        <div className="cmp-layer-row head">
          <span className="cmp-layer-idx">#</span>
          <span>
            <span className="cmp-badge cmp-badge-a sm">A</span> {labels.a}
          </span>
          <span>
            <span className="cmp-badge cmp-badge-b sm">B</span> {labels.b}
          </span>
        </div>
        {pairs.map((p) =>
          p.shared ? (
            <div key={p.index} className="cmp-layer-row shared" data-testid="layer-shared">
              <span className="cmp-layer-idx num">{p.index}</span>
              <div className="cmp-layer-cell shared-cell" title={`${p.a!.createdBy}\n${p.a!.diffId}\n${formatExactBytes(p.a!.contentBytes)} of content`}>
                <span className="cmp-shared-tag">shared</span>
                <span className="cmp-layer-instr mono">{clip(p.a!.createdBy || '(no history)', 120)}</span>
                <span className="mono muted cmp-diffid">{shortDiffId(p.a!.diffId)}</span>
                <span className="num cmp-layer-size">{formatBytes(p.a!.contentBytes)}</span>
              </div>
            </div>
          ) : (
            <div key={p.index} className="cmp-layer-row" data-testid="layer-different">
              <span className="cmp-layer-idx num">{p.index}</span>
              <LayerCell l={p.a} side="a" />
              <LayerCell l={p.b} side="b" />
            </div>
          )
        )}
      </div>
    </section>
  )
}
