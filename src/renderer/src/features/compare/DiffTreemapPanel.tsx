// The difference as a treemap: rectangles sized by the larger side, coloured only-in-A,
// only-in-B or changed. Clicking a block focuses its directory (the list follows).
import { useMemo } from 'react'
import type { DiffTreemapNode } from '../../../../shared/models/compare'
import { formatBytes } from '../../../../shared/format'
import { ByteTreemap, LegendItem, type ByteTreemapNode } from '../../components/charts'
import { useApp } from '../../stores'
import { useDiffColors } from './use-diff-colors'
import { zoomTreemap } from './view-model'

interface Node extends ByteTreemapNode {
  status: DiffTreemapNode['status']
  bytesA: number
  bytesB: number
  drill: boolean
  children?: Node[]
}

function toNode(n: DiffTreemapNode): Node {
  return {
    name: n.name,
    path: n.path,
    bytes: n.bytes,
    bytesA: n.bytesA,
    bytesB: n.bytesB,
    status: n.status,
    kind: n.status === 'aggregate' ? 'aggregate' : undefined,
    count: n.count,
    drill: n.status !== 'aggregate' && (n.children?.length ?? 0) > 0,
    children: n.children?.map(toNode)
  }
}

export function DiffTreemapPanel(): React.JSX.Element {
  const focus = useApp((s) => s.compareFocus)
  const go = useApp((s) => s.focusComparePath)
  const colors = useDiffColors()
  const full = useMemo(() => (focus.treemap ? toNode(focus.treemap) : null), [focus.treemap])
  // Past directories that hold nearly everything, so the map shows where the difference splits.
  const root = useMemo(() => (full ? zoomTreemap(full) : null), [full])
  const zoomed = root && full && root !== full
  return (
    <section className="panel cmp-panel cmp-treemap" aria-label="Difference treemap">
      <div className="cmp-panel-head">
        <h3>The difference, by size</h3>
        <div className="chart-legend">
          <LegendItem color={colors.onlyA} label="only in A" />
          <LegendItem color={colors.onlyB} label="only in B" />
          <LegendItem color={colors.changed} label="changed" />
        </div>
      </div>
      {zoomed && (
        <div className="cmp-zoom muted" data-testid="treemap-zoom">
          Showing <span className="mono">{root.path}</span>: {Math.round((root.bytes / Math.max(1, full.bytes)) * 100)}% of the difference below{' '}
          <span className="mono">{full.path}</span>
        </div>
      )}
      {root ? (
        <ByteTreemap<Node>
          root={root}
          height={340}
          label="Treemap of the difference"
          colorFor={(n, _top, _i, p) => (n.status === 'onlyA' ? colors.onlyA : n.status === 'onlyB' ? colors.onlyB : n.status === 'changed' ? colors.changed : p.aggregate)}
          onOpen={(top) => {
            if (top.drill) void go(top.path)
          }}
          tooltipRows={(n) => [
            ['In A', formatBytes(n.bytesA)],
            ['In B', formatBytes(n.bytesB)],
            ['Status', n.status === 'onlyA' ? 'only in A' : n.status === 'onlyB' ? 'only in B' : n.status === 'aggregate' ? `${n.count ?? ''} smaller entries` : 'changed']
          ]}
          tooltipFooter={(_n, top) => (top.drill ? 'Click to open this directory' : undefined)}
        />
      ) : (
        <div className="cmp-treemap-empty muted">{focus.loading ? 'Loading…' : 'Nothing differs here.'}</div>
      )}
    </section>
  )
}
