// The file tree of the current scope: lazy (one directory at a time from the backend),
// virtualised (100,000 rows cost what the visible ones cost), sortable, filterable by path or
// sha256 prefix and by change (added / changed / deleted, as in dive), with mode and owner
// columns and the selected entry's details (its content digest, copyable).
// Keys: ↑/↓ move, → or Enter opens a directory, ← closes it or goes to the parent, Backspace parent.
// An ARIA tree: the list keeps the focus (aria-activedescendant), each row is a treeitem with its
// level and its place among all its siblings, loaded or not.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { formatBytes, formatExactBytes, groupDigits, modeString } from '../../../../shared/format'
import type { ApiError } from '../../../../shared/errors'
import type { FileNode, TreeScope } from '../../../../shared/models/analysis'
import { Spinner } from '../../components/States'
import { VirtualList } from '../../components/VirtualList'
import { call, toApiError } from '../../lib/call'
import { ROOT_PATH, breadcrumbs, displayPath } from '../../lib/paths'
import { useApp } from '../../stores'
import { NodeMarkers } from './markers'
import { PanelError } from './PanelError'
import { filterRows, flattenTree, treeControls, withPage, type Loaded, type TreeRow } from './tree-model'

const ROW = 24
const PAGE = 1000
const rowId = (i: number): string => `file-tree-row-${i}`

type ChangeFilter = 'all' | 'added' | 'changed' | 'deleted'
const CHANGE_FILTERS: Array<{ value: ChangeFilter; label: string }> = [
  { value: 'all', label: 'All changes' },
  { value: 'added', label: 'Added' },
  { value: 'changed', label: 'Changed' },
  { value: 'deleted', label: 'Removed' }
]

/** Rows kept by a change filter: matching entries, and the directories that lead to them. */
function keepRow(row: TreeRow, f: ChangeFilter): boolean {
  if (f === 'all' || row.kind !== 'node') return true
  const n = row.node
  if (n.kind === 'dir' && n.hasChildren) return true
  return n.change === f || (f === 'deleted' && !!n.whiteout)
}

/** The selected entry: what `layerscope files` prints for it, with the digest copyable. */
function EntryDetails({ node }: { node: FileNode }): React.JSX.Element {
  const [copied, setCopied] = useState(false)
  useEffect(() => setCopied(false), [node.path])
  const copy = (): void => {
    if (!node.sha256) return
    void navigator.clipboard?.writeText(node.sha256).then(() => setCopied(true), () => setCopied(false))
  }
  return (
    <div className="tree-details small" data-testid="tree-details" style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '6px 10px', borderTop: '1px solid var(--border)', flexWrap: 'wrap' }}>
      <span className="mono" title={displayPath(node.path)} style={{ overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '40%' }}>
        {displayPath(node.path)}
      </span>
      {node.mode !== undefined && <span className="mono muted">{modeString(node.kind, node.mode)}</span>}
      {node.uid !== undefined && <span className="mono muted" title="uid:gid">{`${node.uid}:${node.gid ?? 0}`}</span>}
      {node.kind === 'file' && <span className="num muted">{formatExactBytes(node.bytes)}</span>}
      {node.linkTarget !== undefined && <span className="mono muted">{node.kind === 'hardlink' ? `link to ${node.linkTarget}` : `-> ${node.linkTarget}`}</span>}
      {node.sha256 && (
        <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center', minWidth: 0 }}>
          <span className="mono" data-testid="tree-details-sha256" style={{ userSelect: 'all', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {node.sha256}
          </span>
          <button type="button" className="link" onClick={copy} data-testid="tree-details-copy" title="Copy the sha256 of this file's content">
            {copied ? 'Copied' : 'Copy'}
          </button>
        </span>
      )}
      {!node.sha256 && node.sha256Note && (
        <span className="muted" data-testid="tree-details-sha256-note">
          no sha256: {node.sha256Note}
        </span>
      )}
    </div>
  )
}

