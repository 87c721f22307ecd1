// One read layer's own files while the analysis runs (analysis:layer): its tar as read,
// a lazy tree with folder totals, read-only. It speaks the file tree's shapes (FileNode pages,
// tree-model rows, the same markers and row classes). Added/changed marks need every layer
// below; until then the panel says so, and reloads once more layers are read. Keys as in the
// file tree (tree-model treeControls).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { formatBytes, formatCount, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { ApiError } from '../../../../shared/errors'
import type { FileNode } from '../../../../shared/models/analysis'
import { Spinner } from '../../components/States'
import { VirtualList } from '../../components/VirtualList'
import { call, toApiError } from '../../lib/call'
import { ROOT_PATH, displayPath } from '../../lib/paths'
import { NodeMarkers } from './markers'
import { PanelError } from './PanelError'
import { flattenTree, treeControls, withPage, type Loaded, type TreeRow } from './tree-model'

const ROW = 24
const PAGE = 1000

interface Facts {
  root: FileNode
  changeKinds: boolean
  unreadBelow: number
}

export function PreviewLayerTree({ jobId, layer, readCount, onClose }: { jobId: string; layer: number; readCount: number; onClose: () => void }): React.JSX.Element {
  const [loaded, setLoaded] = useState(() => new Map<string, Loaded>())
  const [expanded, setExpanded] = useState(() => new Set<string>())
  const [facts, setFacts] = useState<Facts | null>(null)
  const [active, setActive] = useState(-1)
  const [error, setError] = useState<ApiError | null>(null)
  const gen = useRef(0)

  const loadDir = useCallback(
    async (path: string, offset = 0): Promise<void> => {
      const my = gen.current
      try {
        const r = await call('analysis:layer', { job: jobId, layer, path, sort: 'size', offset, limit: PAGE })
        if (my !== gen.current) return
        if (path === ROOT_PATH) setFacts({ root: r.node, changeKinds: r.changeKinds, unreadBelow: r.unreadBelow })
        setLoaded((prev) => withPage(prev, path, offset, r))
      } catch (e) {
        if (my === gen.current) setError(toApiError(e))
      }
    },
    [jobId, layer]
  )

  // Another layer: start over at its root.
  useEffect(() => {
    gen.current++
    setLoaded(new Map())
    setExpanded(new Set())
    setFacts(null)
    setError(null)
    setActive(-1)
    void loadDir(ROOT_PATH)
  }, [loadDir])

  // More layers read while kinds were missing: ask again (the open folders stay open).
  const waitingKinds = facts !== null && !facts.changeKinds
  useEffect(() => {
    if (!waitingKinds) return
    gen.current++
    void loadDir(ROOT_PATH)
    for (const p of expanded) void loadDir(p)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readCount])

  const rows: TreeRow[] = useMemo(() => flattenTree(ROOT_PATH, loaded, expanded), [loaded, expanded])

  const { toggle, onKey } = treeControls({ rows, active, expanded, loaded, setActive, setExpanded, loadDir: (p, o) => void loadDir(p, o) })

  const renderRow = (i: number): React.ReactNode => {
    const row = rows[i]!
    const indent = { paddingLeft: 8 + row.depth * 16 }
    if (row.kind === 'loading')
      return (
        <div className="trow muted" style={indent}>
          <Spinner label="Loading…" />
        </div>
      )
    if (row.kind === 'more')
      return (
        <div className={`trow${i === active ? ' active' : ''}`} style={indent}>
          <button type="button" className="link" onClick={() => void loadDir(row.parent, row.loaded)}>
            Show {groupDigits(Math.min(PAGE, row.total - row.loaded))} more of {groupDigits(row.total - row.loaded)} remaining
          </button>
        </div>
      )
    const n = row.node
    return (
      <div
        className={`trow${i === active ? ' active' : ''}${n.whiteout ? ' deleted' : ''}`}
        onClick={() => {
          setActive(i)
          toggle(n)
        }}
        role="option"
        aria-selected={i === active}
        data-testid="preview-tree-row"
        data-path={displayPath(n.path)}
      >
        <span className="tcell tname" style={indent} title={displayPath(n.path)}>
          <span className="chev" aria-hidden>
            {n.hasChildren ? (expanded.has(n.path) ? '▾' : '▸') : ''}
          </span>
          <span className={`ficon ${n.kind}`} aria-hidden />
          <span className="fname">{n.name}</span>
          <NodeMarkers node={n} showChange={facts?.changeKinds ?? false} />
        </span>
        <span className="tcell tfiles num muted">{n.kind === 'dir' ? groupDigits(n.files) : ''}</span>
        <span className="tcell tsize num" title={formatExactBytes(n.bytes)}>
          {n.kind === 'symlink' || n.kind === 'hardlink' ? '' : n.whiteout ? '—' : formatBytes(n.bytes)}
        </span>
      </div>
    )
  }

  return (
    <section className="panel preview-files" aria-label={`Files of layer ${layer}`} data-testid="preview-layer-tree" data-layer={layer} data-kinds={facts ? String(facts.changeKinds) : undefined}>
      <div className="panel-head">
        <h2>Layer {layer}: its files</h2>
        {facts && (
          <span className="muted num" data-testid="preview-tree-total" title={`${formatExactBytes(facts.root.bytes)} in regular files, as this layer's tar holds them`}>
            {formatCount(facts.root.files, 'file')} · {formatBytes(facts.root.bytes)}
          </span>
        )}
        <button type="button" className="link preview-files-close" onClick={onClose} aria-label="Close the layer's files">
          Close
        </button>
      </div>
      {facts && (
        <p className="muted small preview-note" data-testid="preview-tree-kinds">
          {facts.changeKinds
            ? 'As the layer’s tar holds it; added and changed are measured against every layer below.'
            : `As the layer’s tar holds it. Added or changed marks appear once the ${facts.unreadBelow === 1 ? 'layer' : `${facts.unreadBelow} layers`} below ${facts.unreadBelow === 1 ? 'is' : 'are'} read; deletions (whiteouts) show now.`}
        </p>
      )}
      {error && <PanelError error={error} onDismiss={() => setError(null)} onRetry={() => (setError(null), void loadDir(ROOT_PATH))} />}
      <div className="trow thead">
        <span className="tcell tname">Name</span>
        <span className="tcell tfiles num">Files</span>
        <span className="tcell tsize num">Size</span>
      </div>
      {!loaded.has(ROOT_PATH) && !error ? (
        <div className="center-fill">
          <Spinner label="Reading the layer…" />
        </div>
      ) : rows.length === 0 ? (
        <div className="center-fill muted">This layer holds no files.</div>
      ) : (
        <VirtualList count={rows.length} rowHeight={ROW} renderRow={renderRow} activeIndex={active} onKeyDown={onKey} label={`Files of layer ${layer}`} testId="preview-file-tree" />
      )}
    </section>
  )
}
