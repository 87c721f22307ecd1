// Treemap of the selected layer's changes or of the stacked filesystem, two levels at a time.
// The backend aggregates small entries and caps the node count, so a 100,000-file layer costs
// what a few hundred rectangles cost. Click a block to drill in; breadcrumbs, Back and
// Backspace go back up.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { formatBytes, formatCount, groupDigits } from '../../../../shared/format'
import type { TreeScope, TreemapNode } from '../../../../shared/models/analysis'
import { Button, Segmented } from '../../components/Button'
import { ByteTreemap, LegendItem, categoryColor, chartPalette, type ChartPalette } from '../../components/charts'
import { Spinner } from '../../components/States'
import { callPrefetched, treemapRequest } from '../../lib/prefetch'
import { ROOT_PATH, breadcrumbs, displayPath } from '../../lib/paths'
import { mark, startDrillStep } from '../../lib/perf'
import { useResolvedTheme } from '../../lib/theme'
import { useQuery } from '../../lib/use-query'
import { useApp } from '../../stores'
import type { TreemapColorMode } from '../../stores/settings'
import { PanelError } from './PanelError'

const CHANGE_LABEL = { added: 'added', changed: 'changed', deleted: 'deleted', unchanged: 'unchanged' } as const
const painted = new Set<string>()

function colorOf(mode: TreemapColorMode) {
  return (n: TreemapNode, top: TreemapNode, topIndex: number, p: ChartPalette): string => {
    if (n.kind === 'aggregate') return p.aggregate
    if (mode === 'directory') return categoryColor(p, top.name, topIndex)
    return p.change[n.change ?? top.change ?? 'unchanged']
  }
}

export function TreemapPanel({ scope, height, emptyText }: { scope: TreeScope; height: number; emptyText?: string }): React.JSX.Element {
  const p = chartPalette(useResolvedTheme())
  const stacked = scope.mode === 'stacked'
  const colorMode = useApp((s) => (stacked ? s.settings.treemapColorStacked : s.settings.treemapColor))
  const updateSettings = useApp((s) => s.updateSettings)
  const [stack, setStack] = useState<string[]>([ROOT_PATH])
  const path = stack[stack.length - 1]!
  const drillEnd = useRef<(() => void) | null>(null)
  const scopeKey = `${scope.key}|${scope.layer}|${scope.mode}`

  // A new layer or mode starts at the root: the drilled path may not exist there.
  useEffect(() => setStack([ROOT_PATH]), [scopeKey])

  const q = useQuery(
    () =>
      callPrefetched('analysis:treemap', treemapRequest(scope, path)).then((r) => {
        if (!painted.has(scope.key)) mark('treemap-data')
        return r
      }),
    [scopeKey, path]
  )
  const go = (next: string[]): void => {
    drillEnd.current = startDrillStep()
    setStack(next)
  }
  const drillTo = (target: string): void => {
    if (target === path) return
    go([...stack, target])
  }
  const backUp = (): void => {
    if (stack.length > 1) go(stack.slice(0, -1))
  }
  const onPainted = (): void => {
    if (!painted.has(scope.key)) {
      painted.add(scope.key)
      mark('treemap-painted')
    }
    drillEnd.current?.()
    drillEnd.current = null
  }
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Backspace' || (e.altKey && e.key === 'ArrowLeft')) {
      e.preventDefault()
      e.stopPropagation()
      backUp()
    }
  }

  const root = q.data
  const crumbs = breadcrumbs(path)
  return (
    <section className="panel treemap-panel" tabIndex={0} onKeyDown={onKey} aria-label="Treemap">
      <div className="panel-head">
        <Button size="sm" variant="ghost" onClick={backUp} disabled={stack.length <= 1} title="Back (Backspace)" data-testid="treemap-back">
          ←
        </Button>
        <nav className="crumbs" aria-label="Treemap path" data-testid="treemap-crumbs">
          {crumbs.map((c, i) => (
            <span key={c.path}>
              {i > 1 && <span className="crumb-sep">/</span>}
              <button type="button" className={`crumb${i === crumbs.length - 1 ? ' current' : ''}`} onClick={() => (i === crumbs.length - 1 ? undefined : go([...stack, c.path]))}>
                {c.name}
              </button>
            </span>
          ))}
        </nav>
        {q.loading && <Spinner />}
        <div className="spacer" />
        {root && (
          <span className="muted num small">
            {formatBytes(root.bytes)} · {formatCount(root.files, 'file')}
          </span>
        )}
        <Segmented<TreemapColorMode>
          label="Colour by"
          value={colorMode}
          onChange={(v) => updateSettings(stacked ? { treemapColorStacked: v } : { treemapColor: v })}
          options={[
            { value: 'change', label: 'Change', title: 'Colour by added / changed / deleted' },
            { value: 'directory', label: 'Directory', title: 'Colour by top-level directory' }
          ]}
        />
      </div>
      {q.error && <PanelError error={q.error} onRetry={q.reload} />}
      {!root && !q.error && (
        <div className="center-fill" style={{ height }}>
          <Spinner label="Laying out…" />
        </div>
      )}
      {root && (
        <ByteTreemap<TreemapNode>
          root={root}
          height={height}
          colorFor={colorOf(colorMode)}
          onOpen={(top) => {
            if (top.kind === 'dir') drillTo(top.path)
          }}
          tooltipRows={(n) => [
            ['Files', groupDigits(n.files)],
            ...(!stacked && n.change && n.change !== 'unchanged' ? ([['Change', CHANGE_LABEL[n.change]]] as [string, string][]) : [])
          ]}
          tooltipFooter={(_n, top) => (top.kind === 'dir' ? `Click to open ${displayPath(top.path)}` : undefined)}
          onPainted={onPainted}
          emptyText={path === ROOT_PATH ? emptyText : undefined}
          label="Treemap of file sizes"
        />
      )}
      <div className="chart-legend">
        {colorMode === 'change' ? (
          <>
            <LegendItem color={p.change.added} label="added" />
            <LegendItem color={p.change.changed} label="changed" />
            <LegendItem color={p.change.deleted} label="deleted" />
            <LegendItem color={p.change.unchanged} label="unchanged" />
            <LegendItem color={p.aggregate} label="small entries grouped" />
          </>
        ) : (
          <>
            <span className="muted">Colours group each top-level directory</span>
            <LegendItem color={p.aggregate} label="small entries grouped" />
          </>
        )}
      </div>
    </section>
  )
}
