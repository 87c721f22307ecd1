// Treemap of the selected layer's changes or of the stacked filesystem, two levels at a time.
// The backend aggregates small entries and caps the node count, so a 100,000-file layer costs
// what a few hundred rectangles cost. Click a block to drill in; breadcrumbs, Back and
// Backspace go back up.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { formatBytes, formatCount, groupDigits } from '../../../../shared/format'
import type { TreeScope, TreemapNode } from '../../../../shared/models/analysis'
import { Button, Segmented } from '../../components/Button'
import { ByteTreemap, LegendItem, categoryColor, chartPalette, type ChartPalette, type TileParts } from '../../components/charts'
import { Spinner } from '../../components/States'
import { call } from '../../lib/call'
import { callPrefetched, prefetch, treemapRequest } from '../../lib/prefetch'
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

/** Change mode: every tile shows what it holds, whatever its depth (a folder its mix). */
function partsOf(n: TreemapNode, p: ChartPalette, deletedArea: boolean): TileParts | undefined {
  const b = n.split
  if (!b) return undefined
  return {
    stripes: [
      { key: 'added', color: p.change.added, bytes: b.added },
      { key: 'changed', color: p.change.changed, bytes: b.changed },
      { key: 'unchanged', color: p.change.unchanged, bytes: b.unchanged },
      { key: 'deleted', color: p.change.deleted, bytes: deletedArea ? b.deleted : 0 }
    ],
    wasted: b.wasted,
    deleted: b.deleted
  }
}

/** A layer's own changes: what it deleted takes room too (drawn red), so a layer that only deletes is not an empty map. */
const withDeleted = (n: TreemapNode): number => n.bytes + (n.split?.deleted ?? 0)
/** A block that only deletes says what it hid, not "0 B". */
const layerSizeLabel = (n: TreemapNode): string => (n.bytes === 0 && (n.split?.deleted ?? 0) > 0 ? `${formatBytes(n.split!.deleted)} deleted` : formatBytes(n.bytes))

const partsLayer = (n: TreemapNode, p: ChartPalette): TileParts | undefined => partsOf(n, p, true)
const partsStacked = (n: TreemapNode, p: ChartPalette): TileParts | undefined => partsOf(n, p, false)

/** Tooltip rows: each share of the block in bytes, only the kinds it holds. */
function splitRows(n: TreemapNode, stacked: boolean): [string, string][] {
  const b = n.split
  if (!b) return []
  const rows: [string, string][] = []
  const here = stacked ? ' by this layer' : ''
  if (b.added > 0) rows.push([`Added${here}`, formatBytes(b.added)])
  if (b.changed > 0) rows.push([`Changed${here}`, formatBytes(b.changed)])
  if (b.unchanged > 0 && b.unchanged !== n.bytes) rows.push([stacked ? 'From layers below' : 'Unchanged', formatBytes(b.unchanged)])
  if (b.deleted > 0) rows.push(['Deleted here (hidden)', formatBytes(b.deleted)])
  if (b.wasted > 0) rows.push(['Wasted (hidden later)', formatBytes(b.wasted)])
  return rows
}

