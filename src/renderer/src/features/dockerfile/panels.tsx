// Side panels of the Dockerfile screen: the selected stage's lines, advice ranked by bytes,
// the build context, and the stage build's progress and log.
import { useEffect, useMemo, useRef, useState } from 'react'
import { formatBytes, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { Advice, BuildContextReport, ContextWarnings, DockerfileAnalysis, LayerLineLink, StageNode } from '../../../../shared/models/dockerfile'
import { Bytes } from '../../components/Bytes'
import { Button } from '../../components/Button'
import type { StageBuildJob } from '../../stores/dockerfile'

/** The Dockerfile lines of a stage, each instruction with the bytes its layer added. */
export function StagePanel({ analysis, node, focusLine, onLine }: { analysis: DockerfileAnalysis; node: StageNode | null; focusLine: number | null; onLine: (line: number) => void }): React.JSX.Element {
  const lines = useMemo(() => analysis.text.split(/\r?\n/), [analysis.text])
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (focusLine === null) return
    ref.current?.querySelector(`[data-line="${focusLine}"]`)?.scrollIntoView({ block: 'center' })
  }, [focusLine, node])
  if (!node) return <div className="df-empty muted">Click a stage in the graph to see its lines.</div>
  if (node.kind !== 'stage') {
    const users = analysis.graph.edges.filter((e) => e.from === node.id)
    return (
      <div className="df-stage">
        <div className="df-stage-head">
          <strong className="mono">{node.name}</strong>
          <span className="chip">{node.kind === 'scratch' ? 'empty base' : 'external image'}</span>
        </div>
        {node.kind === 'image' && <ExternalSize node={node} />}
        <p className="muted small">
          {node.kind === 'scratch' ? 'scratch is the empty image: stages built on it hold only what they copy in.' : 'Not built from this Dockerfile; used on these lines:'}
        </p>
        <ul className="df-uses">
          {users.map((e, i) => (
            <li key={i}>
              <button className="link mono" onClick={() => onLine(e.line)}>
                line {e.line}
              </button>{' '}
              <span className="muted">{e.kind === 'from' ? 'FROM' : e.kind === 'copy' ? 'COPY --from' : 'RUN --mount'}</span>
            </li>
          ))}
        </ul>
      </div>
    )
  }
  const start = node.range?.startLine ?? 1
  const end = node.range?.endLine ?? start
  const byLine = new Map(node.instructions.map((i) => [i.range.startLine, i]))
  const maxBytes = Math.max(1, ...node.instructions.map((i) => i.measuredBytes ?? 0))
  const incoming = analysis.graph.edges.filter((e) => e.to === node.id && e.kind !== 'from')
  const outgoing = analysis.graph.edges.filter((e) => e.from === node.id && e.kind === 'copy')
  const name = (id: string): string => analysis.graph.nodes.find((n) => n.id === id)?.name ?? id
  const failedLine = node.buildError?.line
  return (
    <div className="df-stage" ref={ref} data-testid="stage-panel">
      <div className="df-stage-head">
        <strong>{node.name === String(node.index) ? `stage ${node.index}` : node.name}</strong>
        {node.isTarget && <span className="chip chip-accent">target</span>}
        {node.unused && <span className="chip">unused</span>}
        <span className="muted small">{start === end ? `line ${start}` : `lines ${start}–${end}`}</span>
        <span className="spacer" />
        {node.measured && <Bytes value={node.measured.size} what="Stage image size as docker images shows it (inspect .Size)" className="df-stage-size" />}
      </div>
      {node.unused && <p className="muted small">This stage cannot reach the target: BuildKit skips it; the legacy builder still builds it.</p>}
      {node.buildError && <StageFailure error={node.buildError} onLine={onLine} />}
      <div className={`df-source${node.instructions.some((i) => i.measuredBytes !== undefined) ? '' : ' no-bytes'}`}>
        {lines.slice(start - 1, end).map((text, k) => {
          const ln = start + k
          const ins = byLine.get(ln)
          return (
            <div key={ln} className={`df-src-line${ln === focusLine ? ' focus' : ''}${ins ? ' ins' : ''}${failedLine === ln ? ' failed' : ''}`} data-line={ln}>
              <span className="df-ln">{ln}</span>
              <span className="df-line-bytes" title={ins?.measuredBytes !== undefined ? `History size of this step: ${formatExactBytes(ins.measuredBytes)}` : undefined}>
                {ins?.measuredBytes !== undefined && (
                  <>
                    <span className="df-line-bar" style={{ width: `${Math.max(2, (ins.measuredBytes / maxBytes) * 100)}%` }} />
                    <span className="num df-line-num">{formatBytes(ins.measuredBytes)}</span>
                  </>
                )}
              </span>
              <code className="df-code">{text || ' '}</code>
            </div>
          )
        })}
      </div>
      {(incoming.length > 0 || outgoing.length > 0) && (
        <table className="table compact df-flows">
          <tbody>
            {incoming.map((e, i) => (
              <tr key={`in${i}`}>
                <td className="muted">from {name(e.from)}</td>
                <td className="mono">{(e.paths ?? []).join(' ')}</td>
                <td className="num">{e.bytes !== undefined ? <Bytes value={e.bytes} what="Bytes this COPY --from adds (history size)" /> : e.kind === 'mount' ? 'mounted' : '—'}</td>
              </tr>
            ))}
            {outgoing.map((e, i) => (
              <tr key={`out${i}`}>
                <td className="muted">to {name(e.to)}</td>
                <td className="mono">{(e.paths ?? []).join(' ')}</td>
                <td className="num">{e.bytes !== undefined ? <Bytes value={e.bytes} what="Bytes the later stage takes from this one" /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** An external image's size without a build (which size it is), and its measured slimmer tags. */
function ExternalSize({ node }: { node: StageNode }): React.JSX.Element {
  const s = node.imageSize
  return (
    <div className="df-ext-size" data-testid="external-size">
      {s ? (
        <p>
          <Bytes value={s.bytes} what={s.kind === 'engine' ? 'Image size as docker images shows it (engine inspect .Size)' : 'Download size: layer blobs + config in the manifest'} />{' '}
          <span className="muted small">{s.kind === 'engine' ? 'in the local engine, as docker images shows it' : `download, from the manifest of ${s.ref} (no pull)`}</span>
        </p>
      ) : (
        <p className="muted small">{node.imageSizeNote ?? 'Not sized.'}</p>
      )}
      {node.slimmer && node.slimmer.siblings.length > 0 && (
        <>
          <p className="small">
            Slimmer tags in its registry, measured from their manifests ({node.slimmer.base} downloads <Bytes value={node.slimmer.downloadSize} />):
          </p>
          <ul className="df-ext-siblings small" data-testid="external-siblings">
            {node.slimmer.siblings.map((x) => (
              <li key={x.tag}>
                <code>{x.tag}</code> <Bytes value={x.downloadSize} what="Download size: layer blobs + config" /> download
                {x.savesBytes > 0 && (
                  <span className="muted">
                    {' '}
                    · saves <Bytes value={x.savesBytes} />
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}

/** The last build of this stage failed: where, the instruction as written, and the engine's words. */
function StageFailure({ error, onLine }: { error: NonNullable<StageNode['buildError']>; onLine: (line: number) => void }): React.JSX.Element {
  return (
    <div className="df-stage-failure" role="alert" data-testid="stage-failure">
      <div className="df-stage-failure-head">
        <strong>The last build failed here</strong>
        {error.line !== undefined && (
          <button className="link mono" onClick={() => onLine(error.line!)}>
            line {error.line}
          </button>
        )}
      </div>
      {error.instruction && <code className="df-code df-failed-instruction">{error.instruction}</code>}
      <div className="df-failure-words">{error.message}</div>
    </div>
  )
}

const filesText = (n: number): string => `${groupDigits(n)} file${n === 1 ? '' : 's'}`

const SEVERITY_LABEL = { high: 'High', medium: 'Medium', low: 'Low' } as const

export function AdvicePanel({ advice, onLine }: { advice: Advice[]; onLine: (line: number) => void }): React.JSX.Element {
  if (advice.length === 0) return <div className="df-empty muted">No advice: this Dockerfile avoids the habits Layerscope checks.</div>
  const max = Math.max(1, ...advice.map((a) => a.bytes ?? 0))
  return (
    <ol className="df-advice" data-testid="advice-list">
      {advice.map((a, i) => (
        <li key={i} className={`df-advice-item sev-${a.severity}`}>
          <div className="df-advice-top">
            <span className={`df-sev sev-${a.severity}`}>{SEVERITY_LABEL[a.severity]}</span>
            <strong className="df-advice-title">{a.title}</strong>
          </div>
          <div className="df-advice-bytes">
            {a.bytes !== undefined ? (
              <>
                <span className="df-advice-bar" style={{ width: `${Math.max(3, (a.bytes / max) * 100)}%` }} />
                <span className="num df-advice-num" title={formatExactBytes(a.bytes)}>
                  {a.bytesKind === 'estimated' ? '≈ ' : ''}
                  {formatBytes(a.bytes)}
                </span>
                <span className={`df-kind ${a.bytesKind ?? ''}`}>{a.bytesKind}</span>
              </>
            ) : (
              <span className="muted small">{a.basis ?? 'no byte cost to measure'}</span>
            )}
          </div>
          {a.basis && a.bytes !== undefined && <div className="muted small">{a.basis}</div>}
          <div className="df-advice-fix">{a.fix}</div>
          {a.lines.length > 0 && (
            <div className="df-advice-lines small">
              {a.lines.length > 1 ? 'Lines ' : 'Line '}
              {a.lines.map((l, j) => (
                <span key={l}>
                  {j > 0 && ', '}
                  <button className="link mono" onClick={() => onLine(l)}>
                    {l}
                  </button>
                </span>
              ))}
            </div>
          )}
        </li>
      ))}
    </ol>
  )
}

/** COPY sources the context lacks (the build stops there) and big sent files nothing uses. */
function ContextWarningsView({ warnings, onLine }: { warnings?: ContextWarnings; onLine: (line: number) => void }): React.JSX.Element | null {
  if (!warnings || (warnings.missing.length === 0 && warnings.unused.length === 0)) return null
  const more = warnings.unusedTotal.files - warnings.unused.length
  return (
    <div className="df-ctx-warnings" data-testid="context-warnings">
      {warnings.missing.length > 0 && (
        <div className="df-ctx-warn missing" role="alert" data-testid="missing-sources">
          <strong>{warnings.missing.length === 1 ? 'A COPY source is' : `${warnings.missing.length} COPY sources are`} not in the build context</strong>
          <ul>
            {warnings.missing.map((m, i) => (
              <li key={i}>
                <button className="link mono" onClick={() => onLine(m.line)}>
                  line {m.line}
                </button>{' '}
                {m.keyword} <code>{m.source}</code> <span className="muted">— {m.why === 'ignored' ? 'only files .dockerignore leaves out match it' : 'nothing in the context folder matches it'}</span>
                <div className="small">{m.wildcard ? 'BuildKit copies nothing here and goes on; the legacy builder stops with "no source files were specified".' : 'The build stops at this line.'}</div>
              </li>
            ))}
          </ul>
        </div>
      )}
      {warnings.unused.length > 0 && (
        <div className="df-ctx-warn" data-testid="unused-files">
          <strong>
            {filesText(warnings.unusedTotal.files)} of {formatBytes(warnings.unusedMinBytes)} or more (<Bytes value={warnings.unusedTotal.bytes} /> in all) {warnings.unusedTotal.files === 1 ? 'is' : 'are'} sent, but no COPY,
            ADD or RUN --mount uses {warnings.unusedTotal.files === 1 ? 'it' : 'them'}
          </strong>
          <ul>
            {warnings.unused.map((u) => (
              <li key={u.path}>
                <code>{u.path}</code> <Bytes value={u.bytes} className="muted small" />
              </li>
            ))}
            {more > 0 && <li className="muted">and {filesText(more)} more</li>}
          </ul>
          <div className="muted small">The suggested .dockerignore below leaves them out: every build sends less.</div>
        </div>
      )}
    </div>
  )
}

export function ContextPanel({ context, onLine }: { context: BuildContextReport; onLine: (line: number) => void }): React.JSX.Element {
  const [copied, setCopied] = useState(false)
  const max = Math.max(1, context.all.bytes)
  const rows: { label: string; v: { bytes: number; files: number }; cls: string; what: string }[] = [
    { label: 'Whole folder', v: context.all, cls: 'all', what: 'Every regular file under the context folder' },
    { label: context.hasDockerignore ? 'Sent (your .dockerignore)' : 'Sent (no .dockerignore)', v: context.sent, cls: 'sent', what: 'What docker build sends to the engine' }
  ]
  if (context.suggestedSent) rows.push({ label: 'With the suggested one', v: context.suggestedSent, cls: 'suggested', what: 'What the suggested .dockerignore would send' })
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(context.suggestedDockerignore)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      /* clipboard refused (insecure context): the text stays selectable */
    }
  }
  return (
    <div className="df-context" data-testid="context-panel">
      <div className="df-ctx-bars">
        {rows.map((r) => (
          <div key={r.label} className="df-ctx-row" title={`${r.what}: ${formatExactBytes(r.v.bytes)}`}>
            <span className="df-ctx-label">{r.label}</span>
            <span className="df-ctx-track">
              <span className={`df-ctx-fill ${r.cls}`} style={{ width: `${Math.max(0.5, (r.v.bytes / max) * 100)}%` }} />
            </span>
            <span className="num df-ctx-bytes" data-testid={`ctx-${r.cls}`}>
              {formatBytes(r.v.bytes)}
            </span>
            <span className="num muted small df-ctx-files">{filesText(r.v.files)}</span>
          </div>
        ))}
      </div>
      <ContextWarningsView warnings={context.warnings} onLine={onLine} />
      {context.secrets.length > 0 && (
        <div className="df-secrets">
          <h3>Secrets that would be sent</h3>
          <ul>
            {context.secrets.map((s) => (
              <li key={s.path}>
                <code>{s.path}</code> <span className="muted">— {s.reason}</span> <Bytes value={s.bytes} className="muted small" />
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Largest paths sent</h3>
      <table className="table compact">
        <tbody>
          {context.largest.map((p) => (
            <tr key={p.path}>
              <td className="mono df-ctx-path">{p.path}</td>
              <td className="num muted small">{filesText(p.files)}</td>
              <td className="num">
                <Bytes value={p.bytes} />
              </td>
            </tr>
          ))}
          {context.largest.length === 0 && (
            <tr>
              <td className="muted">Nothing is sent.</td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="df-ignore-head">
        <h3>Suggested .dockerignore</h3>
        <Button size="sm" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <pre className="df-ignore" data-testid="suggested-dockerignore">
        {context.suggestedDockerignore}
      </pre>
      {(context.symlinks ?? 0) > 0 && <p className="muted small">{context.symlinks} symlinks are sent as links (never followed) and not counted in bytes.</p>}
    </div>
  )
}

export function BuildPanel({ job, onCancel }: { job: StageBuildJob; onCancel: () => void }): React.JSX.Element {
  const logRef = useRef<HTMLPreElement>(null)
  // The log shows while building and after a failure; a good build folds it to give the graph room.
  const [showLog, setShowLog] = useState<boolean | null>(null)
  const logOpen = showLog ?? (job.running || job.error !== null)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!job.running) return
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [job.running])
  useEffect(() => {
    const el = logRef.current
    if (el) el.scrollTop = el.scrollHeight
  }, [job.log.length, logOpen])
  const done = job.progress?.bytesDone ?? 0
  const total = job.progress?.bytesTotal ?? 0
  const elapsed = ((job.finishedAt ?? now) - job.startedAt) / 1000
  const status = job.error
    ? job.error.code === 'CANCELLED'
      ? 'Cancelled'
      : 'Build failed'
    : job.running
      ? (job.progress?.message ?? 'Sending the build context…')
      : `Built ${total} stage${total === 1 ? '' : 's'}: sizes are on the graph`
  return (
    <div className={`df-build${job.error ? ' failed' : ''}`} data-testid="build-panel">
      <div className="df-build-head">
        <strong>{status}</strong>
        <span className="muted small num">
          {total > 0 ? (job.running ? `stage ${Math.min(done + 1, total)} of ${total} · ` : `${done} of ${total} stages built · `) : ''}
          {elapsed.toFixed(0)} s
        </span>
        <span className="spacer" />
        <Button size="sm" variant="ghost" onClick={() => setShowLog(!logOpen)} aria-expanded={logOpen}>
          {logOpen ? 'Hide log' : `Show log (${job.log.length} lines)`}
        </Button>
        {job.running && (
          <Button size="sm" onClick={onCancel} disabled={job.cancelling}>
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </div>
      <div className={`progress-track${total === 0 && job.running ? ' indeterminate' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={total || 1} aria-valuenow={done}>
        <div className="progress-fill" style={total > 0 ? { width: `${(done / total) * 100}%` } : undefined} />
      </div>
      {job.error && job.error.code !== 'CANCELLED' && <div className="df-build-error">{job.error.message}</div>}
      <pre className="df-log" ref={logRef} data-testid="build-log" hidden={!logOpen}>
        {job.log.map((l, i) => (
          <div key={i} className={l.stream === 'stderr' ? 'err' : l.line.startsWith('──') ? 'stage' : l.line.startsWith('Step ') ? 'step' : ''}>
            {l.line}
          </div>
        ))}
      </pre>
    </div>
  )
}

/** Layer <-> line for an image built from this Dockerfile: each history step and its line. */
export function LinksPanel({
  state,
  suggestions,
  onLink,
  onLine
}: {
  state: { imageKey: string; links: LayerLineLink[] | null; loading: boolean; error: { message: string } | null } | null
  suggestions: string[]
  onLink: (imageKey: string) => void
  onLine: (line: number) => void
}): React.JSX.Element {
  const [ref, setRef] = useState(state?.imageKey ?? '')
  const links = state?.links ?? null
  const matched = links?.filter((l) => l.confidence !== 'none' && l.line !== undefined).length ?? 0
  return (
    <div className="df-links" data-testid="links-panel">
      <p className="muted small">Match the history of an image built from this Dockerfile to its lines (stage by stage, through the FROM chain).</p>
      <form
        className="df-links-form"
        onSubmit={(e) => {
          e.preventDefault()
          onLink(ref)
        }}
      >
        <input className="input mono" list="df-link-suggestions" value={ref} onChange={(e) => setRef(e.target.value)} placeholder="image reference, e.g. myapp:latest" aria-label="Image to link" spellCheck={false} />
        <datalist id="df-link-suggestions">
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <Button type="submit" size="sm" disabled={state?.loading}>
          {state?.loading ? 'Linking…' : 'Link layers'}
        </Button>
      </form>
      {state?.error && <div className="df-build-error">{state.error.message}</div>}
      {links && (
        <>
          <div className="muted small">
            {matched} of {links.length} history steps matched to lines
          </div>
          <table className="table compact df-links-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Step</th>
                <th className="num">Size</th>
                <th>Line</th>
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.historyIndex} className={l.confidence === 'none' ? 'df-link-none' : ''}>
                  <td className="muted num">{l.layerIndex !== undefined ? `L${l.layerIndex}` : '·'}</td>
                  <td className="mono df-link-step" title={l.createdBy}>
                    {(l.createdBy ?? '').replace(/^\/bin\/sh -c (#\(nop\)\s+)?/, '') || '(base layer)'}
                  </td>
                  <td className="num">{l.size !== undefined ? <Bytes value={l.size} what="History size of the step" /> : ''}</td>
                  <td>
                    {l.line !== undefined ? (
                      <button className="link mono" onClick={() => onLine(l.line!)} title={`${l.stage} · ${l.confidence}`}>
                        {l.line}
                        {l.confidence === 'likely' ? '?' : ''}
                      </button>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="muted small">A "?" marks a likely match (same kind of step, text not identical, or a base image layer).</div>
        </>
      )}
    </div>
  )
}