export function FileTree({ scope }: { scope: TreeScope }): React.JSX.Element {
  const sort = useApp((s) => s.settings.treeSort)
  const updateSettings = useApp((s) => s.updateSettings)
  const [loaded, setLoaded] = useState(() => new Map<string, Loaded>())
  const [expanded, setExpanded] = useState(() => new Set<string>())
  const [active, setActive] = useState(-1)
  const [error, setError] = useState<ApiError | null>(null)
  // The filter, the treemap's drilled folder and the selected row are shared with the treemap.
  const filter = useApp((s) => s.pathFilter)
  const setFilter = useApp((s) => s.setPathFilter)
  const focus = useApp((s) => s.focusPath)
  const setFocusPath = useApp((s) => s.setFocusPath)
  const revealing = useRef<string | null>(null)
  const [changeFilter, setChangeFilter] = useState<ChangeFilter>('all')
  const [search, setSearch] = useState<{ query: string; matches: FileNode[]; total: number } | null>(null)
  const [searching, setSearching] = useState(false)
  const gen = useRef(0)
  const scopeKey = `${scope.key}|${scope.layer}|${scope.mode}|${sort}`

  const loadDir = useCallback(
    async (path: string, offset = 0): Promise<void> => {
      const my = gen.current
      try {
        const r = await call('analysis:tree', { scope, path, sort, offset, limit: PAGE })
        if (my !== gen.current) return
        setLoaded((prev) => withPage(prev, path, offset, r))
      } catch (e) {
        if (my === gen.current) setError(toApiError(e))
      }
    },
    // scopeKey covers scope and sort.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scopeKey]
  )

  // New scope or sort: start over from the root, keeping the open directories open.
  useEffect(() => {
    gen.current++
    setLoaded(new Map())
    setError(null)
    setActive(-1)
    void loadDir(ROOT_PATH)
    for (const p of expanded) void loadDir(p)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadDir])

  // Path filter: the backend searches every path of the scope (debounced while typing).
  useEffect(() => {
    const q = filter.trim()
    if (!q) {
      setSearch(null)
      return
    }
    setSearching(true)
    let stale = false
    const t = setTimeout(() => {
      call('analysis:search', { scope, query: q, limit: 5000 }).then(
        (r) => {
          if (stale) return
          setSearch({ query: q, ...r })
          setSearching(false)
          setActive(-1)
        },
        (e: unknown) => {
          if (stale) return
          setError(toApiError(e))
          setSearching(false)
        }
      )
    }, 180)
    return () => {
      stale = true
      clearTimeout(t)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, scopeKey])

  const rows: TreeRow[] = useMemo(() => {
    const all: TreeRow[] = search
      ? search.matches.map((node, i) => ({ kind: 'node' as const, node, depth: 0, pos: i + 1, size: search.total }))
      : flattenTree(ROOT_PATH, loaded, expanded)
    return changeFilter === 'all' ? all : filterRows(all, (r) => keepRow(r, changeFilter))
  }, [search, loaded, expanded, changeFilter])
  const activeNode = rows[active]?.kind === 'node' ? (rows[active] as Extract<TreeRow, { kind: 'node' }>).node : undefined

  // The treemap drilled somewhere: open the tree down to that folder and select it.
  useEffect(() => {
    if (!focus || focus.from !== 'treemap' || focus.path === ROOT_PATH || search) return
    const chain = breadcrumbs(focus.path).slice(1).map((c) => c.path)
    const want = focus.path
    revealing.current = want
    // A folder that never shows up (a failed load) must not hold the tree's selection back.
    setTimeout(() => revealing.current === want && (revealing.current = null), 3000)
    setExpanded((prev) => new Set([...prev, ...chain.slice(0, -1)]))
    for (const p of chain.slice(0, -1)) if (!loaded.has(p)) void loadDir(p)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, loadDir])
  useEffect(() => {
    const want = revealing.current
    if (!want) return
    const i = rows.findIndex((r) => r.kind === 'node' && r.node.path === want)
    if (i >= 0) {
      revealing.current = null
      setActive(i)
    }
  }, [rows])
  // The selected row is what the treemap outlines.
  const activePath = rows[active]?.kind === 'node' ? (rows[active] as Extract<TreeRow, { kind: 'node' }>).node.path : null
  useEffect(() => {
    if (activePath && !revealing.current) setFocusPath(activePath, 'tree')
  }, [activePath, setFocusPath])

  const { toggle, onKey } = treeControls({ rows, active, expanded, loaded, flat: !!search, setActive, setExpanded, loadDir: (p, o) => void loadDir(p, o) })

  const renderRow = (i: number): React.ReactNode => {
    const row = rows[i]!
    const indent = { paddingLeft: 8 + row.depth * 16 }
    if (row.kind === 'loading')
      return (
        <div className="trow muted" style={indent} id={rowId(i)} role="treeitem" aria-level={row.depth + 1} aria-busy="true" aria-selected={i === active}>
          <Spinner label="Loading…" />
        </div>
      )
    if (row.kind === 'more')
      return (
        <div className={`trow${i === active ? ' active' : ''}`} style={indent} id={rowId(i)} role="treeitem" aria-level={row.depth + 1} aria-selected={i === active}>
          <button type="button" className="link" tabIndex={-1} onClick={() => void loadDir(row.parent, row.loaded)}>
            Show {groupDigits(Math.min(PAGE, row.total - row.loaded))} more of {groupDigits(row.total - row.loaded)} remaining
          </button>
        </div>
      )
    const n = row.node
    const open = expanded.has(n.path)
    return (
      <div
        className={`trow${i === active ? ' active' : ''}${n.whiteout || n.change === 'deleted' ? ' deleted' : ''}`}
        onClick={() => {
          setActive(i)
          if (!search) toggle(n)
        }}
        id={rowId(i)}
        role="treeitem"
        aria-selected={i === active}
        aria-level={row.depth + 1}
        aria-posinset={row.pos}
        aria-setsize={row.size}
        aria-expanded={n.hasChildren && !search ? open : undefined}
        data-testid="tree-row"
        data-path={displayPath(n.path)}
      >
        <span className="tcell tname" style={indent} title={displayPath(n.path)}>
          <span className="chev" aria-hidden>
            {n.hasChildren && !search ? (open ? '▾' : '▸') : ''}
          </span>
          <span className={`ficon ${n.kind}`} aria-hidden />
          <span className="fname">{search ? displayPath(n.path) : n.name}</span>
          <NodeMarkers node={n} showChange={scope.mode === 'layer'} />
        </span>
        <span className="tcell tmode mono muted small" style={{ width: 84, flex: 'none' }}>
          {n.mode !== undefined ? modeString(n.kind, n.mode) : ''}
        </span>
        <span className="tcell towner mono muted small" style={{ width: 64, flex: 'none' }} title="uid:gid">
          {n.uid !== undefined ? `${n.uid}:${n.gid ?? 0}` : ''}
        </span>
        <span className="tcell tfiles num muted">{n.kind === 'dir' ? groupDigits(n.files) : ''}</span>
        <span className="tcell tlayer num muted" title={n.layerIndex !== undefined ? `Last written by layer ${n.layerIndex}` : undefined}>
          {n.layerIndex ?? ''}
        </span>
        <span className="tcell tsize num" title={formatExactBytes(n.bytes)}>
          {n.kind === 'symlink' || n.kind === 'hardlink' ? '' : n.whiteout ? '—' : formatBytes(n.bytes)}
        </span>
      </div>
    )
  }

  const sortButton = (key: 'name' | 'size', label: string, cls: string): React.JSX.Element => (
    <button type="button" className={`th-sort ${cls}${sort === key ? ' active' : ''}`} onClick={() => updateSettings({ treeSort: key })} data-testid={`tree-sort-${key}`}>
      {label}
      <span className="sort-arrow">{sort === key ? (key === 'size' ? '▼' : '▲') : ''}</span>
    </button>
  )

  return (
    <div className="file-tree">
      <div className="tree-toolbar">
        <input
          type="search"
          className="input filter"
          placeholder="Filter paths or sha256 prefix (e.g. node_modules, .so, /etc/ssl, 3f2a9c)"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter paths"
          data-testid="tree-filter"
        />
        <select
          className="input"
          style={{ flex: 'none', width: 'auto' }}
          value={changeFilter}
          onChange={(e) => setChangeFilter(e.target.value as ChangeFilter)}
          aria-label="Show changes"
          title="Show only entries this scope adds, changes or removes (most useful with “This layer's changes”)"
          data-testid="tree-change-filter"
        >
          {CHANGE_FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        {searching && <Spinner />}
        {search && (
          <span className="muted num small" data-testid="tree-filter-count">
            {search.total > search.matches.length ? `first ${groupDigits(search.matches.length)} of ` : ''}
            {groupDigits(search.total)} match{search.total === 1 ? '' : 'es'}
          </span>
        )}
      </div>
      {error && <PanelError error={error} onDismiss={() => setError(null)} onRetry={() => (setError(null), void loadDir(ROOT_PATH))} />}
      <div className="trow thead">
        {sortButton('name', 'Name', 'tname')}
        <span className="tcell tmode" style={{ width: 84, flex: 'none' }}>
          Mode
        </span>
        <span className="tcell towner" style={{ width: 64, flex: 'none' }} title="uid:gid">
          Owner
        </span>
        <span className="tcell tfiles num">Files</span>
        <span className="tcell tlayer num" title="Layer that last wrote the path">
          Layer
        </span>
        {sortButton('size', 'Size', 'tsize num')}
      </div>
      {!loaded.has(ROOT_PATH) && !search && !error ? (
        <div className="center-fill">
          <Spinner label="Reading the tree…" />
        </div>
      ) : rows.length === 0 ? (
        <div className="center-fill muted">{search ? `No path matches “${search.query}”.` : 'This scope has no files.'}</div>
      ) : (
        <VirtualList
          count={rows.length}
          rowHeight={ROW}
          renderRow={renderRow}
          activeIndex={active}
          activeId={rows[active] ? rowId(active) : undefined}
          onKeyDown={onKey}
          label="Files"
          role="tree"
          testId="file-tree"
        />
      )}
      {activeNode && <EntryDetails node={activeNode} />}
    </div>
  )
}
