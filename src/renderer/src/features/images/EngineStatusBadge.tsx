// Top-bar badge: what the app is connected to, or exactly why not.
import { errorWords } from '../../../../shared/error-words'
import { useApp } from '../../stores'
import { Tooltip } from '../../components/Tooltip'

const VIA: Record<string, string> = { default: 'default socket', DOCKER_HOST: 'DOCKER_HOST', context: 'docker context', podman: 'Podman socket' }

export function EngineStatusBadge(): React.JSX.Element {
  const engine = useApp((s) => s.engine)
  const engineError = useApp((s) => s.engineError)
  const loading = useApp((s) => s.imagesLoading)
  const reload = useApp((s) => s.loadImages)
  if (engineError) {
    return (
      <span className="engine-badge bad" data-testid="engine-status" title={engineError.message}>
        <span className="dot" /> Backend not answering
      </span>
    )
  }
  if (!engine) {
    return (
      <span className="engine-badge" data-testid="engine-status">
        <span className="dot pending" /> Connecting…
      </span>
    )
  }
  const where = `${engine.endpoint.url} (${engine.endpoint.context ? `context ${engine.endpoint.context}` : (VIA[engine.endpoint.via] ?? engine.endpoint.via)})`
  if (!engine.ok) {
    return (
      <Tooltip content={<div className="tip-text"><strong>{errorWords(engine.code)}</strong><br />{engine.message}<br /><span className="muted">{where}</span></div>}>
        <span className="engine-badge bad" data-testid="engine-status">
          <span className="dot" /> Engine not reachable
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void reload()} disabled={loading}>
            Retry
          </button>
        </span>
      </Tooltip>
    )
  }
  return (
    <Tooltip
      content={
        <div className="tip-text">
          {engine.engine === 'podman' ? 'Podman' : 'Docker'} {engine.version}, API {engine.apiVersion}
          <br />
          {engine.os}/{engine.arch}
          {engine.buildkit ? ' · BuildKit available' : ''}
          <br />
          <span className="muted">{where}</span>
        </div>
      }
    >
      <span className="engine-badge ok" data-testid="engine-status">
        <span className="dot" /> {engine.engine === 'podman' ? 'Podman' : 'Docker'} {engine.version}
        <span className="muted"> · API {engine.apiVersion} · {engine.endpoint.url}</span>
      </span>
    </Tooltip>
  )
}
