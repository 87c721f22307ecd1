// The History screen: a repository's tags over time (download / unpacked size, layers, the
// shared base as a band), the biggest jumps with their cause, and every step one click from
// its compare.
import { useEffect } from 'react'
import { formatBytes, formatDelta } from '../../../../shared/format'
import { Button } from '../../components/Button'
import { ProgressBar } from '../../components/ProgressBar'
import { EmptyState, ErrorBanner } from '../../components/States'
import { useApp } from '../../stores'
import { HistoryChart } from './HistoryChart'
import { jumpOf } from './view-model'
import './history.css'

export function HistoryScreen(): React.JSX.Element {
  const view = useApp((s) => s.view)
  const input = useApp((s) => s.historyInput)
  const series = useApp((s) => s.historySeries)
  const jumps = useApp((s) => s.historyJumps)
  const job = useApp((s) => s.historyJob)
  const error = useApp((s) => s.historyError)
  const setInput = useApp((s) => s.setHistoryInput)
  const load = useApp((s) => s.loadHistory)
  const cancel = useApp((s) => s.cancelHistory)
  const startCompare = useApp((s) => s.startCompare)

  // A view carrying a repository (e.g. a reload) opens it.
  useEffect(() => {
    const repo = view.name === 'history' ? view.repository : undefined
    if (repo && repo !== series?.repository) void load(repo)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view])

  return (
    <div className="page history-page" data-testid="history-screen">
      <div className="page-title">
        <h2>History</h2>
        <span className="muted">A repository&apos;s tags over time: sizes, layers, the shared base, and what made each jump</span>
      </div>
      <form
        className="card history-open"
        onSubmit={(e) => {
          e.preventDefault()
          if (input.repository.trim()) void load()
        }}
      >
        <label className="history-field history-field-repo">
          <span>Repository</span>
          <input
            className="input mono"
            value={input.repository}
            placeholder="registry://HOST/REPO or a local repository name (myapp)"
            onChange={(e) => setInput({ repository: e.target.value })}
            aria-label="Repository"
            spellCheck={false}
          />
        </label>
        <label className="history-field">
          <span>Order</span>
          <select className="input" value={input.order} aria-label="Order" onChange={(e) => setInput({ order: e.target.value === 'semver' ? 'semver' : 'created' })}>
            <option value="created">created time</option>
            <option value="semver">version (semver)</option>
          </select>
        </label>
        <label className="history-field history-field-last">
          <span>Last</span>
          <input
            className="input"
            type="number"
            min={2}
            value={input.last ?? ''}
            placeholder="all"
            aria-label="Last tags"
            onChange={(e) => setInput({ last: e.target.value === '' ? null : Math.max(2, Math.floor(Number(e.target.value))) })}
          />
        </label>
        <Button variant="primary" type="submit" disabled={!input.repository.trim() || (job !== null && !job.cancelling)}>
          Show history
        </Button>
      </form>

      {job && (
        <ProgressBar
          title={job.stage === 'series' ? 'Reading the tags (manifests and configs only)' : 'Explaining the biggest jumps (comparing their tags)'}
          progress={job.progress}
          startedAt={job.startedAt}
          onCancel={() => void cancel()}
          cancelling={job.cancelling}
        />
      )}
      {error && <ErrorBanner error={error} title="Could not read the history" />}

      {!series && !job && !error && (
        <EmptyState title="Pick a repository" testId="history-empty">
          Every tag is measured from its manifest and config (registry) or the engine&apos;s inspect: no layer is read for the chart. Layers are read only for the
          jumps explained and the steps you open.
        </EmptyState>
      )}

      {series && (
        <>
          <section className="card">
            <div className="history-card-head">
              <h3>{series.repository}</h3>
              <span className="muted">
                {series.tags.length} tags by {series.order === 'semver' ? 'version' : 'created time'} ·{' '}
                {series.kind === 'registry'
                  ? `read ${series.requests.manifests} manifests and ${series.requests.blobs} configs, no layer`
                  : `${series.requests.inspects} engine inspect/history calls, no export`}
              </span>
            </div>
            <HistoryChart series={series} />
            {series.skipped.length > 0 && (
              <p className="muted history-skipped">Left out: {series.skipped.map((s) => `${s.tag} (${s.reason})`).join(', ')}</p>
            )}
          </section>

          <section className="card">
            <h3>Biggest jumps</h3>
            {!jumps && job?.stage === 'jumps' && <p className="muted">Comparing the tags of the biggest steps…</p>}
            {jumps && jumps.jumps.length === 0 && <p className="muted">No step to explain.</p>}
            <ol className="history-jumps" data-testid="history-jumps">
              {jumps?.jumps.map((j) => (
                <li key={j.index} className="history-jump">
                  <span className={`history-delta ${j.bytes > 0 ? 'grew' : j.bytes < 0 ? 'shrank' : ''}`}>{formatDelta(j.bytes)}</span>
                  <span className="history-line">{j.line}</span>
                  <Button size="sm" onClick={() => void startCompare(j.a, j.b)} aria-label={`Open the compare of ${j.from} and ${j.to}`}>
                    Open compare
                  </Button>
                </li>
              ))}
            </ol>
          </section>

          {jumps && jumps.steps.length > 0 && (
            <section className="card">
              <h3>Every step</h3>
              <table className="history-steps" data-testid="history-steps">
                <thead>
                  <tr>
                    <th>From</th>
                    <th>To</th>
                    <th className="num">Change</th>
                    <th>Layers kept</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {[...jumps.steps]
                    .sort((x, y) => x.index - y.index)
                    .map((s) => {
                      const t = series.tags[s.index]
                      return (
                        <tr key={s.index} className={jumpOf(s, jumps.jumps) ? 'explained' : ''}>
                          <td className="mono">{s.from}</td>
                          <td className="mono">{s.to}</td>
                          <td className="num" title={`${s.basis} bytes`}>
                            {formatDelta(s.bytes)}
                          </td>
                          <td>
                            {t ? `${t.sharedWithPrevious} of ${t.layers}` : ''}
                            {s.baseChanged ? ' · base layers changed' : ''}
                          </td>
                          <td>
                            <Button size="sm" onClick={() => void startCompare(s.a, s.b)} aria-label={`Compare ${s.from} and ${s.to}`}>
                              Compare
                            </Button>
                          </td>
                        </tr>
                      )
                    })}
                </tbody>
              </table>
              <p className="muted">Sizes: {series.kind === 'registry' ? 'download (layer blobs + config)' : 'unpacked, as docker images shows them'}; from {formatBytes(series.tags[0]?.unpackedBytes ?? series.tags[0]?.downloadBytes ?? 0)} to {formatBytes(series.tags[series.tags.length - 1]?.unpackedBytes ?? series.tags[series.tags.length - 1]?.downloadBytes ?? 0)}.</p>
            </section>
          )}
        </>
      )}
    </div>
  )
}

/** The nav icon: bars rising over time. */
export const HistoryIcon = (
  <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4">
    <path d="M2 14h12" />
    <rect x="3" y="9" width="2.4" height="4" rx="0.5" />
    <rect x="6.8" y="6.5" width="2.4" height="6.5" rx="0.5" />
    <rect x="10.6" y="3" width="2.4" height="10" rx="0.5" />
  </svg>
)
