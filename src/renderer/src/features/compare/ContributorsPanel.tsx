// Where the difference comes from: the biggest contributors at the focused path, with
// breadcrumbs; a row that has differing children drills in.
import type { Contributor } from '../../../../shared/models/compare'
import { formatBytes, formatDelta, formatExactBytes, groupDigits } from '../../../../shared/format'
import { Spinner, ErrorBanner } from '../../components/States'
import { useApp } from '../../stores'
import { breadcrumbs, clipMiddle, deltaShare } from './view-model'

const STATUS_TEXT: Record<Contributor['status'], string> = { onlyA: 'only in A', onlyB: 'only in B', changed: 'changed' }

export function Breadcrumbs({ path, onGo }: { path: string; onGo: (p: string) => void }): React.JSX.Element {
  const crumbs = breadcrumbs(path)
  return (
    <nav className="cmp-crumbs" aria-label="Path" data-testid="crumbs">
      {crumbs.map((c, i) => (
        <span key={c.path}>
          {i > 1 && <span className="cmp-crumb-sep">/</span>}
          {i === crumbs.length - 1 ? (
            <span className="cmp-crumb current">{c.name}</span>
          ) : (
            <button type="button" className="cmp-crumb" onClick={() => onGo(c.path)}>
              {c.name}
            </button>
          )}
        </span>
      ))}
    </nav>
  )
}

/** Below the focused directory a row shows only its own part (the breadcrumbs hold the rest). */
function relative(path: string, base: string): string {
  if (base === '/' || !path.startsWith(`${base}/`)) return path
  return path.slice(base.length + 1)
}

export function ContributorsPanel(): React.JSX.Element {
  const focus = useApp((s) => s.compareFocus)
  const go = useApp((s) => s.focusComparePath)
  const rows = focus.rows ?? []
  const maxAbs = Math.max(1, ...rows.map((r) => Math.max(Math.abs(r.delta), r.churn ?? 0)))
  return (
    <section className="panel cmp-panel cmp-contributors" aria-label="Where the difference comes from">
      <div className="cmp-panel-head">
        <h3>Where the difference comes from</h3>
        {focus.loading && <Spinner />}
      </div>
      <Breadcrumbs path={focus.path} onGo={(p) => void go(p)} />
      {focus.error && <ErrorBanner error={focus.error} />}
      <div className="cmp-table" role="table" data-testid="contributors">
        <div className="cmp-tr cmp-th" role="row">
          <span role="columnheader">Path</span>
          <span role="columnheader" className="r">
            A
          </span>
          <span role="columnheader" className="r">
            B
          </span>
          <span role="columnheader" className="r">
            B − A
          </span>
          <span role="columnheader" aria-hidden />
        </div>
        {rows.length === 0 && !focus.loading && <div className="cmp-empty muted">No differences below {focus.path}.</div>}
        {rows.map((r) => {
          const shown = clipMiddle(relative(r.path, focus.path), 38)
          const share = deltaShare(r.delta, maxAbs)
          const churnShare = deltaShare(r.churn ?? Math.abs(r.delta), maxAbs)
          return (
            <div
              key={r.path}
              role="row"
              className={`cmp-tr${r.hasChildren ? ' drill' : ''}`}
              tabIndex={r.hasChildren ? 0 : -1}
              onClick={() => r.hasChildren && void go(r.path)}
              onKeyDown={(e) => e.key === 'Enter' && r.hasChildren && void go(r.path)}
              title={`${r.path}\n${STATUS_TEXT[r.status]} · ${groupDigits(r.differing ?? 0)} differing entries\nA ${formatExactBytes(r.bytesA)}\nB ${formatExactBytes(r.bytesB)}`}
              data-testid="contributor"
              data-path={r.path}
            >
              <span className="cmp-path mono" role="cell">
                <span className={`cmp-dot ${r.status}`} aria-label={STATUS_TEXT[r.status]} />
                {shown}
                {r.kind === 'dir' || r.hasChildren ? '/' : ''}
                {r.moved !== undefined && <span className="muted">{r.status === 'onlyA' ? ` -> ${r.moved}` : ` (from ${r.moved})`}</span>}
              </span>
              <span className="num r" role="cell">
                {formatBytes(r.bytesA)}
              </span>
              <span className="num r" role="cell">
                {formatBytes(r.bytesB)}
              </span>
              <span className={`num r ${r.delta < 0 ? 'cmp-neg' : r.delta > 0 ? 'cmp-pos' : ''}`} role="cell">
                {formatDelta(r.delta)}
              </span>
              <span className="cmp-bar" role="cell" aria-hidden>
                <span className="cmp-bar-churn" style={{ width: `${churnShare * 100}%` }} />
                <span className={`cmp-bar-fill ${r.delta < 0 ? 'neg' : 'pos'}`} style={{ width: `${share * 100}%` }} />
                {r.hasChildren && <span className="cmp-chev">›</span>}
              </span>
            </div>
          )
        })}
      </div>
    </section>
  )
}