/** Paths the filter matches in this scope (null = no filter), from the same search the tree uses. */
function usePathMatches(scope: TreeScope, filter: string): Set<string> | null {
  const [m, setM] = useState<Set<string> | null>(null)
  const q = filter.trim()
  const key = `${scope.key}|${scope.layer}|${scope.mode}`
  useEffect(() => {
    if (!q) {
      setM(null)
      return
    }
    let stale = false
    const t = setTimeout(() => {
      call('analysis:search', { scope, query: q, limit: 2000 }).then(
        (r) => !stale && setM(new Set(r.matches.map((n) => n.path))),
        () => !stale && setM(null)
      )
    }, 180)
    return () => {
      stale = true
      clearTimeout(t)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, key])
  return q ? m : null
}

/** A block stays bright when it is a match, holds one, or lies inside a matched folder. */
function holdsMatch(n: TreemapNode, matches: Set<string>): boolean {
  if (n.kind === 'aggregate') return false
  for (const p of matches) if (p === n.path || p.startsWith(`${n.path}/`) || n.path.startsWith(`${p}/`)) return true
  return false
}

export function TreemapPanel({ scope, height, emptyText }: { scope: TreeScope; height: number; emptyText?: string }): React.JSX.Element {
  const p = chartPalette(useResolvedTheme())
  const stacked = scope.mode === 'stacked'
  const colorMode = useApp((s) => (stacked ? s.settings.treemapColorStacked : s.settings.treemapColor))
  const updateSettings = useApp((s) => s.updateSettings)
  const [stack, setStack] = useState<string[]>([ROOT_PATH])
  const path = stack[stack.length - 1]!
  // Shared with the file tree: its selection (outlined here), the filter (fades the rest).
  const focus = useApp((s) => s.focusPath)
  const setFocusPath = useApp((s) => s.setFocusPath)
  const filter = useApp((s) => s.pathFilter)
  const matches = usePathMatches(scope, filter)
  // After Back, the keyboard focus goes to the block of the folder just left.
  const [returnTo, setReturnTo] = useState<string | null>(null)
  const drillEnd = useRef<(() => void) | null>(null)
  const scopeKey = `${scope.key}|${scope.layer}|${scope.mode}`

  // A new layer or mode starts at the root: the drilled path may not exist there.
  useEffect(() => setStack([ROOT_PATH]), [scopeKey])

  // The levels above the one shown (Back draws them again without asking), for this scope only.
  const levels = useRef({ scopeKey, byPath: new Map<string, TreemapNode>() })
  if (levels.current.scopeKey !== scopeKey) levels.current = { scopeKey, byPath: new Map() }
  const q = useQuery(() => {
    const known = levels.current.byPath.get(path)
    if (known) return Promise.resolve(known)
    return callPrefetched('analysis:treemap', treemapRequest(scope, path)).then((r) => {
      if (!painted.has(scope.key)) mark('treemap-data')
      return r
    })
  }, [scopeKey, path])
  const go = (next: string[], from?: string): void => {
    drillEnd.current = startDrillStep()
    const target = next[next.length - 1]!
    // Keep the ancestors' answers only; ask for the next level now, not after React re-renders.
    const byPath = levels.current.byPath
    if (q.data && q.data.path === path) byPath.set(path, q.data)
    for (const k of byPath.keys()) if (!next.includes(k)) byPath.delete(k)
    if (!byPath.has(target)) prefetch('analysis:treemap', treemapRequest(scope, target))
    setStack(next)
    setReturnTo(from ?? null)
    setFocusPath(target, 'treemap')
  }
  // The tree selected a folder outside the drilled one: the treemap follows up to it.
  useEffect(() => {
    if (!focus || focus.from !== 'tree') return
    if (focus.path === path || focus.path.startsWith(path === ROOT_PATH ? '/' : `${path}/`)) return
    const i = stack.findIndex((p, k) => k > 0 && !(focus.path === p || focus.path.startsWith(`${p}/`)))
    if (i > 0) setStack(stack.slice(0, i))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus])
  const drillTo = (target: string): void => {
    if (target === path) return
    go([...stack, target])
  }
  const backUp = (): void => {
    if (stack.length > 1) go(stack.slice(0, -1), path)
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
    <section className="panel treemap-panel" onKeyDown={onKey} aria-label="Treemap">
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
          {...(colorMode === 'change' ? { partsFor: stacked ? partsStacked : partsLayer } : {})}
          {...(colorMode === 'change' && !stacked ? { areaOf: withDeleted, sizeLabel: layerSizeLabel } : {})}
          onOpen={(top) => {
            if (top.kind === 'dir') drillTo(top.path)
          }}
          tooltipRows={(n) => [
            ['Files', groupDigits(n.files)],
            ...(!stacked && n.kind !== 'dir' && n.kind !== 'aggregate' && n.change && n.change !== 'unchanged' ? ([['Change', CHANGE_LABEL[n.change]]] as [string, string][]) : []),
            ...(colorMode === 'change' ? splitRows(n, stacked) : [])
          ]}
          tooltipFooter={(_n, top) => (top.kind === 'dir' ? `Click to open ${displayPath(top.path)}` : undefined)}
          onPainted={onPainted}
          focusPath={returnTo}
          markPath={focus?.from === 'tree' ? focus.path : null}
          {...(matches ? { dim: (n: TreemapNode) => !holdsMatch(n, matches), dimKey: `${filter}|${matches.size}` } : {})}
          emptyText={path === ROOT_PATH ? emptyText : undefined}
          label="Treemap of file sizes"
        />
      )}
      <div className="chart-legend">
        {colorMode === 'change' ? (
          <>
            <LegendItem color={p.change.added} label={stacked ? 'added by this layer' : 'added'} />
            <LegendItem color={p.change.changed} label={stacked ? 'changed by it' : 'changed'} />
            <LegendItem color={p.change.unchanged} label={stacked ? 'from layers below' : 'unchanged'} />
            <span title="Bytes a later layer hides again (deleted, overwritten, or copied by chmod/chown): shipped, never seen">
              <LegendItem color={`repeating-linear-gradient(45deg, ${p.text} 0 2px, ${p.surface} 2px 5px)`} label="wasted later" />
            </span>
            <span title={stacked ? 'A corner mark: this layer deleted bytes below that block' : 'Bytes of the layers below that this layer deletes (they stay in the image: waste)'}>
              <LegendItem color={p.change.deleted} label={stacked ? 'deleted (corner)' : 'deleted here'} />
            </span>
            <span className="muted" title="A folder holding several kinds is striped by the share of its bytes">
              · mixed folders striped
            </span>
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
