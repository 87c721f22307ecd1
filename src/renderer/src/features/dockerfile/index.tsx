// The Dockerfile screen: open a Dockerfile (and its context), see the stage graph, build the
// stages to measure them, and read what the context and each habit cost in bytes.
import { useEffect, useState } from 'react'
import type { EngineStatus } from '../../../../shared/models/engine'
import { api } from '../../api'
import { Bytes } from '../../components/Bytes'
import { Button } from '../../components/Button'
import { EmptyState, ErrorBanner, Spinner } from '../../components/States'
import { call } from '../../lib/call'
import { useApp } from '../../stores'
import { buildingStage } from '../../stores/dockerfile'
import { AdvicePanel, BuildPanel, ContextPanel, LinksPanel, StagePanel } from './panels'
import { StageGraphView } from './StageGraphView'
import './dockerfile.css'

type Tab = 'stage' | 'advice' | 'context' | 'layers'

export function DockerfileScreen(): React.JSX.Element {
  const view = useApp((s) => s.view)
  const input = useApp((s) => s.dfInput)
  const analysis = useApp((s) => s.dfAnalysis)
  const loading = useApp((s) => s.dfLoading)
  const error = useApp((s) => s.dfError)
  const selected = useApp((s) => s.dfSelected)
  const focusLine = useApp((s) => s.dfFocusLine)
  const build = useApp((s) => s.dfBuild)
  const setInput = useApp((s) => s.setDockerfileInput)
  const open = useApp((s) => s.openDockerfile)
  const buildStages = useApp((s) => s.buildStages)
  const cancel = useApp((s) => s.cancelStageBuild)
  const select = useApp((s) => s.selectStageNode)
  const focus = useApp((s) => s.focusDockerfileLine)
  const links = useApp((s) => s.dfLinks)
  const linkImage = useApp((s) => s.linkImage)
  const images = useApp((s) => s.images)
  const engine = useApp((s) => s.engine)
  const [tab, setTab] = useState<Tab>('stage')
  /** A line named in a panel: highlighted in the editor, with its stage's tab shown. */
  const toLine = (line: number): void => {
    focus(line)
    setTab('stage')
  }

  // A view carrying a path (e.g. from another screen) opens it; else reopen the last one.
  useEffect(() => {
    const path = view.name === 'dockerfile' ? view.path : undefined
    if (path) void open({ path })
    else if (!analysis && input.path) void open()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view])

  const browse = async (kind: 'dockerfile' | 'directory'): Promise<void> => {
    try {
      const r = await call('dialog:open', { kind })
      if (!r.path) return
      if (kind === 'dockerfile') void open({ path: r.path })
      else setInput({ contextDir: r.path })
    } catch {
      /* the browser front has no native dialog: the text field is the way */
    }
  }

  const graph = analysis?.graph
  const stages = graph?.nodes.filter((n) => n.kind === 'stage') ?? []
  const node = graph?.nodes.find((n) => n.id === selected) ?? null
  const target = graph?.nodes.find((n) => n.isTarget)
  const buildingName = buildingStage(build)
  const topAdvice = analysis?.advice.find((a) => a.bytes !== undefined)
  const into = graph?.edges.filter((e) => e.to === target?.id && e.kind === 'copy' && e.bytes !== undefined) ?? []
  const copiedIn = into.reduce((s, e) => s + (e.bytes ?? 0), 0)
  const w = analysis?.context.warnings
  const contextAlerts = (analysis?.context.secrets.length ?? 0) + (w?.missing.length ?? 0) + (w && w.unusedTotal.files > 0 ? 1 : 0)

  return (
    <div className="page df-page" data-testid="dockerfile-screen">
      <div className="page-title">
        <h2>Dockerfile</h2>
        <span className="muted">Stages as a graph, each measured on the engine; the build context and advice in bytes</span>
      </div>
      <form
        className="card df-open"
        onSubmit={(e) => {
          e.preventDefault()
          void open()
        }}
      >
        <label className="df-field df-field-path">
          <span>Dockerfile</span>
          <input
            className="input mono"
            value={input.path}
            placeholder="/path/to/Dockerfile or a folder with one"
            onChange={(e) => setInput({ path: e.target.value })}
            aria-label="Dockerfile path"
            spellCheck={false}
          />
        </label>
        <label className="df-field">
          <span>Context</span>
          <input
            className="input mono"
            value={input.contextDir}
            placeholder="default: the Dockerfile's folder"
            onChange={(e) => setInput({ contextDir: e.target.value })}
            aria-label="Build context folder"
            spellCheck={false}
          />
        </label>
        <label className="df-field df-field-target">
          <span>Target</span>
          <select
            className="input"
            value={input.target}
            aria-label="Target stage"
            onChange={(e) => {
              setInput({ target: e.target.value })
              void open()
            }}
          >
            <option value="">last stage</option>
            {stages.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name === String(s.index) ? `stage ${s.index}` : s.name}
              </option>
            ))}
          </select>
        </label>
        <div className="df-open-actions">
          {api?.front === 'electron' && (
            <>
              <Button onClick={() => void browse('dockerfile')}>Browse…</Button>
              <Button onClick={() => void browse('directory')}>Context…</Button>
            </>
          )}
          <Button type="submit" variant={analysis ? 'default' : 'primary'} disabled={loading}>
            {loading ? 'Opening…' : analysis ? 'Reload' : 'Open'}
          </Button>
        </div>
      </form>

      {error && <ErrorBanner error={error} title="Could not open the Dockerfile" />}

      {!analysis && !loading && !error && (
        <EmptyState title="See a multi-stage build the way the engine does">
          Enter the path of a Dockerfile (or of its folder). Layerscope draws its stages, weighs the build context with and without
          .dockerignore, and ranks advice by the bytes it would save. Click <b>Build stages</b> to measure every stage on your engine.
        </EmptyState>
      )}
      {!analysis && loading && (
        <div className="center-fill">
          <Spinner label="Reading the Dockerfile and its context…" />
        </div>
      )}

      {analysis && graph && (
        <>
          {analysis.problems.length > 0 && (
            <div className="df-problems" role="alert" data-testid="problems">
              <strong>
                {analysis.problems.length} problem{analysis.problems.length > 1 ? 's' : ''} in this Dockerfile
              </strong>
              <ul>
                {analysis.problems.map((p, i) => (
                  <li key={i}>
                    <button className="link mono" onClick={() => focus(p.line)}>
                      line {p.line}
                    </button>{' '}
                    {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="stats df-stats">
            <div className="stat">
              <div className="stat-label">Target {target ? `· ${target.name === String(target.index) ? `stage ${target.index}` : target.name}` : ''}</div>
              <div className="stat-value" data-testid="target-size">
                {target?.measured ? <Bytes value={target.measured.size} what="Final image size as docker images shows it" /> : <span className="muted">not built</span>}
              </div>
              <div className="stat-sub muted">{target?.measured ? `as docker images shows it · ${target.measured.layers} layers · ${graph.builder ?? ''} builder` : 'Build stages to measure'}</div>
            </div>
            <div className="stat">
              <div className="stat-label">Copied in from other stages</div>
              <div className="stat-value">{into.length > 0 ? <Bytes value={copiedIn} what="Bytes COPY --from adds to the target" /> : <span className="muted">—</span>}</div>
              <div className="stat-sub muted">{graph.edges.filter((e) => e.to === target?.id && e.kind === 'copy').length} COPY --from</div>
            </div>
            <div className="stat">
              <div className="stat-label">Context sent</div>
              <div className="stat-value">
                <Bytes value={analysis.context.sent.bytes} what="Bytes docker build sends" />
              </div>
              <div className="stat-sub muted">
                of <Bytes value={analysis.context.all.bytes} /> in the folder · {analysis.context.hasDockerignore ? 'with .dockerignore' : 'no .dockerignore'}
              </div>
            </div>
            <div className={`stat${topAdvice ? ' stat-warn' : ''}`}>
              <div className="stat-label">Top advice</div>
              <div className="stat-value">{topAdvice?.bytes !== undefined ? <Bytes value={topAdvice.bytes} what={topAdvice.bytesKind ?? ''} /> : <span className="muted">—</span>}</div>
              <div className="stat-sub muted" title={topAdvice?.title}>
                {topAdvice ? `${topAdvice.bytesKind === 'estimated' ? '≈ ' : ''}${topAdvice.title}` : `${analysis.advice.length} suggestion${analysis.advice.length === 1 ? '' : 's'}, none with a byte cost`}
              </div>
            </div>
          </div>

          <div className="df-body">
            <div className="panel df-graph-panel">
              <div className="panel-head">
                <h2>Stages</h2>
                <span className="muted small">
                  {stages.length} stage{stages.length === 1 ? '' : 's'} · {stages.filter((s) => s.unused).length} unused · {graph.nodes.length - stages.length} external
                </span>
                <Button
                  variant="primary"
                  size="sm"
                  onClick={() => void buildStages()}
                  disabled={build?.running || analysis.problems.length > 0 || !engine?.ok}
                  title={buildBlocker(analysis.problems.length, engine) ?? 'Build each used stage with --target on the engine'}
                  data-testid="build-stages"
                >
                  {build?.running ? 'Building…' : 'Build stages'}
                </Button>
                {engine && !engine.ok && (
                  <span className="muted df-build-why" data-testid="build-blocked">
                    Needs a running engine
                  </span>
                )}
              </div>
              <StageGraphView
                graph={graph}
                selected={selected}
                building={buildingName}
                onSelect={(id) => {
                  select(id)
                  if (id) setTab('stage')
                }}
              />
              {build && <BuildPanel job={build} onCancel={() => void cancel()} />}
            </div>
            <div className="panel df-side">
              <div className="tabs" role="tablist">
                {(
                  [
                    ['stage', 'Stage'],
                    ['advice', 'Advice'],
                    ['context', 'Build context'],
                    ['layers', 'Image layers']
                  ] as const
                ).map(([t, label]) => (
                  <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'on' : ''} onClick={() => setTab(t)}>
                    {label}
                    {t === 'advice' && <span className="count">{analysis.advice.length}</span>}
                    {t === 'context' && contextAlerts > 0 && (
                      <span className="count df-count-warn" data-testid="context-alerts">
                        {contextAlerts}
                      </span>
                    )}
                  </button>
                ))}
              </div>
              <div className="df-side-body">
                {tab === 'stage' && (
                  <StagePanel
                    analysis={analysis}
                    node={node}
                    focusLine={focusLine}
                    onLine={(l) => {
                      focus(l)
                    }}
                  />
                )}
                {tab === 'advice' && (
                  <AdvicePanel
                    advice={analysis.advice}
                    onLine={toLine}
                  />
                )}
                {tab === 'context' && (
                  <ContextPanel
                    context={analysis.context}
                    onLine={toLine}
                  />
                )}
                {tab === 'layers' && (
                  <LinksPanel
                    state={links}
                    suggestions={(images ?? []).flatMap((i) => i.repoTags).slice(0, 200)}
                    onLink={(k) => void linkImage(k)}
                    onLine={toLine}
                  />
                )}
              </div>
            </div>
          </div>
          <div className="page-foot muted">
            {analysis.path} · context {analysis.contextDir}
          </div>
        </>
      )}
    </div>
  )
}

/** Why "Build stages" cannot run now, in words (null when it can). */
function buildBlocker(problems: number, engine: EngineStatus | null): string | null {
  if (problems > 0) return 'Fix the problems in the Dockerfile first'
  if (!engine) return 'Checking the engine…'
  if (!engine.ok) return `Building needs a running engine: ${engine.message}`
  return null
}
