// No engine: say exactly why and what to do, and stay useful (samples, open an archive).
import type { EngineStatus } from '../../../../shared/models/engine'
import type { ApiError } from '../../../../shared/errors'
import { Button } from '../../components/Button'
import { useApp } from '../../stores'
import { OpenArchiveForm } from './OpenArchive'
import { OpenRegistryForm } from '../registry/OpenRegistry'
import { SampleArchives } from './Samples'

const ADVICE: Record<string, string> = {
  ENGINE_UNREACHABLE: 'Start Docker (or Podman), or point DOCKER_HOST at a running engine, then press Retry.',
  ENGINE_PERMISSION: 'Add your user to the "docker" group (then log in again), or run with access to the socket.',
  ENGINE_CONFIG: 'Fix DOCKER_HOST or the current docker context (`docker context ls`), then press Retry.',
  ENGINE_ERROR: 'The engine answered with an error; check its logs, then press Retry.'
}

export function EngineUnreachable({ engine, backendError }: { engine: Extract<EngineStatus, { ok: false }> | null; backendError: ApiError | null }): React.JSX.Element {
  const reload = useApp((s) => s.loadImages)
  const loading = useApp((s) => s.imagesLoading)
  const message = backendError?.message ?? engine?.message ?? ''
  const code = backendError ? backendError.code : (engine?.code ?? 'ENGINE_UNREACHABLE')
  return (
    <div className="unreachable" data-testid="engine-unreachable">
      <section className="card unreachable-head">
        <div>
          <h2>{backendError ? 'The Layerscope backend is not answering' : 'Engine not reachable'}</h2>
          <p className="mono small">{message}</p>
          {engine && (
            <p className="muted small">
              Tried {engine.endpoint.url} ({engine.endpoint.via === 'default' ? 'the default socket' : engine.endpoint.via})
            </p>
          )}
          <p>{ADVICE[code] ?? 'Check that `layerscope serve` is still running, then press Retry.'}</p>
        </div>
        <Button onClick={() => void reload()} disabled={loading}>
          {loading ? 'Retrying…' : 'Retry'}
        </Button>
      </section>
      <section className="card">
        <h3>Look inside an image without an engine</h3>
        <p className="muted">These sample archives ship with Layerscope — real images saved with `docker save`.</p>
        <SampleArchives />
      </section>
      <section className="card">
        <h3>Open archive…</h3>
        <p className="muted">A `docker save` tar or an OCI image layout (directory or tar), on this machine.</p>
        <OpenArchiveForm />
      </section>
      <section className="card">
        <h3>Open from registry…</h3>
        <p className="muted">An image straight from a registry (registry://HOST[:PORT]/REPO[:TAG]): no engine needed.</p>
        <OpenRegistryForm />
      </section>
    </div>
  )
}
